"""The shape of a table file: its kinds (labelled cases, samples to score), how its header or
headerless layout maps positions to columns, and what a valid cell is.

The cell rules are here once, in two forms that must agree: :func:`parse_cell` for one cell,
with the problem worded for a person (the reader, :mod:`.reader`), and :func:`parse_column` for
a whole column at once, without words (its fast path, :mod:`.columns`). The rules themselves
come from the core: :mod:`pinkbreast.features` for measurements, :mod:`pinkbreast.sample_refs`
for references."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pinkbreast import sample_refs
from pinkbreast.features import BY_NAME, FEATURE_NAMES, Feature, canonical_name
from pinkbreast.tables.problems import Problem, shown
from pinkbreast.vocabulary import DIAGNOSES

MAX_CELLS = 256  # cells on one line of any table (a table has at most 35 columns)
SAMPLE_REF_MAX = sample_refs.MAX_LENGTH
# Ids of the site's adopted cases: this offset + the prediction's id (WDBC ids are below 10**9).
# An imported file may not use them (parse_cell refuses such an id).
SITE_ID_OFFSET = 10**12


@dataclass(frozen=True)
class TableKind:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    unique: str | None  # a column whose values may not repeat
    headerless: tuple[tuple[str, ...], ...]  # layouts accepted without a header row


_UCI = ("id", "diagnosis", *FEATURE_NAMES)
CASES = TableKind(_UCI, (), "id", (_UCI,))
SAMPLES = TableKind(
    FEATURE_NAMES, ("sample_ref", "id", "diagnosis"), "sample_ref", (FEATURE_NAMES, _UCI)
)


def layout(rows, kind: TableKind, name, problems) -> tuple[list[str | None], list]:
    """Column names by position (None = ignorable empty column) and the data rows."""
    line, first = rows[0]
    for shape in kind.headerless:
        if _matches_headerless(first, shape):
            return list(shape), rows
    columns = [
        _column(header, index, kind, name, line, problems)
        for index, header in enumerate(first, start=1)
    ]
    for required in kind.required:
        if required not in columns:
            problems.append(Problem(name, line, required, "missing column"))
    for column in sorted({c for c in columns if c is not None and columns.count(c) > 1}):
        problems.append(Problem(name, line, column, "column appears more than once"))
    return columns, rows[1:]


def _column(header, index, kind, name, line, problems) -> str | None:
    key = header.strip().lower().replace(" ", "_")
    if not key:
        return None
    if key in kind.required or key in kind.optional:
        return key
    if canonical := canonical_name(header):
        return canonical
    where = f"{index} ({shown(header.strip(), quoted=False)})"
    problems.append(Problem(name, line, where, "unknown column"))
    return None


def _matches_headerless(cells: list[str], layout: tuple[str, ...]) -> bool:
    cells = [c.strip() for c in cells]
    if layout[:2] == ("id", "diagnosis"):
        return len(cells) >= 2 and cells[0].isdigit() and cells[1] in DIAGNOSES
    return len(cells) == len(layout) and all(_is_number(c) for c in cells)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def parse_cell(column: str | None, cell: str) -> tuple[object, str | None]:
    if column is None:
        return None, "unexpected value in an empty column" if cell else None
    if column == "id":
        if cell.isdigit() and int(cell) < SITE_ID_OFFSET:
            return int(cell), None
        if cell.isdigit():  # the ids of the site's adopted cases: never overwritten by a file
            return None, f"expected a whole number below {SITE_ID_OFFSET}, got {shown(cell)}"
        return None, f"expected a whole number, got {shown(cell)}"
    if column == "diagnosis":
        ok = cell in DIAGNOSES
        return cell, None if ok else f"diagnosis must be M or B, got {shown(cell)}"
    if column == "sample_ref":
        return _sample_ref(cell)
    problem = BY_NAME[column].problem(cell)
    return (None, f"{problem}, got {shown(cell)}") if problem else (float(cell), None)


def _sample_ref(cell: str) -> tuple[object, str | None]:
    if not cell:
        return None, None
    if problem := sample_refs.problem(cell):
        return None, f"{problem}, got {shown(cell)}"
    return cell, None


def parse_column(column: str | None, cells):
    """One column's values when every cell is valid, else None: :func:`parse_cell`'s rules for
    a whole column, without a message (``cells``: strings, or a feature column pandas has
    already parsed as float64, exactly as ``float()`` would)."""
    if column is None:
        return None if any(cell.strip() for cell in cells) else []
    if column == "sample_ref":  # parse_cell's rule, without a call and a tuple per cell
        refs = [cell.strip() for cell in cells]
        if any(ref and sample_refs.problem(ref) for ref in refs):
            return None
        return [ref or None for ref in refs]
    if column not in BY_NAME:
        parsed = [parse_cell(column, cell.strip()) for cell in cells]
        return None if any(problem for _, problem in parsed) else [v for v, _ in parsed]
    if isinstance(cells, pd.Series) and cells.dtype == np.float64:
        values = cells.to_numpy()
    else:
        try:
            values = np.fromiter(map(float, cells), dtype=float, count=len(cells))
        except ValueError:
            return None
    return values if _all_valid(BY_NAME[column], values) else None


def _all_valid(feature: Feature, values: np.ndarray) -> bool:
    """:meth:`Feature.problem <pinkbreast.features.Feature.problem>` is None for every value:
    finite, at least 0 (above 0 for a size), at most the feature's maximum."""
    smallest = values.min()
    return bool(
        np.isfinite(values).all()
        and (smallest > 0 if feature.positive else smallest >= 0)
        and values.max() <= feature.maximum
    )
