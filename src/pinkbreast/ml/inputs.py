"""Raw values in: a sample's 30 measurements bound by canonical name and checked, every problem
of every row named (missing, unknown, non-numeric, non-finite, negative or implausibly large)."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import cast

import numpy as np

from pinkbreast.features import BY_NAME, FEATURE_NAMES


class InvalidInput(ValueError):
    """Rows that cannot be scored; ``problems`` holds ``(row, field, problem)`` triples."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        row, name, problem = problems[0]
        super().__init__(f"row {row}, {name}: {problem}" + (" (and more)" * (len(problems) > 1)))


def matrix(rows: Iterable[Mapping[str, object]]) -> np.ndarray:
    """Raw values as a (rows x 30) array in canonical order, or :class:`InvalidInput` listing
    every problem of every row.

    Rows of exactly the 30 names holding plain numbers are checked at once with numpy (a
    1,000-row request in a millisecond); anything else, or any value out of bounds, goes
    through the value-by-value check that names every problem."""
    rows = list(rows)
    return _all_plain_and_valid(rows) if _plain(rows) else _checked(rows)


_NAMES = frozenset(FEATURE_NAMES)
_VALUES = operator.itemgetter(*FEATURE_NAMES)  # a row's 30 values in canonical order
_MAXIMUM = np.array([BY_NAME[name].maximum for name in FEATURE_NAMES])
_POSITIVE = np.array([BY_NAME[name].positive for name in FEATURE_NAMES])


def _plain(rows: list[Mapping[str, object]]) -> bool:
    """Every row a mapping of exactly the 30 names to ints or floats (not bools, not text)."""
    if not rows or not all(_is_mapping(row) and row.keys() == _NAMES for row in rows):
        return False
    return set(map(type, chain.from_iterable(row.values() for row in rows))) <= {float, int}


def _is_mapping(row: object) -> bool:
    return type(row) is dict or isinstance(row, Mapping)  # a dict without the ABC's check


def _all_plain_and_valid(rows: list[Mapping[str, object]]) -> np.ndarray:
    try:
        X = np.array(list(map(_VALUES, rows)), dtype=float)
    except OverflowError:  # an int too large for a float: named by the value-by-value check
        return _checked(rows)
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(X) & (X >= 0) & (X <= _MAXIMUM) & ~(_POSITIVE & (X == 0))
    return X if valid.all() else _checked(rows)


def _checked(rows: list[Mapping[str, object]]) -> np.ndarray:
    records, problems = [], []
    for index, row in enumerate(rows):
        problems += [(index, str(k), "unknown feature") for k in row if k not in BY_NAME]
        record = []
        for name in FEATURE_NAMES:
            if name not in row:
                problems.append((index, name, "missing"))
            elif problem := BY_NAME[name].problem(row[name]):
                problems.append((index, name, problem))
            else:
                record.append(float(cast(float, row[name])))  # problem() found it a number
        records.append(record)
    if problems:
        raise InvalidInput(problems)
    if not records:
        raise InvalidInput([(0, "-", "no rows given")])
    return np.asarray(records, dtype=float)
