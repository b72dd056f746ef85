"""Explanations are SHAP values of the served model and add up to its output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pinkbreast.ml.explain import Explainer
from pinkbreast.ml.inputs import matrix


@pytest.mark.parametrize("case_id", [842302, 8510426, 89143602])
def test_contributions_plus_base_equal_the_served_probability(champion, case, case_id):
    values = case(case_id)
    explanation = champion.explain(values)
    (probability,) = champion.score(matrix([values])).probability
    assert explanation.base_value + sum(explanation.contributions.values()) == pytest.approx(
        probability, abs=1e-6
    )
    assert explanation.output == pytest.approx(probability, abs=1e-6)
    assert set(explanation.contributions) == set(values)
    assert explanation.values == values


def test_explanation_is_deterministic(champion, case):
    values = case(842517)
    first = champion.explain(values)
    assert champion.explain(values).contributions == first.contributions
    assert champion.explain(case(842302)).contributions != first.contributions


def test_a_linear_function_gets_its_exact_shapley_values():
    """For f(x) = w.x + b the Shapley values with an independent background are
    w_i (x_i - mean background_i), whatever the orderings drawn."""
    rng = np.random.default_rng(7)
    background = pd.DataFrame(rng.normal(size=(25, 6)), columns=list("abcdef"))
    weights = rng.normal(size=6)
    explainer = Explainer(lambda X: X @ weights + 0.3, background, seed=3, permutations=2)
    x = rng.normal(size=6)
    expected = weights * (x - background.to_numpy().mean(axis=0))
    explanation = explainer.explain(dict(zip("abcdef", x, strict=True)))
    assert np.allclose([explanation.contributions[c] for c in "abcdef"], expected, atol=1e-12)
    assert explanation.base_value == pytest.approx(
        background.to_numpy().mean(axis=0) @ weights + 0.3
    )


def test_a_two_feature_interaction_gets_its_exact_shapley_values():
    """With two features the forward and backward walks cover both orders: exact."""
    background = pd.DataFrame({"u": [0.0, 1.0, 3.0], "v": [2.0, 0.5, 1.0]})
    explainer = Explainer(lambda X: X[:, 0] * X[:, 1], background, permutations=1)
    x = {"u": 2.0, "v": 4.0}
    b = background.to_numpy()
    v_none, v_u = np.mean(b[:, 0] * b[:, 1]), np.mean(x["u"] * b[:, 1])
    v_v, v_both = np.mean(b[:, 0] * x["v"]), x["u"] * x["v"]
    expected_u = ((v_u - v_none) + (v_both - v_v)) / 2
    explanation = explainer.explain(x)
    assert explanation.contributions["u"] == pytest.approx(expected_u, abs=1e-12)
    assert explanation.output == pytest.approx(v_both, abs=1e-12)


def test_malignant_case_is_pushed_up_by_its_largest_contributions(champion, case):
    explanation = champion.explain(case(842302))
    top = explanation.top(3)
    assert len(top) == 3 and sum(value for _, value in top) > 0


def test_the_reasons_stored_with_a_batch_are_each_rows_own_top_contributions(champion, reference):
    """Champion.score ranks contributions for the whole batch at once: exactly the names,
    values and order of sorting each row's explanation of the same batch, and the same as
    explaining each row alone up to the last bits of a matrix product over many rows."""
    from pinkbreast.features import FEATURE_NAMES

    X = reference[list(FEATURE_NAMES)].to_numpy(float)
    scores = champion.score(X, explain=True)
    assert list(scores.reasons) == [tuple(e.top(5)) for e in champion.explain_matrix(X)]
    for row, reasons, base in zip(X, scores.reasons, scores.base_values, strict=True):
        alone = champion.explain(dict(zip(FEATURE_NAMES, row.tolist(), strict=True)))
        assert [name for name, _ in reasons] == [name for name, _ in alone.top(5)]
        assert [value for _, value in reasons] == pytest.approx(
            [value for _, value in alone.top(5)], rel=0, abs=1e-12
        )
        assert base == alone.base_value
    assert scores.explanation_method == alone.method
