"""The 30 features of an image: mean, standard error and worst of each nuclear property."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pinkbreast.features import FEATURES

WORST_OF = 3  # "worst" is the mean of the three largest values (WDBC)


def summarise(nuclei: Sequence[dict[str, float]]) -> dict[str, float]:
    """The 30 features, in :data:`pinkbreast.features.FEATURES` order, over ``nuclei`` (each a
    dict of the ten properties). The standard error is the sample standard deviation over
    √n (0 for one nucleus)."""
    if not nuclei:
        raise ValueError("no nucleus to summarise")
    out = {}
    for feature in FEATURES:
        values = np.array([n[feature.prop.key] for n in nuclei], dtype=float)
        out[feature.name] = _statistic(values, feature.statistic)
    return out


def _statistic(values: np.ndarray, statistic: str) -> float:
    if statistic == "mean":
        return float(values.mean())
    if statistic == "se":
        if len(values) < 2:
            return 0.0
        return float(values.std(ddof=1) / math.sqrt(len(values)))
    return float(np.sort(values)[-WORST_OF:].mean())
