"""CSV tables of samples: parsed by header name, validated cell by cell, rejected whole.

Two kinds of table share one reader:

* **labelled cases** (:data:`CASES`): ``id``, ``diagnosis`` and the 30 features, in the UCI
  ``wdbc.data`` layout (no header) or a Kaggle-style CSV with a header;
* **samples to score** (:data:`SAMPLES`): the 30 features, optionally ``sample_ref`` (or ``id``)
  and ``diagnosis`` (carried along, not used), with a header in any accepted spelling, or without
  a header in UCI order.

Every problem is reported as file, line, column and what was expected; nothing is half-read.
A valid file is read column by column (:mod:`.columns`, the fast path for large files); any
doubt sends it through the cell-by-cell reader here, which names every problem. Kinds, layouts
and the cell rules both use: :mod:`.cells`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.tables import dialects
from pinkbreast.tables.cells import CASES, MAX_CELLS, TableKind, layout, parse_cell
from pinkbreast.tables.columns import clean_rows, frame_from_columns, read_plain
from pinkbreast.tables.problems import MAX_PROBLEMS, FileRejected, Problem


def read_table(
    path: Path | str,
    kind: TableKind,
    *,
    max_rows: int | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Parse a CSV file of ``kind``, or raise :class:`FileRejected`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(path.name, None, None, f"cannot read the file: {exc}")
        raise FileRejected([problem]) from exc
    return parse_table(text, kind, name=path.name, max_rows=max_rows, sep=sep, decimal=decimal)


def parse_table(
    text: str,
    kind: TableKind,
    *,
    name: str,
    max_rows: int | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Parse CSV text of ``kind``; every problem is collected before rejecting the file.

    ``sep`` and ``decimal`` default to what the header shows (:mod:`.dialects`: a French
    spreadsheet's ``;`` and decimal commas); the frame's ``attrs["dialect"]`` says what was read.
    Lines wider than ``MAX_CELLS`` cells are refused before any parsing (a header of millions
    of columns would otherwise cost a problem, and memory, per column).
    """
    if wide := _too_wide(text, name):
        raise FileRejected(wide[:MAX_PROBLEMS], omitted=max(0, len(wide) - MAX_PROBLEMS))
    try:
        text, dialect = dialects.to_standard(text, sep=sep, decimal=decimal)
    except (ValueError, csv.Error) as exc:
        raise FileRejected([Problem(name, None, None, f"not a valid CSV file: {exc}")]) from exc
    frame = _parse_standard(text, kind, name=name, max_rows=max_rows)
    frame.attrs["dialect"] = dialect.describe()
    return frame


def _parse_standard(text: str, kind: TableKind, *, name: str, max_rows: int | None) -> pd.DataFrame:
    if (frame := read_plain(text, kind, max_rows)) is not None:
        return frame
    try:
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(r)]
    except csv.Error as exc:
        raise FileRejected([Problem(name, None, None, f"not a valid CSV file: {exc}")]) from exc
    if not rows:
        raise FileRejected([Problem(name, None, None, "the file holds no rows")])
    problems: list[Problem] = []
    columns, data_rows = layout(rows, kind, name, problems)
    if max_rows is not None and len(data_rows) > max_rows:
        problems.append(Problem(name, None, None, f"{len(data_rows)} rows; at most {max_rows}"))
    if problems:
        raise FileRejected(problems)
    if data_rows and (clean := clean_rows(data_rows, columns, kind)) is not None:
        return frame_from_columns(clean, kind)
    records, omitted = _records(data_rows, columns, kind, name, problems)
    if problems:
        raise FileRejected(problems, omitted)
    if not records:
        raise FileRejected([Problem(name, None, None, "the file holds a header but no rows")])
    return frame_from_records(records, kind)


def _too_wide(text: str, name: str) -> list[Problem]:
    """A problem per line with more than ``MAX_CELLS`` cells (counted by separators, in C:
    commas, or the semicolons and tabs of spreadsheet files)."""
    limit = MAX_CELLS - 1
    if max(text.count(sep) for sep in _SEPARATORS) <= limit:
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        cells = max(line.count(sep) for sep in _SEPARATORS) + 1
        if cells > MAX_CELLS:
            problems.append(Problem(name, number, None, f"{cells} cells; at most {MAX_CELLS}"))
    return problems


_SEPARATORS = (",", ";", "\t")


def _records(data_rows, columns, kind, name, problems) -> tuple[list[dict], int]:
    """The valid rows' records, and how many problems were found beyond ``MAX_PROBLEMS``
    (counted, not kept)."""
    records, omitted = [], 0
    seen: dict[object, int] = {}  # a unique column's value -> the line it was first seen on
    for line, cells in data_rows:
        sink = problems if len(problems) < MAX_PROBLEMS else []
        record = parse_row(cells, columns, name, line, sink)
        key = record.get(kind.unique) if record and kind.unique else None
        if key is not None and key in seen:
            message = f"duplicate {kind.unique} {key} (first on line {seen[key]})"
            sink.append(Problem(name, line, kind.unique, message))
        if key is not None:
            seen.setdefault(key, line)
        if record is not None:
            records.append(record)
        if sink is not problems:
            omitted += len(sink)
    return records, omitted


def frame_from_records(records: list[dict], kind: TableKind) -> pd.DataFrame:
    """The table of parsed rows (an ``id`` becomes the ``sample_ref`` of a sample)."""
    if "sample_ref" in kind.optional:
        for record in records:
            if "sample_ref" not in record and "id" in record:
                record["sample_ref"] = str(record.pop("id"))
            record.pop("id", None)
        columns = ["sample_ref", "diagnosis", *FEATURE_NAMES]
        frame = pd.DataFrame.from_records(records, columns=columns)
        return frame.astype({"sample_ref": "object", "diagnosis": "object"})
    return pd.DataFrame.from_records(records, columns=list(kind.required))


def parse_row(cells, columns, name, line, problems) -> dict | None:
    """One row's values by column, or None with each of its problems added to ``problems``
    (the rule for every row of every table, the Spark engine's included)."""
    if len(cells) != len(columns):
        message = f"expected {len(columns)} cells, found {len(cells)}"
        problems.append(Problem(name, line, None, message))
        return None
    record: dict = {}
    before = len(problems)
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True), start=1):
        where = f"{index} ({column})" if column else str(index)
        value, problem = parse_cell(column, cell.strip())
        if problem:
            problems.append(Problem(name, line, where, problem))
        elif column is not None:
            record[column] = value
    return record if len(problems) == before else None


def write_cases(frame: pd.DataFrame, handle) -> None:
    """Write labelled cases in the Kaggle-style layout with canonical headers."""
    frame[list(CASES.required)].to_csv(handle, index=False)
