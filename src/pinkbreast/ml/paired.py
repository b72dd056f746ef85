"""Champion and challenger compared on the same outer folds, case by case (paired).

The challenger's side is its own nested CV: the candidate each outer training part selected,
scored on that part's test cases. The champion's side re-runs the champion's *recipe* (its
candidate, the same protocol and its promises) on the same outer training parts *without their
site cases* — the data the champion had — and scores the same test cases. Each side's input
guard is fitted on its own training part, so a site case the champion's data never resembled
lands in ``check_input`` (no answer: not called malignant, referred), as it would when served.

Per case, each figure is averaged over the repeats; a figure is the mean over the cases it
concerns (malignant cases for sensitivity, benign for specificity, all for referred share and
Brier). Paired 95% intervals of the differences (challenger - champion) come from a seeded
bootstrap that resamples cases, keeping each case's two answers together.

Promotion rule: the challenger may be proposed when, on the site cases and on all cases, the
lower bound of the paired 95% interval of its sensitivity difference is at least ``-MARGIN``
(it does not lower sensitivity beyond the margin), and there are at least ``MIN_SITE_MALIGNANT``
malignant site cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.evaluate import Comparison, FoldResult, split_xy
from pinkbreast.ml.fastpath.guard import guarded_zones
from pinkbreast.ml.guard_fit import fit_guard
from pinkbreast.ml.names import CHECK_INPUT, INDETERMINATE
from pinkbreast.ml.operating import labels, zones
from pinkbreast.ml.protocol import Fitted, TrainingProtocol, fit_protocol

MARGIN = 0.02
MIN_SITE_MALIGNANT = 10
ROUNDS = 2000
FIGURES = ("sensitivity", "specificity", "referred", "brier")


@dataclass
class Answers:
    """One side's out-of-fold answers: repeats x cases arrays."""

    p: np.ndarray
    called: np.ndarray  # bool: called malignant at the threshold (check_input: False)
    referred: np.ndarray  # bool: indeterminate or check_input


@dataclass(frozen=True)
class Difference:
    champion: float
    challenger: float
    difference: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class PairedComparison:
    champion_version: str
    champion_candidate: str
    challenger_version: str
    overall: dict[str, Difference]
    site: dict[str, Difference]
    site_malignant: int
    margin: float = MARGIN
    # Per site case: diagnosis (1 malignant), and per side the probability and the share of
    # repeats in which it was called malignant (for the ROC, reliability and confusion figures)
    site_cases: dict[str, list[float]] | None = None

    @property
    def rule_met(self) -> bool:
        return (
            self.site_malignant >= MIN_SITE_MALIGNANT
            and self.site["sensitivity"].low >= -self.margin
            and self.overall["sensitivity"].low >= -self.margin
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "champion_version": self.champion_version,
            "champion_candidate": self.champion_candidate,
            "challenger_version": self.challenger_version,
            "overall": {k: asdict(v) for k, v in self.overall.items()},
            "site": {k: asdict(v) for k, v in self.site.items()},
            "site_malignant": self.site_malignant,
            "margin": self.margin,
            "rule_met": self.rule_met,
            "site_cases": self.site_cases,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairedComparison:
        def figures(part: Mapping[str, Mapping[str, Any]]) -> dict[str, Difference]:
            return {k: Difference(**v) for k, v in part.items()}

        return cls(
            data["champion_version"],
            data["champion_candidate"],
            data["challenger_version"],
            figures(data["overall"]),
            figures(data["site"]),
            int(data["site_malignant"]),
            float(data.get("margin", MARGIN)),
            data.get("site_cases"),
        )

    def site_confusion(self) -> dict[str, dict[str, float]]:
        """Per side, site cases by diagnosis and call at the threshold (averaged over repeats):
        ``tp``, ``fn``, ``fp``, ``tn``."""
        if not self.site_cases:
            return {}
        y = np.asarray(self.site_cases["y"]) == 1
        out: dict[str, dict[str, float]] = {}
        for side in ("champion", "challenger"):
            called = np.asarray(self.site_cases[f"{side}_called"])
            out[side] = {
                "tp": float(called[y].sum()),
                "fn": float((1 - called[y]).sum()),
                "fp": float(called[~y].sum()),
                "tn": float((1 - called[~y]).sum()),
            }
        return out


# (probability, called malignant, referred) of each held-out case
Called = tuple[np.ndarray, np.ndarray, np.ndarray]


def _guarded(
    fitted: Fitted, X_train: pd.DataFrame, y_train: np.ndarray, X_test: pd.DataFrame, seed: int
) -> Called:
    p_raw = fitted.predict_raw(X_test)
    p = fitted.platt(p_raw) if fitted.calibrated else p_raw
    label, zone = labels(p_raw, fitted.point), zones(p_raw, fitted.point)
    guard = fit_guard(X_train.to_numpy(float), y_train, seed=seed)
    label, zone = guarded_zones(label, zone, guard.assess(X_test.to_numpy(float)))
    return p, np.asarray(label == 1, dtype=bool), np.isin(zone, (INDETERMINATE, CHECK_INPUT))


def _champion_fold(
    candidate: Candidate,
    X: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    is_site: np.ndarray,
    seed: int,
    protocol: TrainingProtocol,
) -> Called:
    kept = train[~is_site[train]]
    fitted = fit_protocol(candidate, X.iloc[kept], y[kept], seed=seed, protocol=protocol)
    return _guarded(fitted, X.iloc[kept], y[kept], X.iloc[test], seed)


def _challenger_fold(
    fold: FoldResult, X: pd.DataFrame, y: np.ndarray, train: np.ndarray, seed: int
) -> Called:
    """The selected fold result, guarded by a guard fitted on its whole training part."""
    p = fold.p_served
    guard = fit_guard(X.iloc[train].to_numpy(float), y[train], seed=seed)
    label, zone = guarded_zones(fold.pred, fold.zone, guard.assess(X.iloc[fold.test_index]))
    return p, np.asarray(label == 1, dtype=bool), np.isin(zone, (INDETERMINATE, CHECK_INPUT))


def answers(
    comparison: Comparison,
    frame: pd.DataFrame,
    is_site: np.ndarray,
    champion: Candidate,
    protocol: TrainingProtocol,
    n_jobs: int = 2,
) -> tuple[Answers, Answers]:
    """``(champion, challenger)`` out-of-fold answers on the challenger's outer folds."""
    X, y = split_xy(frame)
    splits, repeats, n = comparison.splits, comparison.config.repeats, len(y)
    seed = comparison.config.seed
    by_fold = {f.fold: f for f in comparison.procedure.folds}
    jobs = [
        delayed(_champion_fold)(champion, X, y, train, test, is_site, seed + i, protocol)
        for i, (train, test) in enumerate(splits)
    ]
    champion_parts: list[Called] = Parallel(n_jobs=n_jobs)(jobs)
    sides = [Answers(*(np.zeros((repeats, n), dtype=t) for t in (float, bool, bool)))
             for _ in range(2)]  # fmt: skip
    for i, (train, test) in enumerate(splits):
        repeat = by_fold[i].repeat
        parts = (champion_parts[i], _challenger_fold(by_fold[i], X, y, train, seed + i))
        for side, (p, called, referred) in zip(sides, parts, strict=True):
            side.p[repeat, test], side.called[repeat, test] = p, called
            side.referred[repeat, test] = referred
    return sides[0], sides[1]


def _per_case(side: Answers, y: np.ndarray) -> dict[str, np.ndarray]:
    """Each case's figure averaged over repeats (NaN where the figure does not concern it)."""
    called = side.called.mean(axis=0)
    return {
        "sensitivity": np.where(y == 1, called, np.nan),
        "specificity": np.where(y == 0, 1 - called, np.nan),
        "referred": side.referred.mean(axis=0),
        "brier": ((side.p - y) ** 2).mean(axis=0),
    }


def differences(
    champion: Answers, challenger: Answers, y: np.ndarray, *, seed: int = 0, rounds: int = ROUNDS
) -> dict[str, Difference]:
    """Every figure of both sides and the paired bootstrap interval of their difference."""
    a, b = _per_case(champion, y), _per_case(challenger, y)
    rng = np.random.default_rng(seed)
    out: dict[str, Difference] = {}
    for name in FIGURES:
        concerned = ~np.isnan(a[name])
        first, second = a[name][concerned], b[name][concerned]
        if not len(first):
            out[name] = Difference(*(float("nan"),) * 5, 0)
            continue
        gaps = second - first
        draws = rng.integers(0, len(gaps), size=(rounds, len(gaps)))
        means = gaps[draws].mean(axis=1)
        low, high = np.quantile(means, [0.025, 0.975])
        out[name] = Difference(float(first.mean()), float(second.mean()), float(gaps.mean()),
                               float(low), float(high), int(len(gaps)))  # fmt: skip
    return out


def compare_paired(
    comparison: Comparison,
    frame: pd.DataFrame,
    is_site: np.ndarray,
    champion: Candidate,
    protocol: TrainingProtocol,
    *,
    champion_version: str,
    challenger_version: str,
    n_jobs: int = 2,
) -> PairedComparison:
    """The paired comparison, overall and on the site cases alone."""
    is_site = np.asarray(is_site, dtype=bool)
    first, second = answers(comparison, frame, is_site, champion, protocol, n_jobs)
    y = comparison.y
    seed = comparison.config.seed

    def subset(side: Answers) -> Answers:
        return Answers(side.p[:, is_site], side.called[:, is_site], side.referred[:, is_site])

    site_first, site_second = subset(first), subset(second)
    return PairedComparison(
        champion_version,
        champion.name,
        challenger_version,
        differences(first, second, y, seed=seed),
        differences(site_first, site_second, y[is_site], seed=seed),
        int((y[is_site] == 1).sum()),
        site_cases={
            "y": y[is_site].astype(int).tolist(),
            "champion_p": site_first.p.mean(axis=0).tolist(),
            "challenger_p": site_second.p.mean(axis=0).tolist(),
            "champion_called": site_first.called.mean(axis=0).tolist(),
            "challenger_called": site_second.called.mean(axis=0).tolist(),
        },
    )
