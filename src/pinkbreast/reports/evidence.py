"""The evidence line: what the served model's numbers rest on, counted from the bundled data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Evidence:
    cases: int
    malignant_share: float


@lru_cache(maxsize=1)
def reference_evidence() -> Evidence:
    """Cases and prevalence of the WDBC reference set the champion is trained and validated on."""
    from pinkbreast.ml.data import load_reference  # scikit-learn: only when a report is made

    frame = load_reference()
    return Evidence(len(frame), float((frame["diagnosis"] == "M").mean()))
