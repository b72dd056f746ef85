"""The pseudonymous sample reference: one rule for every entry point (form, API, batch upload,
``pinkbreast predict``, backup import, the history filters).

A reference names a sample, never a patient: letters, digits, spaces and ``. _ / -``, starting
with a letter or digit, at most 64 characters. Commas, quotes, parentheses and accents (which a
name with a birth date needs: ``Jane DOE, born 1970-01-01``) are refused. A history filter
looks for a *part* of a reference: the same characters and length, any first character.

References stored before the rule was the same everywhere may break it: they are still shown
and exported; ``pinkbreast data check-refs`` lists them (docs/backup.md).
"""

from __future__ import annotations

import re

MAX_LENGTH = 64
CHARACTERS = "A-Za-z0-9 ._/-"
PATTERN = rf"^[A-Za-z0-9][{CHARACTERS}]{{0,{MAX_LENGTH - 1}}}$"
PART_PATTERN = rf"^[{CHARACTERS}]{{1,{MAX_LENGTH}}}$"
RULE = (
    f"expected a pseudonymous reference: at most {MAX_LENGTH} letters, digits, spaces and "
    ". _ / - (no patient names)"
)
_COMPILED = re.compile(PATTERN)
_PART = re.compile(PART_PATTERN)


def problem(reference: str) -> str | None:
    """Why ``reference`` breaks the rule, or None when it is a valid pseudonymous reference."""
    return None if _COMPILED.fullmatch(reference) else RULE


def part_problem(part: str) -> str | None:
    """Why ``part`` cannot be part of a reference (a history filter), or None."""
    return None if _PART.fullmatch(part) else RULE
