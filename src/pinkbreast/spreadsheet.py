"""CSV cells a spreadsheet will show as text, never run as a formula (OWASP CSV injection).

Every CSV the application writes (audit export, batch results, ``pinkbreast predict``) passes
its text cells through :func:`spreadsheet_safe`.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Full-width forms of the signs: some spreadsheets fold them to ASCII when they read a cell.
WIDE_SIGNS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠
# A sign right after a character some spreadsheet splits cells on (French Excel splits on
# ";"): there, "x;=1+1" is two cells, the second the formula "=1+1".
_AFTER_SEPARATOR = re.compile("([,;|\t\n\r] *)(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])")


def spreadsheet_safe(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet cannot run as a formula, whatever separator
    it splits on: a quote goes before a sign (ASCII or full-width) that starts the cell or
    follows a separator."""
    text = "" if value is None else str(value)
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS + WIDE_SIGNS) else text
