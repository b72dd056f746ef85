"""The WDBC reference data and the two file formats it travels in.

* The reference data is scikit-learn's bundled copy (no network). scikit-learn encodes malignant
  as 0; here malignant = 1 is the positive class everywhere, and diagnoses are stored as "M"/"B".
* ``wdbc.data`` (UCI): no header; id, diagnosis, then the 30 values in UCI order.
* Kaggle-style CSV: a header ``id,diagnosis,radius_mean,...`` in any accepted spelling (see
  :func:`pinkbreast.features.canonical_name`), possibly with an empty trailing column.

The parsing itself lives in :mod:`pinkbreast.tables`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.tables import CASES, parse_table, read_table

REFERENCE_SOURCE = "scikit-learn bundled WDBC"


def diagnosis_to_target(diagnosis: pd.Series) -> np.ndarray:
    """``"M"`` -> 1 (positive class), ``"B"`` -> 0."""
    target: np.ndarray = (diagnosis == "M").to_numpy(dtype=int)  # pandas is untyped
    return target


def load_reference() -> pd.DataFrame:
    """The 569 WDBC samples: ``id``, ``diagnosis`` ("M"/"B") and the 30 canonical columns."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    sklearn_to_canonical = {f.sklearn_name: f.name for f in FEATURES}
    frame = pd.DataFrame(
        bunch.data, columns=[sklearn_to_canonical[str(n)] for n in bunch.feature_names]
    )[list(FEATURE_NAMES)]
    ids = _reference_ids()
    frame.insert(0, "diagnosis", np.where(bunch.target == 0, "M", "B"))
    frame.insert(0, "id", ids)
    return frame


def _reference_ids() -> list[int]:
    text = resources.files("pinkbreast.ml").joinpath("wdbc_ids.txt").read_text("ascii")
    return [int(line) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_cases(path: Path | str) -> pd.DataFrame:
    """Labelled cases from a UCI ``wdbc.data`` file or a Kaggle-style CSV."""
    return read_table(path, CASES)


def parse_cases(text: str, *, name: str) -> pd.DataFrame:
    return parse_table(text, CASES, name=name)
