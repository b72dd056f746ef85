"""Why a sample tripped the input guard: which values are unusual and the likely cause.

For a sample in the zone ``check_input`` the result page, the API and the report say what to
check. The causes tried, in order: values rescaled to 0-1, standardised values (z-scores), a
wrong unit (every value off by the same factor), two fields swapped. Each is named only when
undoing it gives a sample the guard finds usual (or, for 0-1 and z-scores, when the values have
that shape: no measurement of a real nucleus does); otherwise the cause is ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from pinkbreast.ml.fastpath.guard import Guard, ImpossibleValues

RESCALED, STANDARDISED, UNIT, SWAPPED, UNKNOWN = (
    "rescaled", "standardised", "unit", "swapped", "unknown"
)  # fmt: skip
TOP = 3  # features named for the distance, by their share of it
_STANDARDISED_MAX = 20.0  # z-scores shifted to be non-negative stay below this


@dataclass(frozen=True)
class Finding:
    cause: str  # one of RESCALED, STANDARDISED, UNIT, SWAPPED, UNKNOWN
    unusual: tuple[str, ...]  # outside the reference range, then the largest shares of distance
    factor: float | None = None  # UNIT: the values look this many times too large
    swapped: tuple[str, str] | None = None  # SWAPPED: the two fields

    def to_dict(self) -> dict[str, object]:
        return {
            "cause": self.cause,
            "unusual": list(self.unusual),
            "factor": self.factor,
            "swapped": list(self.swapped) if self.swapped else None,
        }


def _usual(guard: Guard, x: np.ndarray) -> bool:
    """Whether the guard finds ``x`` possible and usual (a rescaled row may underflow to 0)."""
    try:
        return not guard.assess(x[None, :]).unusual[0]
    except ImpossibleValues:
        return False


def unusual_features(guard: Guard, x: np.ndarray) -> tuple[str, ...]:
    outside = (x < guard.reference_min) | (x > guard.reference_max)
    named = [guard.features[i] for i in np.flatnonzero(outside)]
    if guard.distance(x[None, :])[0] > guard.cut:
        shares = guard.contributions(x)
        for index in np.argsort(-shares)[:TOP]:
            if shares[index] > 0 and guard.features[index] not in named:
                named.append(guard.features[index])
    return tuple(named)


def diagnose(guard: Guard, x: npt.ArrayLike) -> Finding:
    """The likely cause of an unusual sample ``x`` (raw values in the guard's feature order)."""
    x = np.asarray(x, dtype=float)
    named = unusual_features(guard, x)
    below = int(np.sum(x < guard.reference_min))
    if below >= 2 and x.max() <= 1.0:
        return Finding(RESCALED, named)
    if below >= 2 and x.max() <= _STANDARDISED_MAX and _small_sizes(guard, x):
        return Finding(STANDARDISED, named)
    if (factor := _unit_factor(guard, x)) is not None:
        return Finding(UNIT, named, factor=factor)
    if (pair := _swapped_pair(guard, x)) is not None:
        return Finding(SWAPPED, named, swapped=pair)
    return Finding(UNKNOWN, named)


def _small_sizes(guard: Guard, x: np.ndarray) -> bool:
    """Area values far below any real nucleus: no unit mistake makes area < radius."""
    area = [i for i, name in enumerate(guard.features) if name.startswith("area_")]
    radius = [i for i, name in enumerate(guard.features) if name.startswith("radius_")]
    return bool(np.all(x[area] < guard.reference_min[area]) or np.any(x[area] < x[radius]))


def _unit_factor(guard: Guard, x: np.ndarray) -> float | None:
    if guard.center is None:
        return None
    typical = np.expm1(guard.center)
    usable = (typical > 0) & (x > 0)
    if not usable.any():
        return None
    factor = float(np.median(x[usable] / typical[usable]))
    if not np.isfinite(factor) or factor <= 0 or 1 / 3 < factor < 3:
        return None
    for candidate in (10.0 ** round(np.log10(factor)), factor):
        if _usual(guard, x / candidate):
            return float(candidate)
    return None


def _swapped_pair(guard: Guard, x: np.ndarray) -> tuple[str, str] | None:
    best, best_distance = None, np.inf
    for i, j in combinations(range(len(x)), 2):
        y = x.copy()
        y[i], y[j] = x[j], x[i]
        if _usual(guard, y):
            distance = guard.distance(y[None, :])[0]
            if distance < best_distance:
                best, best_distance = (guard.features[i], guard.features[j]), distance
    return best
