"""The input guard stored with every model: no probability for impossible values, no definite
zone for a sample unlike the reference cases.

Two checks, both with numpy alone (this module ships inside the registered model, so the web
application, ``mlflow.pyfunc.load_model``, ``mlflow models serve`` and Spark apply the same
rules):

* **impossible values** — missing, not a number, infinite, negative or above the feature's hard
  limit — raise :class:`ImpossibleValues`, which names the row and the feature: no probability
  is computed for them;
* **unusual samples**: the Mahalanobis distance of ``log(1 + x)`` to the reference cases (mean
  and covariance fitted on the training cases), cut so that about 1% of reference cases trip it
  *out of fold* (see ``pinkbreast.ml.guard_fit``), or two or more values outside the range
  observed in the reference cases. Such a sample gets the zone ``check_input`` and no
  malignant/benign label: its probability is an extrapolation.

The guard is a JSON document (``guard.json`` beside the model's other artifacts).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from .rows import Array

CHECK_INPUT = "check_input"
OUTSIDE_LIMIT = 2  # this many values outside the reference range make a sample unusual


class ImpossibleValues(ValueError):
    """Values no sample can have; ``problems`` holds ``(row, feature, problem)`` triples."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        shown = "; ".join(f"row {row}, {name}: {problem}" for row, name, problem in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(shown + more)


@dataclass(frozen=True)
class Assessment:
    """What the guard says of each row."""

    distance: Array  # Mahalanobis distance on log(1 + x); nan when the guard has no distance
    outside: Array  # bool, rows x features: outside the reference range
    unusual: Array  # bool per row: distance above the cut or OUTSIDE_LIMIT values outside


@dataclass(frozen=True)
class Guard:
    features: tuple[str, ...]
    hard_max: Array  # per feature: above it a value is impossible
    reference_min: Array  # per feature: the range observed in the reference cases
    reference_max: Array
    center: Array | None = None  # mean of log(1 + x) over the training cases
    precision: Array | None = None  # inverse covariance of log(1 + x)
    cut: float = float("inf")  # distances above it are unusual
    trip_rate: float | None = None  # share of reference cases above the cut, out of fold
    positive: Array | None = None  # bool per feature: zero is impossible too

    # -- the checks ----------------------------------------------------------------------------

    def check(self, X: Array) -> Array:
        """``X`` as a float array, or :class:`ImpossibleValues` naming every bad value."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ImpossibleValues([(0, "-", f"expected {len(self.features)} values per row")])
        bad = ~np.isfinite(X) | (X < 0) | (X > self.hard_max)
        if self.positive is not None:
            bad |= (X == 0) & self.positive
        if bad.any():
            raise ImpossibleValues([self._problem(X, r, c) for r, c in np.argwhere(bad)])
        return X

    def _problem(self, X: Array, row: int, column: int) -> tuple[int, str, str]:
        value = X[row, column]
        if np.isnan(value):
            problem = "missing or not a number (NaN)"
        elif np.isinf(value):
            problem = "expected a finite number, got infinity"
        elif value < 0:
            problem = f"expected a value >= 0, got {value:g}"
        elif value == 0:
            problem = "expected a value > 0 (a nucleus has a size), got 0"
        else:
            problem = f"expected a value <= {self.hard_max[column]:g}, got {value:g}"
        return int(row), self.features[column], problem

    def distance(self, X: Array) -> Array:
        """Mahalanobis distance of ``log(1 + X)`` to the reference cases (nan without a fit)."""
        if self.center is None or self.precision is None:
            return np.full(len(X), np.nan)
        centred = np.log1p(X) - self.center
        squared: Array = np.einsum("ij,jk,ik->i", centred, self.precision, centred)
        return np.sqrt(np.maximum(squared, 0))

    def contributions(self, x: Array) -> Array:
        """Each feature's share of one row's squared distance (they add up to it)."""
        if self.center is None or self.precision is None:
            return np.zeros(len(self.features))
        centred = np.log1p(np.asarray(x, dtype=float)) - self.center
        shares: Array = centred * (self.precision @ centred)
        return shares

    def assess(self, X: Array) -> Assessment:
        """The checks of :meth:`check`, then distance and range for every row."""
        X = self.check(X)
        outside = (X < self.reference_min) | (X > self.reference_max)
        distance = self.distance(X)
        with np.errstate(invalid="ignore"):
            far = distance > self.cut
        unusual = far | (outside.sum(axis=1) >= OUTSIDE_LIMIT)
        return Assessment(distance, outside, unusual)

    # -- stored form ---------------------------------------------------------------------------

    def _fit(self) -> tuple[Array, Array] | None:
        """``(center, precision)`` when the distance is fitted (both stored), else None."""
        if self.center is None or self.precision is None:
            return None
        return self.center, self.precision

    def to_dict(self) -> dict[str, Any]:
        fit = self._fit()
        return {
            "method": "mahalanobis-log1p" if fit else "range-only",
            "features": list(self.features),
            "hard_max": self.hard_max.tolist(),
            "reference_min": self.reference_min.tolist(),
            "reference_max": self.reference_max.tolist(),
            "center": fit[0].tolist() if fit else None,
            "precision": fit[1].tolist() if fit else None,
            "cut": self.cut if np.isfinite(self.cut) else None,
            "trip_rate": self.trip_rate,
            "outside_limit": OUTSIDE_LIMIT,
            "positive": None if self.positive is None else self.positive.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Guard:
        def array(key: str) -> Array | None:
            return None if data.get(key) is None else np.asarray(data[key], dtype=float)

        # to_dict always stores the limits and the reference range; only the fit may be missing
        return cls(
            tuple(data["features"]),
            cast(Array, array("hard_max")),
            cast(Array, array("reference_min")),
            cast(Array, array("reference_max")),
            array("center"),
            array("precision"),
            float("inf") if data.get("cut") is None else float(data["cut"]),
            data.get("trip_rate"),
            None if data.get("positive") is None else np.asarray(data["positive"], dtype=bool),
        )

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Guard:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def guarded_zones(label: Array, zone: Array, assessment: Assessment) -> tuple[Array, Array]:
    """``(label, zone)`` with unusual rows set to no label (``None``) and ``check_input``."""
    if not assessment.unusual.any():
        return label, zone
    # numpy's stubs have no overload for a None branch (it becomes an object array's None)
    label = np.where(assessment.unusual, None, label.astype(object))  # type: ignore[call-overload]
    zone = np.where(assessment.unusual, CHECK_INPUT, zone.astype(object))
    return label, zone
