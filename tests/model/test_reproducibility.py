"""Same data and seed give the same numbers; another seed gives other splits."""

from __future__ import annotations

import pytest

from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.evaluate import CVConfig, compare


def _run(reference, seed):
    candidates = [c for c in build_candidates(seed, quick=True) if c.name != "decision_tree"]
    return compare(reference, candidates, CVConfig(repeats=1, folds=5, seed=seed))


@pytest.mark.slow  # four cross-validated comparisons
def test_same_seed_same_metrics_and_winner_whatever_the_row_order(reference):
    shuffled = reference.sample(frac=1.0, random_state=0)
    first, second = _run(reference, 7), _run(shuffled, 7)
    assert first.winner == second.winner
    for a, b in zip(first.results, second.results, strict=True):
        assert a.summary == b.summary
        assert a.pooled == b.pooled
        assert (a.oof_proba == b.oof_proba).all()


@pytest.mark.slow
def test_other_seed_changes_the_numbers(reference):
    assert _run(reference, 7).results[1].summary != _run(reference, 8).results[1].summary
