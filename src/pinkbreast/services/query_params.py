"""Date and page parameters of lists (history, API, audit): one definition of their ranges.

A date outside ``MIN_DATE``..``MAX_DATE`` or a page outside 1..``MAX_PAGE`` is refused with the
parameter named, instead of overflowing date arithmetic or the database's OFFSET (a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_PAGE = 1_000_000


class InvalidParameter(ValueError):
    """A query parameter out of its range; ``field`` names it."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def day(args: Mapping[str, str], name: str, *, empty_ok: bool = True) -> date | None:
    """The ``YYYY-MM-DD`` parameter ``name`` within the supported range, or None when absent."""
    text = args.get(name)
    if text is None or (empty_ok and not text.strip()):
        return None
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidParameter(name, "expected a date written YYYY-MM-DD") from None
    return within(name, value)


def within(name: str, value: date | None) -> date | None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise InvalidParameter(name, f"expected a date from {MIN_DATE} to {MAX_DATE}")
    return value


def page(args: Mapping[str, str], name: str = "page") -> int:
    """The page number ``name`` (1 when absent), a whole number from 1 to ``MAX_PAGE``."""
    text = (args.get(name) or "1").strip()
    if not text.isdigit() or len(text) > 7 or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidParameter(name, f"expected a whole number from 1 to {MAX_PAGE}")
    return int(text)
