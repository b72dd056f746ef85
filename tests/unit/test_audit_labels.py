"""Every audited action has words on the audit page (in English and, through the catalogue,
French): an action code added without a label fails here."""

import re
from pathlib import Path

from pinkbreast.web.labels import ACTION_LABELS

SOURCE = Path(__file__).resolve().parents[2] / "src" / "pinkbreast"


def test_every_audited_action_in_the_code_has_a_label():
    used = set()
    for path in SOURCE.rglob("*.py"):
        used |= set(re.findall(r'\baction="([a-z_]+(?:\.[a-z_]+)?)"', path.read_text()))
    assert "prediction.create" in used and "login.succeeded" in used  # the scan finds them
    assert used - set(ACTION_LABELS) == set()
