"""The exploratory report: self-contained HTML with the required sections."""

import re

import numpy as np
import pandas as pd

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference
from pinkbreast.ml.eda import correlated_pairs, outlier_counts, write_report


def test_iqr_rule_counts_points_outside_tukey_fences():
    frame = load_reference().head(40).copy()
    values = np.arange(40, dtype=float)
    frame["radius_mean"] = values
    frame.loc[0, "radius_mean"] = 1000.0  # far above Q3 + 1.5 IQR
    assert outlier_counts(frame)["radius_mean"] == 1


def test_correlated_pairs_lists_radius_and_perimeter():
    pairs = correlated_pairs(load_reference())
    found = {frozenset(p) for p in zip(pairs.feature_a, pairs.feature_b, strict=True)}
    assert frozenset({"radius_mean", "perimeter_mean"}) in found
    assert (pairs.r.abs() > 0.95).all()


def test_report_is_self_contained_html_with_every_section(tmp_path):
    frame = load_reference()
    frame = pd.concat([frame, frame.head(1)], ignore_index=True)  # one duplicate row
    path = write_report(frame, tmp_path / "report" / "eda.html")
    text = path.read_text(encoding="utf-8")
    for heading in (
        "Counts",
        "Class balance",
        "describe",
        "Outliers",
        "Histograms",
        "Box plots",
        "Pearson correlation",
        "|r| &gt; 0.95",
    ):
        assert heading in text
    assert "Q1 - 1.5 x IQR" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 3
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert re.search(r"duplicate rows \(same 30 values\)</th>\s*<td>1</td>", text)
    assert all(name in text for name in FEATURE_NAMES)
