"""CSV tables of samples: parsed by header name, validated cell by cell, rejected whole.

Two kinds of table share one reader:

* **labelled cases** (:data:`CASES`): ``id``, ``diagnosis`` and the 30 features, in the UCI
  ``wdbc.data`` layout (no header) or a Kaggle-style CSV with a header;
* **samples to score** (:data:`SAMPLES`): the 30 features, optionally ``sample_ref`` (or ``id``)
  and ``diagnosis`` (carried along, not used), with a header in any accepted spelling, or without
  a header in UCI order.

Every problem is reported as file, line, column and what was expected; nothing is half-read.
A valid file is checked column by column (:func:`_clean_columns`, fast enough for 100,000 rows);
any doubt sends it through the cell-by-cell reader, which names every problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pinkbreast.features import BY_NAME, FEATURE_NAMES, canonical_name

DIAGNOSES = ("M", "B")
MAX_PROBLEMS = 200
SAMPLE_REF_MAX = 64


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


def read_table(path: Path | str, kind: TableKind, *, max_rows: int | None = None) -> pd.DataFrame:
    """Parse a CSV file of ``kind``, or raise :class:`FileRejected`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(path.name, None, None, f"cannot read the file: {exc}")
        raise FileRejected([problem]) from exc
    return parse_table(text, kind, name=path.name, max_rows=max_rows)


def parse_table(
    text: str, kind: TableKind, *, name: str, max_rows: int | None = None
) -> pd.DataFrame:
    """Parse CSV text of ``kind``; every problem is collected before rejecting the file."""
    if (frame := _parse_plain(text, kind, max_rows)) is not None:
        return frame
    try:
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(r)]
    except csv.Error as exc:
        raise FileRejected([Problem(name, None, None, f"not a valid CSV file: {exc}")]) from exc
    if not rows:
        raise FileRejected([Problem(name, None, None, "the file holds no rows")])
    problems: list[Problem] = []
    columns, data_rows = _layout(rows, kind, name, problems)
    if max_rows is not None and len(data_rows) > max_rows:
        problems.append(Problem(name, None, None, f"{len(data_rows)} rows; at most {max_rows}"))
    if problems:
        raise FileRejected(problems)
    if data_rows and (clean := _clean_rows(data_rows, columns, kind)) is not None:
        return _frame_from_columns(clean, kind)
    records = _records(data_rows, columns, kind, name, problems)
    if problems:
        raise FileRejected(problems)
    if not records:
        raise FileRejected([Problem(name, None, None, "the file holds a header but no rows")])
    return _frame(records, kind)


def _parse_plain(text: str, kind: TableKind, max_rows: int | None) -> pd.DataFrame | None:
    """The common file read by pandas' C parser, or None when the file is not plainly valid.

    Only for text the csv module would split the same way: no quotes, no lone carriage
    returns, no byte-order mark, the same number of cells on every line and no line of empty
    cells. Anything else, and any file with a problem, goes through the reader that names
    each problem by line and column.
    """
    if not text or '"' in text or text.startswith("\ufeff") or "\r" in text.replace("\r\n", ""):
        return None
    try:
        table = pd.read_csv(io.StringIO(text), header=None, dtype=str, na_filter=False, engine="c")
    except (ValueError, pd.errors.ParserError):
        return None
    width = table.shape[1]
    if _content_lines(text) != len(table) or text.count(",") != (width - 1) * len(table):
        return None  # pandas skipped a line of blanks, or padded a short line
    # (a line of empty cells, which the csv reader skips, fails the number check below)
    problems: list[Problem] = []
    columns, data = _layout([(1, table.iloc[0].tolist())], kind, "-", problems)
    if problems or (max_rows is not None and len(table) - (not data) > max_rows):
        return None
    body = table if data else table.iloc[1:]
    if body.empty:
        return None
    clean = _clean_columns(columns, [body[c].tolist() for c in body.columns], kind)
    return None if clean is None else _frame_from_columns(clean, kind)


def _content_lines(text: str) -> int:
    """Lines that are not empty (those the csv reader yields a row for)."""
    text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        return sum(1 for line in text.split("\n") if line)
    return text.count("\n") + (not text.endswith("\n")) - text.startswith("\n")


def _clean_rows(data_rows, columns, kind: TableKind) -> dict[str, list] | None:
    """:func:`_clean_columns` for rows of cells."""
    if any(len(cells) != len(columns) for _, cells in data_rows):
        return None
    return _clean_columns(columns, zip(*(cells for _, cells in data_rows), strict=True), kind)


def _clean_columns(columns, cells_by_column, kind: TableKind) -> dict[str, list] | None:
    """Every column parsed at once when the whole file is valid, else None (no messages: the
    cell-by-cell reader then finds and words each problem)."""
    parsed: dict[str, list] = {}
    for column, cells in zip(columns, cells_by_column, strict=True):
        values = _clean_column(column, cells)
        if values is None:
            return None
        if column is not None:
            parsed[column] = values
    if kind.unique in parsed:
        keys = [key for key in parsed[kind.unique] if key is not None]
        if len(set(keys)) != len(keys):
            return None
    return parsed


def _clean_column(column: str | None, cells: tuple[str, ...]):
    """One column's values when every cell is valid, else None."""
    if column is None:
        return None if any(cell.strip() for cell in cells) else []
    if column not in BY_NAME:
        parsed = [_parse_cell(column, cell.strip()) for cell in cells]
        return None if any(problem for _, problem in parsed) else [v for v, _ in parsed]
    try:
        values = np.fromiter(map(float, cells), dtype=float, count=len(cells))
    except ValueError:
        return None
    maximum = BY_NAME[column].maximum
    valid = np.isfinite(values).all() and values.min() >= 0 and values.max() <= maximum
    return values if valid else None


def _frame_from_columns(parsed: dict[str, list], kind: TableKind) -> pd.DataFrame:
    """The same frame :func:`_frame` builds from records."""
    rows = len(next(iter(parsed.values())))
    if "sample_ref" not in kind.optional:
        return pd.DataFrame({column: parsed[column] for column in kind.required})
    if "sample_ref" in parsed:
        refs = [np.nan if ref is None else ref for ref in parsed["sample_ref"]]
    elif "id" in parsed:
        refs = [str(value) for value in parsed["id"]]
    else:
        refs = [np.nan] * rows  # what the record reader gives a missing column
    return pd.DataFrame(
        {
            "sample_ref": pd.Series(refs, dtype="object"),
            "diagnosis": pd.Series(parsed.get("diagnosis", [np.nan] * rows), dtype="object"),
            **{name: parsed[name] for name in FEATURE_NAMES},
        }
    )


def _records(data_rows, columns, kind, name, problems) -> list[dict]:
    records, seen = [], {}
    for line, cells in data_rows:
        record = _parse_row(cells, columns, name, line, problems)
        key = record.get(kind.unique) if record and kind.unique else None
        if key is not None and key in seen:
            message = f"duplicate {kind.unique} {key} (first on line {seen[key]})"
            problems.append(Problem(name, line, kind.unique, message))
        if key is not None:
            seen.setdefault(key, line)
        if record is not None:
            records.append(record)
        if len(problems) >= MAX_PROBLEMS:
            break
    return records


def _frame(records: list[dict], kind: TableKind) -> pd.DataFrame:
    if "sample_ref" in kind.optional:
        for record in records:
            if "sample_ref" not in record and "id" in record:
                record["sample_ref"] = str(record.pop("id"))
            record.pop("id", None)
        columns = ["sample_ref", "diagnosis", *FEATURE_NAMES]
        frame = pd.DataFrame.from_records(records, columns=columns)
        return frame.astype({"sample_ref": "object", "diagnosis": "object"})
    return pd.DataFrame.from_records(records, columns=list(kind.required))


def _layout(rows, kind: TableKind, name, problems) -> tuple[list[str | None], list]:
    """Column names by position (None = ignorable empty column) and the data rows."""
    line, first = rows[0]
    for layout in kind.headerless:
        if _matches_headerless(first, layout):
            return list(layout), rows
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
    problems.append(Problem(name, line, f"{index} ({header.strip()})", "unknown column"))
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


def _parse_row(cells, columns, name, line, problems) -> dict | None:
    if len(cells) != len(columns):
        message = f"expected {len(columns)} cells, found {len(cells)}"
        problems.append(Problem(name, line, None, message))
        return None
    record: dict = {}
    before = len(problems)
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True), start=1):
        where = f"{index} ({column})" if column else str(index)
        value, problem = _parse_cell(column, cell.strip())
        if problem:
            problems.append(Problem(name, line, where, problem))
        elif column is not None:
            record[column] = value
    return record if len(problems) == before else None


def _parse_cell(column: str | None, cell: str) -> tuple[object, str | None]:
    if column is None:
        return None, "unexpected value in an empty column" if cell else None
    if column == "id":
        ok = cell.isdigit()
        return (int(cell) if ok else None), None if ok else f"expected a whole number, got {cell!r}"
    if column == "diagnosis":
        ok = cell in DIAGNOSES
        return cell, None if ok else f"diagnosis must be M or B, got {cell!r}"
    if column == "sample_ref":
        return _sample_ref(cell)
    problem = BY_NAME[column].problem(cell)
    return (None, f"{problem}, got {cell!r}") if problem else (float(cell), None)


def _sample_ref(cell: str) -> tuple[object, str | None]:
    if not cell:
        return None, None
    if len(cell) > SAMPLE_REF_MAX or not cell.isprintable():
        return None, f"expected at most {SAMPLE_REF_MAX} printable characters"
    return cell, None


def write_cases(frame: pd.DataFrame, handle) -> None:
    """Write labelled cases in the Kaggle-style layout with canonical headers."""
    frame[list(CASES.required)].to_csv(handle, index=False)
