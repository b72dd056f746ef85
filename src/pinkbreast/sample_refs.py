"""The pseudonymous sample reference: one rule for every entry point (form, API, batch upload,
``pinkbreast predict``, backup import).

A reference names a sample, never a patient: letters, digits, spaces and ``. _ / -``, starting
with a letter or digit, at most 64 characters. Commas, quotes, parentheses and accents (which a
name with a birth date needs: ``Jane DOE, born 1970-01-01``) are refused.
"""

from __future__ import annotations

import re

MAX_LENGTH = 64
PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$"
RULE = (
    f"expected a pseudonymous reference: at most {MAX_LENGTH} letters, digits, spaces and "
    ". _ / - (no patient names)"
)
_COMPILED = re.compile(PATTERN)


def problem(reference: str) -> str | None:
    """Why ``reference`` breaks the rule, or None when it is a valid pseudonymous reference."""
    return None if _COMPILED.fullmatch(reference) else RULE
