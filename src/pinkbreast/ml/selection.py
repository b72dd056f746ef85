"""Choosing one candidate inside a training part, from its cross-fitted (inner) scores only.

Criterion: specificity at the candidate's own operating point (every candidate's threshold is
cut for the same target sensitivity, so specificity is what differs). Rule
:data:`PREFER_SIMPLER`: every candidate whose paired difference in specificity with the best
one has a 95% interval reaching zero is tied with it, and the simplest tied candidate wins
(lowest ``Candidate.simplicity``: logistic regression before an SVM before an ensemble).

The paired interval: over the benign cases of the part, ``d_i = best_i - other_i`` with
``x_i = 1`` when the case is called benign; ``mean(d) ± 1.96 * sd(d) / sqrt(n)``. Both
candidates were scored on the same cases, so the pairing removes the case-to-case variation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PREFER_SIMPLER = (
    "Among candidates whose paired specificity difference with the best has a 95% interval "
    "that reaches zero, the simplest wins (logistic regression < SVM < ensemble)."
)
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Contender:
    """What the selection sees of one candidate in one training part."""

    name: str
    simplicity: int  # lower = simpler
    benign_correct: np.ndarray  # per benign case of the part, in the part's order

    @property
    def specificity(self) -> float:
        return float(np.mean(self.benign_correct))


@dataclass(frozen=True)
class Choice:
    winner: str
    best: str  # highest specificity
    differences: dict[str, tuple[float, float, float]]  # name -> best minus it: mean, low, high

    @property
    def tied(self) -> list[str]:
        return [name for name, (_, low, _) in self.differences.items() if low <= 0.0]


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """``(mean, low, high)`` of ``a - b`` (paired, normal approximation)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    mean = float(d.mean())
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else 0.0
    return mean, mean - half, mean + half


def choose(contenders: list[Contender]) -> Choice:
    """The :data:`PREFER_SIMPLER` choice; ties on simplicity go to the higher specificity."""
    best = max(contenders, key=lambda c: (c.specificity, -c.simplicity))
    differences = {
        c.name: paired_difference(best.benign_correct, c.benign_correct) for c in contenders
    }
    tied = [c for c in contenders if differences[c.name][1] <= 0.0]
    winner = min(tied, key=lambda c: (c.simplicity, -c.specificity))
    return Choice(winner.name, best.name, differences)
