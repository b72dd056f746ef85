"""``pinkbreast data check-refs`` lists the stored references that break the sample-reference
rule (stored before it applied everywhere), exits 1 when it finds one, and is audited."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.models import AuditEvent
from pinkbreast.db.session import session_factory
from tests.site import helpers

LEGACY = "Zoé MARTIN, née 1970"  # a name a CSV upload used to take


def test_check_refs_lists_the_references_breaking_the_rule(settings):
    session = session_factory(settings.database_url)()
    carla = helpers.user(session)
    good = helpers.confirmed(session, carla)
    bad = helpers.confirmed(session, carla)
    good.sample_ref, bad.sample_ref = "LAB-2026/0042", LEGACY
    helpers.confirmed(session, carla)  # no reference: nothing to check
    session.commit()
    runner = CliRunner()

    found = runner.invoke(cli, ["data", "check-refs"])

    assert found.exit_code == 1, found.output
    assert found.stdout.splitlines() == [f"prediction {bad.id}: {LEGACY!r}"]
    assert "2 references checked, 1 break the rule." in found.stderr
    (event,) = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "predictions.check_refs")
    )
    assert event.actor_name == "cli" and event.record_ids == f",{bad.id},"
    bad.sample_ref = "LAB-2026/0043"
    session.commit()
    assert runner.invoke(cli, ["data", "check-refs"]).exit_code == 0
    session.close()
