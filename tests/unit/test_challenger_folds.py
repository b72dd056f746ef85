"""A challenger's outer folds are stratified by diagnosis x origin: every test part holds site
cases and site cancers in proportion (the documented choice in ml/challenger.py)."""

import numpy as np

from pinkbreast.ml.challenger import training_frame
from pinkbreast.ml.data import diagnosis_to_target, load_reference
from pinkbreast.ml.evaluate import CVConfig, outer_splits
from tests.site.simulation import shifted_site


def _frame():
    site = shifted_site(60).assign(origin="image")
    site["id"] = 10**12 + site.index
    frame = training_frame(load_reference(), site)
    return frame, diagnosis_to_target(frame["diagnosis"])


def test_every_test_part_holds_site_cases_and_site_cancers_in_proportion():
    frame, y = _frame()
    site = (frame["origin"] != "reference").to_numpy()
    site_cancers = site & (y == 1)
    for _train, test in outer_splits(frame, y, CVConfig(repeats=2, folds=5), "origin"):
        assert abs(site[test].sum() - site.sum() / 5) <= 1
        assert abs(site_cancers[test].sum() - site_cancers.sum() / 5) <= 1


def test_without_strata_the_folds_are_those_of_the_champion():
    frame, y = _frame()
    config = CVConfig(repeats=1, folds=5)
    plain = outer_splits(frame, y, config, None)
    by_origin = outer_splits(frame, y, config, "origin")
    assert any(not np.array_equal(a[1], b[1]) for a, b in zip(plain, by_origin, strict=True))
    assert training_frame(load_reference(), frame.iloc[:0])["origin"].eq("reference").all()
