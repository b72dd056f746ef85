"""Explanations are SHAP values of the served model and add up to its output."""

from __future__ import annotations

import time

import pytest


@pytest.mark.parametrize("case_id", [842302, 8510426, 89143602])
def test_contributions_plus_base_equal_the_served_probability(champion, case, case_id):
    values = case(case_id)
    explanation = champion.explain(values)
    (prediction,) = champion.predict([values])
    assert explanation.base_value + sum(explanation.contributions.values()) == pytest.approx(
        prediction.probability, abs=1e-6
    )
    assert explanation.output == pytest.approx(prediction.probability, abs=1e-6)
    assert set(explanation.contributions) == set(values)
    assert explanation.values == values


def test_explanation_is_fast_and_deterministic(champion, case):
    values = case(842517)
    first = champion.explain(values)
    started = time.perf_counter()
    second = champion.explain(values)
    assert time.perf_counter() - started < 0.5
    assert first.contributions == second.contributions


def test_malignant_case_is_pushed_up_by_its_largest_contributions(champion, case):
    explanation = champion.explain(case(842302))
    top = explanation.top(3)
    assert len(top) == 3 and sum(value for _, value in top) > 0
