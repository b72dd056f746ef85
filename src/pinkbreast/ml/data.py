"""The WDBC reference data and the two file formats it travels in.

* The reference data is scikit-learn's bundled copy (no network). scikit-learn encodes malignant
  as 0; here malignant = 1 is the positive class everywhere, and diagnoses are stored as "M"/"B".
* ``wdbc.data`` (UCI): no header; id, diagnosis, then the 30 values in UCI order.
* Kaggle-style CSV: a header ``id,diagnosis,radius_mean,...`` in any accepted spelling (see
  :func:`pinkbreast.features.canonical_name`), possibly with an empty trailing column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pinkbreast.features import BY_NAME, FEATURE_NAMES, FEATURES, canonical_name

DIAGNOSES = ("M", "B")
REFERENCE_SOURCE = "scikit-learn bundled WDBC"


def diagnosis_to_target(diagnosis: pd.Series) -> np.ndarray:
    """``"M"`` -> 1 (positive class), ``"B"`` -> 0."""
    return (diagnosis == "M").to_numpy(dtype=int)


def load_reference() -> pd.DataFrame:
    """The 569 WDBC samples: ``id``, ``diagnosis`` ("M"/"B") and the 30 canonical columns."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    sklearn_to_canonical = {f.sklearn_name: f.name for f in FEATURES}
    frame = pd.DataFrame(
        bunch.data, columns=[sklearn_to_canonical[str(n)] for n in bunch.feature_names]
    )[list(FEATURE_NAMES)]
    ids = _reference_ids()
    frame.insert(0, "diagnosis", np.where(bunch.target == 0, "M", "B"))
    frame.insert(0, "id", ids)
    return frame


def _reference_ids() -> list[int]:
    text = resources.files("pinkbreast.ml").joinpath("wdbc_ids.txt").read_text("ascii")
    return [int(line) for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Problem:
    """One reason a file is rejected, located for a person to fix it."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FileRejected(ValueError):
    """A file that cannot be used as a whole; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


MAX_PROBLEMS = 200


def read_cases(path: Path | str, *, name: str | None = None) -> pd.DataFrame:
    """Parse a labelled file in UCI or Kaggle format, or raise :class:`FileRejected`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileRejected(
            [Problem(str(path), None, None, f"cannot read the file: {exc}")]
        ) from exc
    return parse_cases(text, name=name or path.name)


def parse_cases(text: str, *, name: str) -> pd.DataFrame:
    """Parse labelled CSV text; every problem is collected before rejecting the file."""
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(r)]
    if not rows:
        raise FileRejected([Problem(name, None, None, "the file holds no rows")])
    problems: list[Problem] = []
    columns, data_rows = _layout(rows, name, problems)
    if problems:
        raise FileRejected(problems)
    records, seen = [], {}
    for line, cells in data_rows:
        record = _parse_row(cells, columns, name, line, problems)
        if record is None:
            continue
        if record["id"] in seen:
            problems.append(
                Problem(
                    name,
                    line,
                    "id",
                    f"duplicate id {record['id']} (first on line {seen[record['id']]})",
                )
            )
        seen.setdefault(record["id"], line)
        records.append(record)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise FileRejected(problems)
    return pd.DataFrame.from_records(records, columns=["id", "diagnosis", *FEATURE_NAMES])


def _layout(rows, name, problems) -> tuple[list[str | None], list]:
    """Column names by position (None = ignorable empty column) and the data rows."""
    line, first = rows[0]
    if _looks_like_uci(first):
        return ["id", "diagnosis", *FEATURE_NAMES], rows
    columns: list[str | None] = []
    for index, header in enumerate(first, start=1):
        key = header.strip().lower()
        if key in ("id", "diagnosis"):
            columns.append(key)
        elif not key:
            columns.append(None)
        elif canonical := canonical_name(header):
            columns.append(canonical)
        else:
            problems.append(Problem(name, line, f"{index} ({header.strip()})", "unknown column"))
            columns.append(None)
    for required in ("id", "diagnosis", *FEATURE_NAMES):
        if required not in columns:
            problems.append(Problem(name, line, required, "missing column"))
    for column in {c for c in columns if c is not None and columns.count(c) > 1}:
        problems.append(Problem(name, line, column, "column appears more than once"))
    return columns, rows[1:]


def _looks_like_uci(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[0].strip().isdigit() and cells[1].strip() in DIAGNOSES


def _parse_row(cells, columns, name, line, problems) -> dict | None:
    if len(cells) != len(columns):
        problems.append(
            Problem(name, line, None, f"expected {len(columns)} cells, found {len(cells)}")
        )
        return None
    record: dict = {}
    count = len(problems)
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True), start=1):
        where = f"{index} ({column})"
        cell = cell.strip()
        if column is None:
            if cell:
                problems.append(
                    Problem(name, line, str(index), "unexpected value in an empty column")
                )
        elif column == "id":
            if not cell.isdigit():
                problems.append(
                    Problem(name, line, where, f"expected a positive whole number, got {cell!r}")
                )
            else:
                record["id"] = int(cell)
        elif column == "diagnosis":
            if cell not in DIAGNOSES:
                problems.append(
                    Problem(name, line, where, f"diagnosis must be M or B, got {cell!r}")
                )
            record["diagnosis"] = cell
        else:
            problem = BY_NAME[column].problem(cell)
            if problem:
                problems.append(Problem(name, line, where, f"{problem}, got {cell!r}"))
            else:
                record[column] = float(cell)
    return record if len(problems) == count else None


def to_csv(frame: pd.DataFrame, handle) -> None:
    """Write cases in the Kaggle-style layout with canonical headers."""
    frame[["id", "diagnosis", *FEATURE_NAMES]].to_csv(handle, index=False)
