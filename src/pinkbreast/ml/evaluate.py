"""Repeated, stratified, nested cross-validation of the candidates and of the whole procedure.

Outer loop: ``RepeatedStratifiedKFold(folds, repeats)``. On each outer training part the whole
protocol of :mod:`pinkbreast.ml.protocol` runs for every candidate (tuning, operating point,
calibrator and the decision to serve it, refit), then :mod:`pinkbreast.ml.selection` picks one
candidate from the part's inner scores only. The outer test part is only ever scored. Each
candidate's own figures fill the comparison table; the *procedure's* figures (the candidate
each part selected, scored on that part's test cases) are what the champion is judged by,
because selecting on all cases is what produces the champion. Outer folds run in parallel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import RepeatedStratifiedKFold

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.data import diagnosis_to_target
from pinkbreast.ml.operating import OperatingPoint, Platt, labels, zones
from pinkbreast.ml.protocol import Fitted, Split, TrainingProtocol, fit_protocol
from pinkbreast.ml.selection import Choice, Contender, choose
from pinkbreast.ml.summary import CandidateResult, summarise

PROCEDURE = "selected_per_fold"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CVConfig:
    repeats: int = 10
    folds: int = 5
    seed: int = 42
    protocol: TrainingProtocol = field(default_factory=TrainingProtocol)
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
    params: dict[str, Any]
    point: OperatingPoint
    platt: Platt
    n_train: int
    fold: int  # index of the outer split
    calibrated: bool  # decided inside the training part
    contender: Contender  # what the selection sees (inner scores only)

    @property
    def p_served(self) -> np.ndarray:
        return self.p_cal if self.calibrated else self.p_raw


@dataclass
class Comparison:
    ids: np.ndarray
    y: np.ndarray
    config: CVConfig
    results: list[CandidateResult]
    procedure: CandidateResult  # the candidate each outer training part selected
    choices: list[Choice]  # one per outer fold
    final: Choice  # the selection made on all cases: the champion
    champion_fit: Fitted = field(repr=False)
    splits: list[Split] = field(default_factory=list, repr=False)  # outer (train, test) index pairs

    @property
    def winner(self) -> str:
        return self.final.winner

    def result(self, name: str) -> CandidateResult:
        return next(r for r in self.results if r.name == name)

    def selected_counts(self) -> Counter[str]:
        """How often each candidate was selected over the outer folds."""
        return Counter(choice.winner for choice in self.choices)

    def missed_cases(self) -> pd.DataFrame:
        """Malignant cases the procedure called benign (below the threshold) in any repeat:
        ``id``, ``missed`` (repeats), and per repeat the out-of-fold probability and zone."""
        return self.procedure.missed_cases(self.ids, self.y)


def run_fold(
    candidate: Candidate,
    X: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    seed: int,
    repeat: int,
    protocol: TrainingProtocol,
    fold: int = 0,
) -> FoldResult:
    """Fit the protocol on ``train`` and score ``test`` (never seen while fitting)."""
    fitted = fit_protocol(candidate, X.iloc[train], y[train], seed=seed, protocol=protocol)
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
        fold,
        fitted.calibrated,
        Contender(candidate.name, candidate.simplicity, fitted.benign_correct),
    )


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Features by canonical name (float) and the target (malignant = 1)."""
    X = frame[list(FEATURE_NAMES)].astype(float).reset_index(drop=True)
    return X, diagnosis_to_target(frame["diagnosis"].reset_index(drop=True))


def outer_splits(
    frame: pd.DataFrame, y: np.ndarray, config: CVConfig, strata: str | None
) -> list[Split]:
    """The outer (train, test) index pairs, stratified by diagnosis (x ``strata``)."""
    outer = RepeatedStratifiedKFold(
        n_splits=config.folds, n_repeats=config.repeats, random_state=config.seed
    )
    groups = y if strata is None else y.astype(str) + "/" + frame[strata].astype(str).to_numpy()
    return list(outer.split(frame, groups))


def compare(
    frame: pd.DataFrame,
    candidates: list[Candidate],
    config: CVConfig,
    *,
    progress: Progress | None = None,
    strata: str | None = None,
) -> Comparison:
    """Nested repeated CV of every candidate and of the selection, then the selection on all
    cases (the champion, refit on all of them).

    Rows are put in id order first, so the folds depend on the cases, not on how they were
    loaded (the database and the bundled file list them differently). ``strata``: a column of
    ``frame`` whose values, crossed with the diagnosis, stratify the outer folds (a
    challenger's ``origin``: every test part then holds site cases in proportion).
    """
    frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
    X, y = split_xy(frame)
    splits = outer_splits(frame, y, config, strata)
    jobs = [
        delayed(run_fold)(
            cand,
            X,
            y,
            train,
            test,
            seed=config.seed + index,
            repeat=index // config.folds,
            protocol=config.protocol,
            fold=index,
        )
        for cand in candidates
        for index, (train, test) in enumerate(splits)
    ]
    finals = [
        delayed(fit_protocol)(cand, X, y, seed=config.seed, protocol=config.protocol)
        for cand in candidates
    ]
    folds: dict[str, list[FoldResult]] = {c.name: [] for c in candidates}
    fitted: list[Fitted] = []
    total = len(jobs) + len(finals)
    parallel = Parallel(n_jobs=config.n_jobs, return_as="generator")
    for done, result in enumerate(parallel(jobs + finals), start=1):
        if isinstance(result, FoldResult):
            folds[result.candidate].append(result)
        else:
            fitted.append(result)
        if progress:
            progress(getattr(result, "candidate", "all cases"), done, total)
    results = [
        summarise(c.name, c.description, folds[c.name], y, config.repeats) for c in candidates
    ]
    choices, selected = _select_per_fold(folds, len(splits))
    procedure = summarise(
        PROCEDURE,
        "The candidate selected inside each outer training part, scored on its test part.",
        selected,
        y,
        config.repeats,
    )
    final = choose(
        [
            Contender(c.name, c.simplicity, f.benign_correct)
            for c, f in zip(candidates, fitted, strict=True)
        ]
    )
    champion = fitted[[c.name for c in candidates].index(final.winner)]
    return Comparison(
        frame["id"].to_numpy(), y, config, results, procedure, choices, final, champion, splits
    )


def _select_per_fold(
    folds: dict[str, list[FoldResult]], n_splits: int
) -> tuple[list[Choice], list[FoldResult]]:
    by_fold = {(f.candidate, f.fold): f for results in folds.values() for f in results}
    choices, selected = [], []
    for index in range(n_splits):
        choice = choose([by_fold[(name, index)].contender for name in folds])
        choices.append(choice)
        selected.append(by_fold[(choice.winner, index)])
    return choices, selected
