"""The input mistakes the guard must catch, applied to the 569 reference cases.

Each function takes the reference frame (canonical feature columns) and returns the 30 values
of every case as a naive form, spreadsheet or script would send them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pinkbreast.features import FEATURE_NAMES

SWAPPED = ("perimeter_mean", "area_mean")  # neighbours on the form, different units


def rescaled(X: pd.DataFrame) -> pd.DataFrame:
    """Min-max scaled to 0-1 (what the original project's form fed its model)."""
    return (X - X.min()) / (X.max() - X.min())


def z_scores(X: pd.DataFrame) -> pd.DataFrame:
    """Standardised, then shifted to be non-negative (negative values are refused outright)."""
    z = (X - X.mean()) / X.std()
    return z - z.min()


def times_ten(X: pd.DataFrame) -> pd.DataFrame:
    """Every value in a unit ten times smaller."""
    return X * 10


def swapped(X: pd.DataFrame) -> pd.DataFrame:
    """Two neighbouring fields typed into each other's box."""
    out = X.copy()
    first, second = SWAPPED
    out[first], out[second] = X[second].to_numpy(), X[first].to_numpy()
    return out


MISTAKES = {
    "rescaled to 0-1": rescaled,
    "z-scores": z_scores,
    "x10": times_ten,
    "two fields swapped": swapped,
}


def features(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(FEATURE_NAMES)].astype(float).reset_index(drop=True)


def all_mistakes(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every mistake applied to every case of ``frame``, values rounded as a person types them."""
    X = features(frame)
    return {name: mistake(X).round(6) for name, mistake in MISTAKES.items()}


def as_matrix(frame: pd.DataFrame) -> np.ndarray:
    return frame[list(FEATURE_NAMES)].to_numpy(dtype=float)
