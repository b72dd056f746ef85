"""Numbers as people type them: the one parser for the form, the paste box and the API's text.

A decimal point or a decimal comma is accepted (``1001.5``, ``1001,5``, ``,5``). What a reader
could take two ways is refused with the reason, never guessed:

* both separators (``1.000,5``, ``1,000.5``) or spaces inside the number (``1 001,5``) — a
  thousands separator;
* a single comma followed by exactly three digits after a number that does not start with 0
  (``1,234``): 1234 with a thousands comma, or 1.234 with a decimal comma — unless the person
  writes with a decimal comma (``decimal_comma=True``: a French page, a ``;``-separated file),
  where it can only be 1.234.

Scientific notation (``1.5e-3``) is accepted; signs are left to the feature's own check
(``-1`` parses, then "expected a value >= 0").
"""

from __future__ import annotations

import re

MAX_LENGTH = 32
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


class NumberProblem(ValueError):
    """Why a text is not a number; the message is for the person who typed it. ``kind`` and
    ``text`` let an interface say it in another language."""

    def __init__(self, message: str, kind: str = "not_number", text: str = ""):
        super().__init__(message)
        self.kind, self.text = kind, text


def parse_decimal(text: object, *, decimal_comma: bool = False) -> float:
    """The number ``text`` means, or :class:`NumberProblem` saying why it is refused."""
    if isinstance(text, bool):
        raise NumberProblem("expected a number", "not_number")
    if isinstance(text, int | float):
        return float(text)
    raw = str(text if text is not None else "").strip()
    if not raw:
        raise NumberProblem("this value is required", "required")
    if len(raw) > MAX_LENGTH:
        raise NumberProblem(
            f"too long for a measurement ({len(raw)} characters)", "too_long", str(len(raw))
        )
    if re.search(r"\d[\s\u00a0\u202f']\d", raw):
        raise NumberProblem(
            f"“{raw}” has a space or quote inside: write it without separators", "space", raw
        )
    if "," in raw and "." in raw:
        raise NumberProblem(
            f"“{raw}” has both a comma and a point: write it without thousands separators, "
            "with one decimal comma or point",
            "both",
            raw,
        )
    if raw.count(",") > 1 or raw.count(".") > 1:
        raise NumberProblem(
            f"“{raw}” has more than one separator: write one decimal separator", "many", raw
        )
    if not decimal_comma and _AMBIGUOUS_COMMA.match(raw):
        plain = raw.replace(",", "")
        decimal = raw.replace(",", ".")
        raise NumberProblem(
            f"“{raw}” is ambiguous: write {plain} (without a thousands comma) or {decimal}",
            "ambiguous",
            raw,
        )
    if not _PLAIN.match(raw):
        raise NumberProblem(f"“{raw}” is not a number", "not_number", raw)
    return float(raw.replace(",", "."))


def normalise(text: object, *, decimal_comma: bool = False) -> str:
    """``text`` as a dot-decimal number (for fields parsed again downstream), or unchanged when
    it is refused (the caller's check then reports the problem)."""
    try:
        return repr(parse_decimal(text, decimal_comma=decimal_comma))
    except NumberProblem:
        return str(text if text is not None else "").strip()
