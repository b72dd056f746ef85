"""Drift is flagged when inputs shift, and not on a held-out slice of the reference data."""

import numpy as np

from pinkbreast.ml.data import load_reference
from pinkbreast.services.monitoring.drift import compare, psi


def _split(seed: int):
    frame = load_reference()
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order[:420]], frame.iloc[order[420:]].copy()


def test_held_out_reference_slices_are_not_flagged():
    for seed in range(5):
        reference, held_out = _split(seed)
        assert [d.feature for d in compare(reference, held_out) if d.flagged] == []


def test_radii_times_one_and_a_half_are_flagged():
    reference, recent = _split(0)
    for column in ("radius_mean", "radius_se", "radius_worst"):
        recent[column] *= 1.5
    flagged = {d.feature for d in compare(reference, recent) if d.flagged}
    assert {"radius_mean", "radius_worst"} <= flagged
    assert "texture_mean" not in flagged


def test_psi_is_zero_for_identical_samples_and_grows_with_shift():
    values = np.random.default_rng(1).normal(size=2000)
    assert psi(values, values) < 1e-9
    assert psi(values, values + 0.5) > psi(values, values + 0.1) > 0.01


def test_too_few_recent_inputs_are_not_compared():
    reference, held_out = _split(0)
    assert compare(reference, held_out.head(10)) == []
