"""Raw values in: a sample's 30 measurements bound by canonical name and checked, every problem
of every row named (missing, unknown, non-numeric, non-finite, negative or implausibly large)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    every problem of every row."""
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
                record.append(float(row[name]))
        records.append(record)
    if problems:
        raise InvalidInput(problems)
    if not records:
        raise InvalidInput([(0, "-", "no rows given")])
    return np.asarray(records, dtype=float)
