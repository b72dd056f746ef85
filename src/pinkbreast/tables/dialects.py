"""CSV files as spreadsheets write them: a French Excel file is ``;``-separated with decimal
commas. :func:`to_standard` turns such text into the comma-separated, dot-decimal text the table
readers parse, line for line (so every problem is still reported at its line), and says which
dialect it read.

Detection looks at the header line (or the first line of a headerless file): ``;`` separates
when it appears and ``,`` does not, or ``;`` appears more often than ``,``; a tab likewise. With
``;`` or a tab, decimal commas are expected (``decimal=","``) — the way French spreadsheets write
— and each number is read by :func:`pinkbreast.numbers.parse_decimal`; a cell that is not a
number is left as it is, for the reader to report with its line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pinkbreast.numbers import NumberProblem, parse_decimal

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Dialect:
    sep: str
    decimal: str

    @property
    def standard(self) -> bool:
        return self.sep == "," and self.decimal == "."

    def describe(self) -> str:
        decimal = "decimal commas" if self.decimal == "," else "decimal points"
        return f"{SEPARATORS[self.sep]}-separated values with {decimal}"


STANDARD = Dialect(",", ".")


def detect(text: str) -> Dialect:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    for sep in (";", "\t"):
        if first.count(sep) and first.count(sep) >= first.count(","):
            return Dialect(sep, ",")
    return STANDARD


def to_standard(text: str, *, sep: str | None = None, decimal: str | None = None):
    """``(text, dialect)``: ``text`` as standard CSV, and the dialect it was read in."""
    found = detect(text)
    dialect = Dialect(sep or found.sep, decimal or (found.decimal if sep is None else
                                                     ("," if sep != "," else ".")))  # fmt: skip
    if dialect.sep == "," and dialect.decimal == ",":
        raise ValueError("a comma cannot both separate values and mark decimals")
    if dialect.standard:
        return text, dialect
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    comma = dialect.decimal == ","
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=dialect.sep):
        writer.writerow([_number(cell, comma) for cell in cells])
    return out.getvalue(), dialect


def _number(cell: str, decimal_comma: bool) -> str:
    if not decimal_comma or "," not in cell:
        return cell
    try:
        return repr(parse_decimal(cell, decimal_comma=True))
    except NumberProblem:
        return cell
