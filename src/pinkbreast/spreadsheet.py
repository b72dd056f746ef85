"""CSV cells a spreadsheet will show as text, never run as a formula (OWASP CSV injection).

Every CSV the application writes (audit export, batch results, ``pinkbreast predict``) passes
its text cells through :func:`spreadsheet_safe`.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet cannot run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
