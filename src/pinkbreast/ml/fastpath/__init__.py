"""The fast inference path: a fitted pipeline compiled to a few numpy operations.

scikit-learn spends milliseconds per ``predict_proba`` call on input checks and dispatch, whatever
the number of rows; the arithmetic of our models takes microseconds. :func:`compile_pipeline`
walks a fitted pipeline and rebuilds the same arithmetic on plain float64 arrays:

* column selection, ``StandardScaler``, ``MinMaxScaler`` (without clipping) and ``PCA`` are
  affine maps; a chain of them ending in a ``LogisticRegression`` folds into **one dot product**;
* an RBF or linear ``SVC`` inside ``CalibratedClassifierCV`` (sigmoid) is its kernel expansion
  over the support vectors followed by the Platt sigmoid;
* decision trees, random forests and LightGBM boosters are scored QuickScorer-style for a few
  rows (all splits tested at once, then bit masks; :class:`Forest`) and by the library's own
  leaf lookup for blocks of rows, the leaf values then added up the same way (scikit-learn
  trees compare in float32: so do we);
* a soft ``VotingClassifier`` is the weighted mean of its compiled members;
* resamplers (SMOTE, SMOTEENN, …) only act during ``fit`` and are skipped.

Compiling first *lowers* the pipeline to a plan (:func:`lower`: nested dicts of numpy arrays
and numbers), then *builds* the function from it (:func:`build`). A plan needs nothing but
numpy: :mod:`.plan` saves one with a registered model and loads it without scikit-learn,
LightGBM or MLflow, which is how the web application starts serving in about a second.

Every sum is taken row by row in a fixed order (:func:`_rows`), so a row's probability is the
same to the last bit whatever the batch it comes in. Anything else raises
:class:`NotCompilable`, and callers keep the plain pipeline.
:func:`compile_checked` also proves, on rows it is given, that the compiled function returns the
pipeline's ``predict_proba(X)[:, 1]`` within :data:`TOLERANCE`, and falls back if it does not.
Inputs must be finite (the application validates them before scoring).

Modules: ``rows`` (row-by-row sums, the transforms so far), ``linear`` (affine steps, logistic
regression, SVMs), ``trees`` (trees, forests, LightGBM), ``plan`` (saving and loading plans),
``served`` (calibration and zones of the served probability) and this one (soft voting,
pipelines, entry points). The package imports nothing from :mod:`pinkbreast` (relative
imports only): it is shipped inside every registered model (``code_paths``), so ``mlflow models
serve`` runs the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .linear import (
    _calibrated,
    _logistic_regression,
    _transform,
    calibrated_function,
    logistic_function,
)
from .rows import Array, Estimator, Node, NotCompilable, Prefix, Probability, _binary
from .trees import Forest, _lightgbm, _trees, forest_function

__all__ = [
    "Checked",
    "Forest",
    "NotCompilable",
    "build",
    "compile_checked",
    "compile_pipeline",
    "lower",
]

TOLERANCE = 1e-9
_CHUNK = 1024  # rows per block: big batches would spill the cache with their temporaries


def _voting(model: Estimator, prefix: Prefix) -> Node:
    _binary(model)
    prefix.check_names(model)
    if model.voting != "soft":
        raise NotCompilable("hard voting has no probability")
    members = [_estimator(member, prefix) for member in model.estimators_]
    weights = model._weights_not_none
    weights = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=float)
    return {"kind": "voting", "shares": weights / weights.sum(), "members": members}


def _voting_function(node: Node) -> Probability:
    shares = node["shares"]
    members = [build(member) for member in node["members"]]

    def probability(X: Array) -> Array:
        total: Array = shares[0] * members[0](X)
        for share, member in zip(shares[1:], members[1:], strict=True):
            total += share * member(X)
        return total

    return probability


def _pipeline(pipeline: Estimator, prefix: Prefix) -> Node:
    steps = [step for _, step in pipeline.steps]
    for step in steps[:-1]:
        prefix = _transform(step, prefix)
    return _estimator(steps[-1], prefix)


_ESTIMATORS = {
    "Pipeline": _pipeline,
    "LogisticRegression": _logistic_regression,
    "CalibratedClassifierCV": _calibrated,
    "DecisionTreeClassifier": _trees,
    "RandomForestClassifier": _trees,
    "LGBMClassifier": _lightgbm,
    "VotingClassifier": _voting,
}


def _estimator(model: Estimator, prefix: Prefix) -> Node:
    lowering = _ESTIMATORS.get(type(model).__name__)
    if lowering is None:
        raise NotCompilable(f"no fast path for {type(model).__name__}")
    return lowering(model, prefix)


_BUILDERS = {
    "logistic": logistic_function,
    "calibrated_svc": calibrated_function,
    "forest": forest_function,
    "voting": _voting_function,
}


def build(node: Node) -> Probability:
    """The function a plan describes (rows already in blocks; see :func:`compile_plan`)."""
    builder = _BUILDERS.get(node.get("kind", ""))
    if builder is None:
        raise NotCompilable(f"unknown plan step {node.get('kind')!r}")
    return builder(node)


def _blocks(function: Probability, X: Array) -> Array:
    """``function`` over blocks of rows: big batches would spill the cache (and memory)."""
    if len(X) <= _CHUNK:
        return function(X)
    return np.concatenate([function(X[i : i + _CHUNK]) for i in range(0, len(X), _CHUNK)])


# -- entry points -----------------------------------------------------------------------------


def lower(pipeline: Estimator, features: Sequence[str]) -> Node:
    """The plan of ``pipeline`` for inputs with columns in ``features`` order.

    Raises :class:`NotCompilable` when a step has no exact fast path.
    """
    return _estimator(pipeline, Prefix.start(features))


def compile_plan(plan: Node) -> Probability:
    """``X -> P(positive class)`` from a plan (:func:`lower`, or :func:`.plan.load`)."""
    compiled = build(plan)
    return lambda X: _blocks(compiled, np.ascontiguousarray(X, dtype=float))


def compile_pipeline(pipeline: Estimator, features: Sequence[str]) -> Probability:
    """``X -> P(positive class)`` for ``X`` with columns in ``features`` order.

    Raises :class:`NotCompilable` when a step has no exact fast path.
    """
    return compile_plan(lower(pipeline, features))


@dataclass(frozen=True)
class Checked:
    probability: Probability
    compiled: bool
    reason: str  # why the plain pipeline is used, or "" when compiled


def compile_checked(pipeline: Estimator, features: Sequence[str], rows: Array) -> Checked:
    """The compiled path if it matches ``pipeline`` on ``rows``, else the plain pipeline."""
    import pandas as pd  # only for the reference call and the fallback

    def plain(X: Array) -> Array:
        frame = pd.DataFrame(np.asarray(X, dtype=float), columns=list(features))
        p: Array = pipeline.predict_proba(frame)[:, 1]
        return p

    try:
        compiled = compile_pipeline(pipeline, features)
    except NotCompilable as exc:
        return Checked(plain, False, str(exc))
    rows = np.asarray(rows, dtype=float)
    gap = float(np.max(np.abs(compiled(rows) - plain(rows)))) if len(rows) else 0.0
    if not gap <= TOLERANCE:
        return Checked(plain, False, f"compiled result differs by {gap:.2e}")
    return Checked(compiled, True, "")
