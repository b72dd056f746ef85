"""Repeated, stratified, nested cross-validation of the candidates.

Outer loop: ``RepeatedStratifiedKFold(folds, repeats)``. On each outer training part the whole
protocol of :mod:`pinkbreast.ml.protocol` runs (tuning, threshold, band, calibrator, refit);
the outer test part is only ever scored. Outer folds run in parallel (``n_jobs``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import RepeatedStratifiedKFold

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.data import diagnosis_to_target
from pinkbreast.ml.operating import OperatingPoint, Platt, labels, zones
from pinkbreast.ml.protocol import Settings, fit_protocol
from pinkbreast.ml.summary import CandidateResult, summarise

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CVConfig:
    repeats: int = 10
    folds: int = 5
    seed: int = 42
    settings: Settings = field(default_factory=Settings)
    n_jobs: int = 2


@dataclass
class FoldResult:
    candidate: str
    repeat: int
    test_index: np.ndarray
    p_raw: np.ndarray
    p_cal: np.ndarray
    pred: np.ndarray
    zone: np.ndarray
    params: dict
    point: OperatingPoint
    platt: Platt
    n_train: int


@dataclass
class Comparison:
    ids: np.ndarray
    y: np.ndarray
    config: CVConfig
    results: list[CandidateResult]
    winner: str

    def result(self, name: str) -> CandidateResult:
        return next(r for r in self.results if r.name == name)

    def hard_cases(self) -> list[int]:
        """Malignant cases called benign (in most repeats) by every usable candidate.

        A candidate is usable when its operating point keeps out-of-fold specificity >= 0.5; a
        model that reaches the target sensitivity only by calling nearly everything malignant
        (a single tree, whose leaf probabilities are coarse) would otherwise hide every case.
        """
        missed = np.ones(len(self.y), dtype=bool)
        for result in self.results:
            if result.pooled["specificity"] >= 0.5:
                missed &= result.benign_call_share > 0.5
        return sorted(int(i) for i in self.ids[missed & (self.y == 1)])


def run_fold(candidate: Candidate, X, y, train, test, *, seed: int, repeat: int, settings):
    """Fit the protocol on ``train`` and score ``test`` (never seen while fitting)."""
    fitted = fit_protocol(candidate, X.iloc[train], y[train], seed=seed, settings=settings)
    p_raw = fitted.predict_raw(X.iloc[test])
    return FoldResult(
        candidate.name,
        repeat,
        np.asarray(test),
        p_raw,
        fitted.platt(p_raw),
        labels(p_raw, fitted.point),
        zones(p_raw, fitted.point),
        fitted.params,
        fitted.point,
        fitted.platt,
        len(train),
    )


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Features by canonical name (float) and the target (malignant = 1)."""
    X = frame[list(FEATURE_NAMES)].astype(float).reset_index(drop=True)
    return X, diagnosis_to_target(frame["diagnosis"].reset_index(drop=True))


def compare(
    frame: pd.DataFrame,
    candidates: list[Candidate],
    config: CVConfig,
    *,
    progress: Progress | None = None,
) -> Comparison:
    """Nested repeated CV of every candidate, summaries, and the selected winner.

    Rows are put in id order first, so the folds depend on the cases, not on how they were
    loaded (the database and the bundled file list them differently).
    """
    frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
    X, y = split_xy(frame)
    outer = RepeatedStratifiedKFold(
        n_splits=config.folds, n_repeats=config.repeats, random_state=config.seed
    )
    splits = list(outer.split(X, y))
    jobs = [
        delayed(run_fold)(
            cand,
            X,
            y,
            train,
            test,
            seed=config.seed + index,
            repeat=index // config.folds,
            settings=config.settings,
        )
        for cand in candidates
        for index, (train, test) in enumerate(splits)
    ]
    folds: dict[str, list[FoldResult]] = {c.name: [] for c in candidates}
    parallel = Parallel(n_jobs=config.n_jobs, return_as="generator")
    for done, result in enumerate(parallel(jobs), start=1):
        folds[result.candidate].append(result)
        if progress:
            progress(result.candidate, done, len(jobs))
    results = [summarise(c, folds[c.name], y, config.repeats) for c in candidates]
    winner = select_winner(results, config.settings.target_sensitivity)
    return Comparison(frame["id"].to_numpy(), y, config, results, winner)


def select_winner(results: list[CandidateResult], target: float, tolerance: float = 0.01) -> str:
    """Best pooled out-of-fold specificity at the operating point, ties broken by Brier.

    Only candidates whose out-of-fold sensitivity reaches ``target - tolerance`` are eligible
    (the threshold is learnt on training parts, so the achieved value scatters around the
    target); if none does, all are. Specificities within 0.5 point count as a tie.
    """
    eligible = [r for r in results if r.pooled["sensitivity"] >= target - tolerance] or results
    best_spec = max(r.pooled["specificity"] for r in eligible)
    tied = [r for r in eligible if r.pooled["specificity"] >= best_spec - 0.005]
    return min(tied, key=lambda r: r.pooled["brier"]).name
