"""Does the operating point keep its promise out of fold? Measured on the whole procedure.

Two promises, each checked on the pooled outer test cases of every repeat (the candidate each
outer training part selected, with the threshold and band that part learnt):

- sensitivity at the threshold >= the target sensitivity;
- share of malignant cases in the definite *benign* zone <= 1 - the benign-zone coverage.

Each comes with an exact (Clopper–Pearson) 95% interval. Repeats reuse the same cases, so the
interval is computed for the cases, not the case-repeat pairs: ``n`` = malignant cases and the
count = the average count per repeat (fractional; beta quantiles accept it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pinkbreast.ml.metrics import clopper_pearson
from pinkbreast.ml.operating import BENIGN, INDETERMINATE


@dataclass(frozen=True)
class Measured:
    value: float
    low: float
    high: float
    count: float  # average per repeat
    n: int

    def text(self, digits: int = 4) -> str:
        return (
            f"{self.value:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}] "
            f"({self.count:g} of {self.n} per repeat)"
        )


@dataclass(frozen=True)
class Promise:
    target_sensitivity: float
    benign_coverage: float
    sensitivity: Measured  # malignant cases at or above the threshold
    benign_zone: Measured  # malignant cases in the benign zone
    referred: float  # share of all cases in the indeterminate zone

    @property
    def benign_zone_limit(self) -> float:
        return 1 - self.benign_coverage

    def shortfalls(self) -> list[str]:
        """One sentence per broken promise, saying by how much; empty when both are kept."""
        out = []
        if self.sensitivity.value < self.target_sensitivity:
            out.append(
                f"out-of-fold sensitivity {self.sensitivity.text()} is "
                f"{self.target_sensitivity - self.sensitivity.value:.4f} below the target "
                f"{self.target_sensitivity:g}"
            )
        if self.benign_zone.value > self.benign_zone_limit:
            out.append(
                f"malignant cases in the benign zone {self.benign_zone.text()} exceed "
                f"1 - coverage = {self.benign_zone_limit:.4f} by "
                f"{self.benign_zone.value - self.benign_zone_limit:.4f}"
            )
        return out

    def to_dict(self) -> dict[str, float]:
        """Flat figures for MLflow metrics."""
        return {
            "oof_sensitivity_at_threshold": self.sensitivity.value,
            "oof_sensitivity_cp_low": self.sensitivity.low,
            "oof_sensitivity_cp_high": self.sensitivity.high,
            "oof_malignant_in_benign_zone": self.benign_zone.value,
            "oof_malignant_in_benign_zone_cp_low": self.benign_zone.low,
            "oof_malignant_in_benign_zone_cp_high": self.benign_zone.high,
            "oof_referred": self.referred,
        }


def measure(
    labels: np.ndarray, zones: np.ndarray, y: np.ndarray, *, target: float, benign_coverage: float
) -> Promise:
    """``labels`` and ``zones``: repeats x cases arrays of out-of-fold calls; ``y`` per case."""
    repeats, malignant = len(labels), y == 1
    n = int(malignant.sum())
    caught = float((labels[:, malignant] == 1).sum()) / repeats
    in_benign = float((zones[:, malignant] == BENIGN).sum()) / repeats
    return Promise(
        target,
        benign_coverage,
        Measured(caught / n, *clopper_pearson(caught, n), caught, n),
        Measured(in_benign / n, *clopper_pearson(in_benign, n), in_benign, n),
        float(np.mean(zones == INDETERMINATE)),
    )
