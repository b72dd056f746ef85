"""The values of a form that has validated, typed as its validators guarantee them.

WTForms types every field's ``data`` as optional; after ``validate_on_submit()`` a field with
``DataRequired`` or ``InputRequired`` holds a value, which :func:`given` hands on as such.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def given(value: T | None) -> T:
    """A required field's value once its form has validated."""
    if value is None:  # a form class without the required validator: a bug, not the user's
        raise ValueError("a required field is empty after its form validated")
    return value
