"""Plans on disk: one ``.npz`` file read with numpy alone (no pickle, no scikit-learn).

The file holds the plan's structure as JSON, its arrays, and a check: rows and the
probabilities the fitted pipeline gave them. :func:`save` refuses a plan that, read back from
the file, does not reproduce those probabilities within ``TOLERANCE``; :func:`load` checks
them again before anything is served from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import cast

import numpy as np

from .rows import Array, Node, NotCompilable, Probability

# The plan as stored: JSON, each array replaced by {"__array__": its key in the .npz file}
Stored = dict[str, "Stored"] | list["Stored"] | bool | int | float | str | None
# ... and read back, with the arrays in place
Decoded = dict[str, "Decoded"] | list["Decoded"] | Array | bool | int | float | str | None

FORMAT = 1
_STRUCTURE, _ROWS, _EXPECTED = "__plan__", "__check_rows__", "__check_expected__"


def _encode(value: object, arrays: dict[str, Array]) -> Stored:
    if isinstance(value, dict):
        return {k: _encode(v, arrays) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list | tuple):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        item: Stored = value.item()  # a numpy scalar's Python number
        return item
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise NotCompilable(f"a plan cannot store {type(value).__name__}")


def _decode(value: Stored, arrays: Mapping[str, Array]) -> Decoded:
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[cast(str, value["__array__"])]  # _encode stores the key
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def _read(path: Path) -> tuple[Node, Array, Array]:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    document = json.loads(str(arrays.pop(_STRUCTURE)))
    if document.get("format") != FORMAT:
        raise NotCompilable(f"plan format {document.get('format')!r}, expected {FORMAT}")
    plan = cast(Node, _decode(document["plan"], arrays))  # save() stores a plan (a Node) there
    return plan, arrays[_ROWS], arrays[_EXPECTED]


def _checked(path: Path, tolerance: float) -> tuple[Node, Probability]:
    from . import compile_plan  # the package imports this module's callers, not the reverse

    plan, rows, expected = _read(path)
    compiled = compile_plan(plan)
    gap = float(np.max(np.abs(compiled(rows) - expected))) if len(rows) else 0.0
    if not gap <= tolerance:
        raise NotCompilable(f"the stored plan differs from its pipeline by {gap:.2e}")
    return plan, compiled


def save(plan: Node, path: Path, *, rows: Array, expected: Array, tolerance: float) -> None:
    """Write ``plan`` with its check (``expected``: the pipeline's probabilities of ``rows``).

    Raises :class:`NotCompilable` (and leaves no file) when the plan cannot be stored or does
    not reproduce ``expected`` once read back.
    """
    arrays: dict[str, Array] = {}
    document = {"format": FORMAT, "plan": _encode(plan, arrays)}
    arrays[_STRUCTURE] = np.array(json.dumps(document))
    arrays[_ROWS] = np.asarray(rows, dtype=float)
    arrays[_EXPECTED] = np.asarray(expected, dtype=float)
    path = Path(path)
    with path.open("wb") as handle:
        # savez's stubs type **kwds with its allow_pickle flag; the names here are _STRUCTURE,
        # _ROWS, _EXPECTED and the plan's own array keys, never "allow_pickle"
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    try:
        _checked(path, tolerance)
    except NotCompilable:
        path.unlink()
        raise


def load(path: Path, *, tolerance: float) -> Probability:
    """The compiled function of a saved plan, once it has reproduced its check.

    Raises :class:`NotCompilable` when the file is of another format or fails its check, and
    ``OSError``/``ValueError`` when it cannot be read.
    """
    return _checked(Path(path), tolerance)[1]


def load_plan(path: Path | str, *, tolerance: float) -> tuple[Node, Probability]:
    """:func:`load`, with the plan itself (to explain what it computes)."""
    return _checked(Path(path), tolerance)
