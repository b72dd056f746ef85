"""The report's font: DejaVu Sans from matplotlib (a dependency already; its licence,
``LICENSE_DEJAVU``, travels with it), cut down once per process to the scripts a report uses.

Every French accent, Latin, Greek, typographic punctuation, arrows, mathematical signs and the
zone symbols, on any machine, with no system font. Cutting 6,000 glyphs down to these once makes
each report several times faster to draw than loading the whole font every time (measured in
``make bench``).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from importlib.resources import files
from pathlib import Path

SOURCE = files("matplotlib") / "mpl-data" / "fonts" / "ttf"
FACES = {"": "DejaVuSans", "B": "DejaVuSans-Bold"}  # style -> file name
BLOCKS = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and B
    (0x0370, 0x03FF),  # Greek
    (0x2000, 0x20CF),  # punctuation, super- and subscripts, currency
    (0x2100, 0x22FF),  # letterlike symbols, arrows, mathematical operators
    (0x25A0, 0x25FF),  # geometric shapes (the zone symbols)
)
_lock = threading.Lock()
_files: dict[str, Path] = {}


def font_files() -> dict[str, Path]:
    """Style -> the cut-down font file, made on the first call in this process."""
    with _lock:
        if not _files:
            folder = Path(tempfile.mkdtemp(prefix="pinkbreast-fonts-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            for style, name in FACES.items():
                _files[style] = _cut(SOURCE / f"{name}.ttf", folder / f"{name}.ttf")
        return dict(_files)


def _cut(source, target: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = TTFont(str(source), recalcTimestamp=False)  # the same bytes in every process
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=[c for low, high in BLOCKS for c in range(low, high + 1)])
    cutter.subset(font)
    font.save(target)
    return target
