"""The shape of a table file: its kinds (labelled cases, samples to score), how its header or
headerless layout maps positions to columns, and what a valid cell is. Shared by the
column-at-once reader (:mod:`pinkbreast.ml.table_columns`) and the cell-by-cell one
(:mod:`pinkbreast.ml.tables`)."""

from __future__ import annotations

from dataclasses import dataclass

from pinkbreast import sample_refs
from pinkbreast.features import BY_NAME, FEATURE_NAMES, canonical_name
from pinkbreast.ml.names import SITE_ID_OFFSET
from pinkbreast.vocabulary import DIAGNOSES

MAX_PROBLEMS = 200  # problems listed; the rest are counted ("and N more")
MAX_CELLS = 256  # cells on one line of any table (a table has at most 35 columns)
SHOWN_CELL = 40  # characters of a cell quoted in a problem
SAMPLE_REF_MAX = sample_refs.MAX_LENGTH


def shown(cell: str, *, quoted: bool = True) -> str:
    """A cell as quoted in a problem: at most ``SHOWN_CELL`` characters, so that the list of
    problems stays small whatever the file holds."""
    cell = cell if len(cell) <= SHOWN_CELL else cell[:SHOWN_CELL] + "…"
    return repr(cell) if quoted else cell


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
    """A file that cannot be used as a whole; ``problems`` lists the reasons found (at most
    ``MAX_PROBLEMS``), ``omitted`` counts the others."""

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems[:MAX_PROBLEMS]
        self.omitted = omitted + max(0, len(problems) - MAX_PROBLEMS)
        rest = len(self.problems) - 1 + self.omitted
        more = f" (and {rest} more)" if rest else ""
        super().__init__(f"{problems[0]}{more}")

    def lines(self) -> list[str]:
        """The problems as text, then "and N more problems" when some were not listed."""
        more = [f"and {self.omitted} more problems"] if self.omitted else []
        return [str(problem) for problem in self.problems] + more


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
