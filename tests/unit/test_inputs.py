"""Raw values in (pinkbreast.ml.inputs.matrix): plain rows are checked at once with numpy, any
other row value by value; both give the same array, and every problem is named the same way."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pinkbreast.features import BY_NAME, FEATURE_NAMES
from pinkbreast.ml.inputs import InvalidInput, matrix


def _row(**changes) -> dict:
    row = {name: BY_NAME[name].reference_min + 0.5 * (BY_NAME[name].reference_max
           - BY_NAME[name].reference_min) for name in FEATURE_NAMES}  # fmt: skip
    return row | changes


def test_plain_rows_and_text_rows_give_the_same_array():
    rows = [_row(), _row(area_mean=700), _row(radius_mean=12.5)]
    as_text = [{name: f" {value!r} " for name, value in row.items()} for row in rows]
    expected = np.array([[float(row[n]) for n in FEATURE_NAMES] for row in rows])
    assert np.array_equal(matrix(rows), expected)
    assert np.array_equal(matrix(as_text), expected)
    assert np.array_equal(matrix(reversed(list(rows))), expected[::-1])  # bound by name


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (math.nan, "expected a finite number (not NaN or infinity)"),
        (math.inf, "expected a finite number (not NaN or infinity)"),
        (-1.0, "expected a value >= 0"),
        (0, "expected a value > 0 (a nucleus has a size)"),
        (1e9, f"expected a value <= {BY_NAME['area_mean'].maximum:g}"),
        (True, "expected a number"),
        ("large", "expected a number"),
    ],
)
def test_every_problem_of_every_row_is_named(value, problem):
    rows = [_row(), _row(area_mean=value), _row(area_mean=value)]
    with pytest.raises(InvalidInput) as refused:
        matrix(rows)
    assert refused.value.problems == [(1, "area_mean", problem), (2, "area_mean", problem)]


def test_missing_and_unknown_names_and_no_rows_are_refused():
    row = _row(colour=1.0)
    del row["texture_se"]
    with pytest.raises(InvalidInput) as refused:
        matrix([row])
    assert refused.value.problems == [
        (0, "colour", "unknown feature"),
        (0, "texture_se", "missing"),
    ]
    with pytest.raises(InvalidInput, match="no rows given"):
        matrix([])
