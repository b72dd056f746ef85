"""The 30 features: mean, standard error and worst of the ten properties, in schema order."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pinkbreast.features import FEATURE_NAMES, PROPERTIES
from pinkbreast.imaging.properties import KEYS
from pinkbreast.imaging.reference import report
from pinkbreast.imaging.summary import summarise
from pinkbreast.ml.data import load_reference

DOCS = Path(__file__).resolve().parents[3] / "docs" / "imaging.md"


def nucleus(value: float) -> dict[str, float]:
    return {key: value * (i + 1) for i, key in enumerate(KEYS)}


def test_the_properties_are_the_schemas_ten_in_its_order():
    assert KEYS == tuple(p.key for p in PROPERTIES)


def test_the_summary_has_the_30_features_in_schema_order():
    assert tuple(summarise([nucleus(1.0), nucleus(2.0)])) == FEATURE_NAMES


def test_mean_standard_error_and_worst_follow_wdbc():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    out = summarise([nucleus(v) for v in values])
    assert out["radius_mean"] == pytest.approx(4.0)
    assert out["radius_se"] == pytest.approx(np.std(values, ddof=1) / math.sqrt(5))
    assert out["radius_worst"] == pytest.approx((3 + 4 + 10) / 3)  # mean of the three largest
    assert out["texture_worst"] == pytest.approx(2 * (3 + 4 + 10) / 3)


def test_one_nucleus_has_no_spread_and_none_is_refused():
    assert summarise([nucleus(2.0)])["area_se"] == 0.0
    with pytest.raises(ValueError):
        summarise([])


def test_the_reference_relations_quoted_in_the_docs_are_the_computed_ones():
    assert report(load_reference()) in DOCS.read_text(encoding="utf-8")
