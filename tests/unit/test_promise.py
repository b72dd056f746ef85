"""Exact intervals, calibration error, the tie rule and the out-of-fold promise."""

import numpy as np
import pytest
from scipy.stats import binomtest

from pinkbreast.ml.metrics import clopper_pearson, expected_calibration_error, reliability_bins
from pinkbreast.ml.promise import measure
from pinkbreast.ml.registration import ChampionRefused, require_promise
from pinkbreast.ml.selection import Contender, choose


@pytest.mark.parametrize(("k", "n"), [(0, 20), (3, 212), (207, 212), (212, 212), (50, 100)])
def test_clopper_pearson_matches_scipy_exact_interval(k, n):
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    low, high = clopper_pearson(k, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_clopper_pearson_of_a_fractional_count_lies_between_its_neighbours():
    low, high = clopper_pearson(3.5, 212)
    assert clopper_pearson(3, 212)[0] < low < clopper_pearson(4, 212)[0]
    assert clopper_pearson(3, 212)[1] < high < clopper_pearson(4, 212)[1]


def test_ece_on_a_known_case():
    """Bin 0.1-0.2 holds 4 cases at 0.15 with 1 malignant (gap 0.10); bin 0.8-0.9 holds 6
    cases at 0.85 with 6 malignant (gap 0.15): ECE = 0.4 * 0.10 + 0.6 * 0.15 = 0.13."""
    p = np.array([0.15] * 4 + [0.85] * 6)
    y = np.array([1, 0, 0, 0] + [1] * 6)
    assert expected_calibration_error(y, p) == pytest.approx(0.13)
    assert expected_calibration_error(np.array([0, 1]), np.array([0.0, 1.0])) == 0.0


def test_reliability_bins_keep_the_range_and_count_per_bin():
    p = np.array([0.01, 0.06, 0.14, 0.15, 0.5, 0.95, 0.99])
    y = np.array([0, 0, 1, 0, 1, 1, 1])
    bins = reliability_bins(y, p, bins=9, low=0.05, high=0.95)
    assert bins["low"].iloc[0] == 0.05 and bins["high"].iloc[-1] == pytest.approx(0.95)
    assert bins["count"].tolist() == [2, 1, 0, 0, 1, 0, 0, 0, 1]
    assert bins["observed"].iloc[0] == 0.5


def _contender(name, simplicity, calls):
    return Contender(name, simplicity, np.array(calls, dtype=bool))


def test_tie_rule_prefers_the_simpler_candidate_within_the_paired_interval():
    rng = np.random.default_rng(0)
    simple = rng.random(300) < 0.90
    ensemble = simple.copy()
    ensemble[np.flatnonzero(~simple)[:3]] = True  # 3 more benign cases right: a tie
    choice = choose(
        [_contender("soft_voting", 7, ensemble), _contender("logistic_regression", 0, simple)]
    )
    assert choice.best == "soft_voting"
    assert choice.winner == "logistic_regression"
    assert set(choice.tied) == {"soft_voting", "logistic_regression"}


def test_tie_rule_keeps_the_best_when_the_simpler_is_clearly_worse():
    good = np.ones(300, dtype=bool)
    good[:15] = False
    poor = good.copy()
    poor[100:160] = False  # 60 more benign cases called malignant
    choice = choose([_contender("svm_rbf", 3, good), _contender("logistic_regression", 0, poor)])
    assert choice.winner == "svm_rbf" and choice.tied == ["svm_rbf"]


def _promise(missed_per_repeat, benign_per_repeat, n=200, repeats=2, target=0.98, cover=0.99):
    y = np.r_[np.ones(n, dtype=int), np.zeros(50, dtype=int)]
    labels = np.tile(y, (repeats, 1))
    zones = np.where(labels == 1, "malignant", "benign").astype(object)
    labels[:, :missed_per_repeat] = 0
    zones[:, :missed_per_repeat] = "indeterminate"
    zones[:, :benign_per_repeat] = "benign"
    return measure(labels, zones, y, target=target, benign_coverage=cover)


def test_promise_kept_registers():
    promise = _promise(missed_per_repeat=4, benign_per_repeat=2)
    assert promise.sensitivity.value == pytest.approx(0.98)
    assert promise.benign_zone.value == pytest.approx(0.01)
    assert promise.shortfalls() == []
    require_promise(promise)


def test_registration_refuses_a_champion_that_misses_the_target_saying_by_how_much():
    promise = _promise(missed_per_repeat=6, benign_per_repeat=3)
    with pytest.raises(ChampionRefused) as refused:
        require_promise(promise)
    message = str(refused.value)
    assert "sensitivity 0.9700" in message and "0.0100 below the target 0.98" in message
    assert "benign zone 0.0150" in message and "by 0.0050" in message
    low, high = clopper_pearson(6, 200)
    assert f"[{1 - high:.4f}, {1 - low:.4f}]" in message


def test_a_long_card_fits_mlflows_description_column():
    from pinkbreast.ml.train import DESCRIPTION_MAX, version_description

    card = "# Card\n\n" + "".join(f"## Part {i}\n\n" + "x" * 900 + "\n\n" for i in range(8))
    short = version_description(card)
    assert len(short) <= DESCRIPTION_MAX and short.startswith("# Card\n\n## Part 0")
    assert "model_card.md" in short and "## Part 7" not in short
    assert version_description("# small") == "# small"
