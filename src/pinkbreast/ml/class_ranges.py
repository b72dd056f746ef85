"""Where a value sits among the reference cases of each diagnosis.

For every feature, the middle 90% (5th to 95th percentile) of the 212 malignant and of the 357
benign WDBC cases. A result page places each value the clinician entered against both ranges,
which says more than one overall "reference range".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pinkbreast.features import FEATURE_NAMES

LOW, HIGH = 0.05, 0.95


@dataclass(frozen=True)
class ClassRanges:
    benign: tuple[float, float]
    malignant: tuple[float, float]

    def reading(self, value: float) -> str:
        """``benign`` / ``malignant`` (typical of one diagnosis only), ``both`` (inside both
        ranges), ``between`` (inside neither, between them) or ``beyond`` (outside both,
        beyond the most extreme)."""
        in_benign = self.benign[0] <= value <= self.benign[1]
        in_malignant = self.malignant[0] <= value <= self.malignant[1]
        if in_benign and in_malignant:
            return "both"
        if in_benign or in_malignant:
            return "benign" if in_benign else "malignant"
        low = min(self.benign[0], self.malignant[0])
        high = max(self.benign[1], self.malignant[1])
        return "between" if low <= value <= high else "beyond"


@cache
def class_ranges() -> dict[str, ClassRanges]:
    """``{feature: ClassRanges}`` computed from the reference data shipped with scikit-learn."""
    from pinkbreast.ml.data import load_reference

    frame = load_reference()
    by_class = {
        diagnosis: frame.loc[frame["diagnosis"] == diagnosis, list(FEATURE_NAMES)]
        for diagnosis in ("B", "M")
    }
    quantiles = {d: part.quantile([LOW, HIGH]) for d, part in by_class.items()}
    return {
        name: ClassRanges(
            benign=(float(quantiles["B"][name].iloc[0]), float(quantiles["B"][name].iloc[1])),
            malignant=(float(quantiles["M"][name].iloc[0]), float(quantiles["M"][name].iloc[1])),
        )
        for name in FEATURE_NAMES
    }
