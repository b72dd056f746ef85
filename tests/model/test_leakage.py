"""The evaluation is leakage-free: no learning step ever sees the rows it is scored on."""

from __future__ import annotations

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.preprocessing import StandardScaler

from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.evaluate import run_fold, split_xy
from pinkbreast.ml.protocol import TrainingProtocol

SEEN: list[tuple[str, frozenset[int]]] = []


class RecordingScaler(BaseEstimator, TransformerMixin):
    """Passes data through; remembers the row labels of every ``fit``."""

    def fit(self, X, y=None):
        SEEN.append(("scaler", frozenset(int(i) for i in X.index)))
        return self

    def transform(self, X):
        return X


class RecordingSampler(BaseEstimator):
    """A resampler that duplicates nothing but remembers the rows it was asked to resample."""

    def fit_resample(self, X, y):
        SEEN.append(("sampler", frozenset(int(i) for i in X.index)))
        return X, y


def _candidate() -> Candidate:
    pipeline = Pipeline(
        [
            ("record", RecordingScaler()),
            ("resample", RecordingSampler()),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(max_iter=2000)),
        ]
    )
    return Candidate("recorder", "records rows", pipeline, {"model__C": [0.1, 1.0]})


def test_no_fit_or_resample_sees_an_outer_validation_row(reference):
    X, y = split_xy(reference)
    outer = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    for index, (train, test) in enumerate(outer.split(X, y)):
        SEEN.clear()
        result = run_fold(
            _candidate(), X, y, train, test, seed=index, repeat=0, protocol=TrainingProtocol()
        )
        test_rows = set(test.tolist())
        # 2 grid points x 5 inner folds + 1 refit, for each recording step
        assert len(SEEN) == 2 * (2 * 5 + 1)
        for step, rows in SEEN:
            assert rows.isdisjoint(test_rows), f"{step} saw validation rows in fold {index}"
            assert rows <= set(train.tolist())
        inner = [rows for _, rows in SEEN if len(rows) < len(train)]
        assert inner and all(len(rows) < len(train) for rows in inner)
        assert len(result.p_raw) == len(test)


def test_recording_detects_leakage_when_fitting_on_all_rows(reference):
    """Control: a pipeline fitted on everything is caught by the same check."""
    X, y = split_xy(reference)
    SEEN.clear()
    _candidate().pipeline.fit(X, y)
    test = np.arange(0, len(X), 5)
    assert not all(rows.isdisjoint(set(test.tolist())) for _, rows in SEEN)
