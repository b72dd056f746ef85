"""The result page's explanation as rows a clinician reads: the main contributions, the rest
grouped as "other measurements" with their total, each value placed against the benign and
malignant reference cases."""

from __future__ import annotations

from dataclasses import dataclass

from pinkbreast.ml.class_ranges import ClassRanges, class_ranges

SHOWN = 5  # contributions listed before "other measurements"


@dataclass(frozen=True)
class Reason:
    name: str
    value: float  # as entered
    points: float  # percentage points of probability; > 0 towards malignant
    ranges: ClassRanges

    @property
    def reading(self) -> str:
        return self.ranges.reading(self.value)


@dataclass(frozen=True)
class ExplanationView:
    base: float  # the average estimate over the reference cases (probability)
    shown: list[Reason]
    others: list[Reason]  # the remaining stored contributions, largest first
    other_points: float  # what the measurements not shown add up to
    other_count: int
    widest: float  # the largest |points| among the rows drawn, for bar lengths


def explanation_view(
    explanation: dict, values: dict[str, float], probability: float
) -> ExplanationView:
    """Rows from a stored explanation (``base_value`` and ``top``: ``[name, value]`` pairs in
    probability units, the largest first). The contributions add up to the estimate minus the
    base value, so "other measurements" is that shift minus the rows shown."""
    ranges = class_ranges()
    stored = sorted(explanation["top"], key=lambda pair: -abs(pair[1]))
    reasons = [Reason(name, values[name], 100 * float(v), ranges[name]) for name, v in stored]
    shown, others = reasons[:SHOWN], reasons[SHOWN:]
    shift = 100 * (probability - float(explanation["base_value"]))
    other_points = shift - sum(r.points for r in shown)
    widest = max([abs(r.points) for r in reasons] + [abs(other_points), 1e-9])
    return ExplanationView(
        base=float(explanation["base_value"]),
        shown=shown,
        others=others,
        other_points=other_points,
        other_count=len(values) - len(shown),
        widest=widest,
    )
