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

Every sum is taken row by row in a fixed order (:func:`_rows`), so a row's probability is the
same to the last bit whatever the batch it comes in. Anything else raises
:class:`NotCompilable`, and callers keep the plain pipeline.
:func:`compile_checked` also proves, on rows it is given, that the compiled function returns the
pipeline's ``predict_proba(X)[:, 1]`` within :data:`TOLERANCE`, and falls back if it does not.
Inputs must be finite (the application validates them before scoring).

This file imports nothing from :mod:`pinkbreast`: it is shipped inside every registered model
(``code_paths``), so ``mlflow models serve`` runs the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
Probability = Callable[[Array], Array]  # raw X (rows x input features) -> P(positive class)
TOLERANCE = 1e-9
_CHUNK = 1024  # rows per block: big batches would spill the cache with their temporaries


class NotCompilable(TypeError):
    """The pipeline holds a step this module cannot reproduce exactly."""


def _rows(X: Array, weights: Array) -> Array:
    """``X @ weights`` with each row computed alone, the same way whatever the number of rows.

    A plain ``X @ weights`` lets BLAS pick another kernel (and so another rounding) for one row
    than for many; a case must get the same probability from the form, a batch or the API, to
    the last bit. A stack of one-row products always runs the same one-row kernel.
    """
    product = np.matmul(X[:, None, :], weights)
    return product[:, 0] if weights.ndim == 1 else product[:, 0, :]


def _total(terms: Array) -> Array:
    """Row sums of a 2-D array, computed row by row like :func:`_rows`."""
    return _rows(terms, np.ones(terms.shape[1]))


def _expit(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Prefix:
    """The transforms applied so far, both step by step (exact) and folded into one affine map.

    ``matrix``/``offset`` map the raw input to the current columns (``X @ matrix + offset``);
    ``names`` are the current column names (None once a projection has renamed them).
    """

    steps: tuple[Callable[[Array], Array], ...]
    matrix: Array
    offset: Array
    names: tuple[str, ...] | None

    @classmethod
    def start(cls, names: Sequence[str]) -> Prefix:
        width = len(names)
        return cls((), np.eye(width), np.zeros(width), tuple(names))

    def then(self, step, matrix: Array, offset: Array, names) -> Prefix:
        return Prefix(
            (*self.steps, step), self.matrix @ matrix, self.offset @ matrix + offset, names
        )

    def apply(self, X: Array) -> Array:
        for step in self.steps:
            X = step(X)
        return X

    def check_names(self, estimator) -> None:
        expected = getattr(estimator, "feature_names_in_", None)
        if expected is not None and (self.names is None or tuple(expected) != self.names):
            raise NotCompilable(f"{type(estimator).__name__} expects other input columns")


# -- transforms -------------------------------------------------------------------------------


def _is(transformer, kind: str) -> bool:
    """A ColumnTransformer entry that drops or passes columns (fitted passthrough is an
    identity ``FunctionTransformer``)."""
    if isinstance(transformer, str):
        return transformer == kind
    identity = type(transformer).__name__ == "FunctionTransformer" and transformer.func is None
    return kind == "passthrough" and identity


def _column_transformer(step, prefix: Prefix) -> Prefix:
    active = [t for t in step.transformers_ if not _is(t[1], "drop")]
    if len(active) != 1 or not _is(active[0][1], "passthrough"):
        raise NotCompilable("only a single passthrough column selection is supported")
    prefix.check_names(step)
    columns = list(active[0][2])
    if columns and isinstance(columns[0], str):
        if prefix.names is None:
            raise NotCompilable("columns selected by name after a projection")
        columns = [prefix.names.index(name) for name in columns]
    index = np.asarray(columns, dtype=int)
    selection = np.zeros((prefix.matrix.shape[1], len(index)))
    selection[index, np.arange(len(index))] = 1.0
    names = None if prefix.names is None else tuple(prefix.names[i] for i in index)
    return prefix.then(lambda X: X[:, index], selection, np.zeros(len(index)), names)


def _standard_scaler(step, prefix: Prefix) -> Prefix:
    prefix.check_names(step)
    width = step.n_features_in_
    mean = step.mean_ if step.with_mean else np.zeros(width)
    scale = step.scale_ if step.with_std else np.ones(width)
    step_function = lambda X: (X - mean) / scale  # noqa: E731
    return prefix.then(step_function, np.diag(1 / scale), -mean / scale, prefix.names)


def _minmax_scaler(step, prefix: Prefix) -> Prefix:
    if step.clip:
        raise NotCompilable("MinMaxScaler(clip=True) is not affine")
    prefix.check_names(step)
    scale, shift = step.scale_, step.min_
    return prefix.then(lambda X: X * scale + shift, np.diag(scale), shift, prefix.names)


def _pca(step, prefix: Prefix) -> Prefix:
    prefix.check_names(step)
    components, mean = step.components_.T, step.mean_
    divisor = np.sqrt(step.explained_variance_) if step.whiten else np.ones(components.shape[1])

    def project(X: Array) -> Array:  # scikit-learn's own order of operations
        return (_rows(X, components) - mean @ components) / divisor

    return prefix.then(project, components / divisor, -(mean @ components) / divisor, None)


_TRANSFORMS = {
    "ColumnTransformer": _column_transformer,
    "StandardScaler": _standard_scaler,
    "MinMaxScaler": _minmax_scaler,
    "PCA": _pca,
}


def _transform(step, prefix: Prefix) -> Prefix:
    if step is None or step == "passthrough" or hasattr(step, "fit_resample"):
        return prefix  # resamplers only change the training rows
    build = _TRANSFORMS.get(type(step).__name__)
    if build is None:
        raise NotCompilable(f"no fast path for {type(step).__name__}")
    return build(step, prefix)


# -- estimators -------------------------------------------------------------------------------


def _binary(estimator) -> None:
    if len(getattr(estimator, "classes_", ())) != 2:
        raise NotCompilable(f"{type(estimator).__name__} is not a fitted binary classifier")


def _logistic_regression(model, prefix: Prefix) -> Probability:
    _binary(model)
    prefix.check_names(model)
    if model.coef_.shape[0] != 1:
        raise NotCompilable("multinomial logistic regression")
    weights = prefix.matrix @ model.coef_[0]
    bias = float(prefix.offset @ model.coef_[0] + model.intercept_[0])
    return lambda X: _expit(_rows(X, weights) + bias)


def _svc_decision(svc, a: float = 1.0, b: float = 0.0) -> Callable[[Array], Array]:
    """``a * decision_function(Z) + b`` of a fitted binary SVC (Platt's slope folded in)."""
    vectors, coef = svc.support_vectors_, a * svc.dual_coef_[0]
    intercept = a * svc.intercept_[0] + b
    if svc.kernel == "linear":
        weights = vectors.T @ coef
        return lambda Z: _rows(Z, weights) + intercept
    if svc.kernel != "rbf":
        raise NotCompilable(f"SVC kernel {svc.kernel!r}")
    # exp(-gamma * |z - v|^2) = exp(2 gamma z.v - gamma |v|^2 - gamma |z|^2)
    gamma = float(svc._gamma)
    cross = np.ascontiguousarray(2.0 * gamma * vectors.T)
    own = gamma * np.einsum("ij,ij->i", vectors, vectors)

    def decision(Z: Array) -> Array:
        exponent = (_rows(Z, cross) - own) - gamma * _total(Z * Z)[:, None]
        return _rows(np.exp(np.minimum(exponent, 0.0)), coef) + intercept

    return decision


def _calibrated(model, prefix: Prefix) -> Probability:
    _binary(model)
    prefix.check_names(model)
    members = []
    for calibrated in model.calibrated_classifiers_:
        inner, calibrators = calibrated.estimator, calibrated.calibrators
        if type(inner).__name__ != "SVC" or len(calibrators) != 1:
            raise NotCompilable("only calibrated binary SVCs are supported")
        if type(calibrators[0]).__name__ != "_SigmoidCalibration":
            raise NotCompilable("only sigmoid (Platt) calibration is supported")
        # Platt: p = expit(-(a * decision + b)) = 1 / (1 + exp(a * decision + b))
        a, b = float(calibrators[0].a_), float(calibrators[0].b_)
        members.append(_svc_decision(inner, a, b))

    def probability(X: Array) -> Array:
        Z = prefix.apply(X)
        total = 1.0 / (1.0 + np.exp(members[0](Z)))
        for member in members[1:]:
            total += 1.0 / (1.0 + np.exp(member(Z)))
        return total / len(members) if len(members) > 1 else total

    return probability


class Forest:
    """A tree ensemble scored QuickScorer-style: every split of every tree is tested at once.

    Each tree's leaves are numbered left to right, one bit each. A split whose test fails
    (the row goes right) rules out the leaves of its left subtree; the leaf a row reaches is the
    leftmost one that no failed split ruled out. So scoring is a fixed handful of array
    operations, whatever the depth: compare, mask, AND per tree, lowest set bit, look up.
    Trees are given as local node arrays (leaves have ``left == -1``); ``value`` holds each
    leaf's output (class-1 share for scikit-learn trees, raw score for LightGBM) and ``native``
    each leaf's number in the library.

    That is the fastest way for a few rows; for blocks of rows the library's own compiled
    traversal (``native``: rows -> the leaf each tree sends them to) finds the same leaves
    faster. Either way the leaf values are then added up the same way, so a row's result does
    not depend on the path, nor on the batch it came in.
    """

    ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
    NATIVE_ROWS = 64  # from this many rows on, leaves are found by the library

    def __init__(self, trees: list[dict], *, float32: bool, native=None):
        feature, threshold, mask, starts, offsets, values = [], [], [], [], [], []
        kept, table, table_offsets = [], [], []
        self.constant = 0.0
        for number, tree in enumerate(trees):
            leaves, splits = _in_order(tree)
            if len(leaves) > 64 and native is None:
                raise NotCompilable("a tree with more than 64 leaves")
            if not splits:
                self.constant += float(tree["value"][leaves[0]])
                continue
            kept.append(number)
            table_offsets.append(len(table))
            by_native = np.zeros(max(int(tree["native"][leaf]) for leaf in leaves) + 1)
            for leaf in leaves:
                by_native[int(tree["native"][leaf])] = float(tree["value"][leaf])
            table += by_native.tolist()
            if len(leaves) > 64:
                continue  # this forest always uses the library (self.quick is False)
            starts.append(len(feature))
            offsets.append(len(values))
            values += [float(tree["value"][leaf]) for leaf in leaves]
            bit = {leaf: 1 << i for i, leaf in enumerate(leaves)}
            for node in splits:
                left_bits = sum(bit[leaf] for leaf in _leaves_under(tree, tree["left"][node]))
                feature.append(int(tree["feature"][node]))
                threshold.append(float(tree["threshold"][node]))
                mask.append(~np.uint64(left_bits))
        self.feature = np.asarray(feature, dtype=np.intp)
        self.threshold = np.asarray(threshold, dtype=float)
        self.mask = np.asarray(mask, dtype=np.uint64)
        self.starts = np.asarray(starts, dtype=np.intp)
        self.offsets = np.asarray(offsets, dtype=np.intp)
        self.values = np.asarray(values, dtype=float)
        self.float32 = float32
        self.native, self.kept = native, np.asarray(kept, dtype=np.intp)
        self.table, self.table_offsets = np.asarray(table), np.asarray(table_offsets, np.intp)
        self.quick = len(self.starts) == len(kept)

    def total(self, X: Array) -> Array:
        """Sum of every tree's output, per row."""
        if not len(self.kept):
            return np.full(len(X), self.constant)
        if self.float32:
            X = np.ascontiguousarray(X, dtype=np.float32)
        if self.native is not None and (len(X) >= self.NATIVE_ROWS or not self.quick):
            leaves = self.native(X)[:, self.kept]
            outputs = self.table[self.table_offsets + leaves]
        else:
            tested = X.take(self.feature, axis=1) <= self.threshold
            masks = np.where(tested, self.ALL, self.mask)
            exits = np.bitwise_and.reduceat(masks, self.starts, axis=1)
            leaf = np.bitwise_count((exits & -exits) - np.uint64(1))
            outputs = self.values[self.offsets + leaf]
        total = _total(np.ascontiguousarray(outputs))
        return total + self.constant if self.constant else total


def _in_order(tree: dict) -> tuple[list[int], list[int]]:
    """Leaves left to right, and split nodes (root first), of a local node array tree."""
    leaves, splits, stack = [], [], [0]
    while stack:
        node = stack.pop()
        if tree["left"][node] == -1:
            leaves.append(node)
        else:
            splits.append(node)
            stack += [tree["right"][node], tree["left"][node]]
    return leaves, splits


def _leaves_under(tree: dict, node: int) -> list[int]:
    if tree["left"][node] == -1:
        return [node]
    return _leaves_under(tree, tree["left"][node]) + _leaves_under(tree, tree["right"][node])


def _sklearn_tree(tree) -> dict:
    """A fitted scikit-learn ``Tree`` as local node arrays; a leaf's value is its class-1 share."""
    value = tree.value[:, 0, :]
    total = value.sum(axis=1)
    share = value[:, 1] / np.where(total == 0.0, 1.0, total)
    return {
        "feature": tree.feature,
        "threshold": tree.threshold,
        "left": tree.children_left,
        "right": tree.children_right,
        "value": share,
        "native": np.arange(tree.node_count),  # Tree.apply() returns node numbers
    }


def _trees(model, prefix: Prefix) -> Probability:
    _binary(model)
    prefix.check_names(model)
    estimators = getattr(model, "estimators_", [model])
    if type(model).__name__ not in {"DecisionTreeClassifier", "RandomForestClassifier"}:
        raise NotCompilable(type(model).__name__)
    trees = [e.tree_ for e in estimators]

    def native(X32: Array) -> Array:
        return np.column_stack([tree.apply(X32) for tree in trees])

    forest = Forest([_sklearn_tree(tree) for tree in trees], float32=True, native=native)
    count = len(estimators)
    return lambda X: forest.total(prefix.apply(X)) / count


def _lightgbm_tree(structure: dict) -> dict:
    """One tree of ``Booster.dump_model()`` as local node arrays (leaves: ``left == -1``)."""
    tree = {"feature": [], "threshold": [], "left": [], "right": [], "value": [], "native": []}

    def add(node: dict) -> int:
        index = len(tree["feature"])
        for key in tree:
            tree[key].append(-1 if key in ("left", "right") else 0)
        if "split_feature" not in node:
            tree["value"][index] = float(node.get("leaf_value", 0.0))
            tree["native"][index] = int(node.get("leaf_index", 0))
            return index
        if node.get("decision_type", "<=") != "<=" or node.get("missing_type") == "Zero":
            raise NotCompilable("LightGBM categorical or zero-as-missing split")
        tree["feature"][index] = int(node["split_feature"])
        tree["threshold"][index] = float(node["threshold"])
        tree["left"][index] = add(node["left_child"])
        tree["right"][index] = add(node["right_child"])
        return index

    add(structure)
    return tree


def _lightgbm(model, prefix: Prefix) -> Probability:
    _binary(model)
    prefix.check_names(model)
    dump = model.booster_.dump_model()
    objective = str(dump.get("objective", ""))
    if not objective.startswith("binary") or dump.get("num_tree_per_iteration", 1) != 1:
        raise NotCompilable(f"LightGBM objective {objective!r}")
    scale = float(objective.split("sigmoid:")[1].split()[0]) if "sigmoid:" in objective else 1.0
    trees = dump["tree_info"]
    if getattr(model, "_best_iteration", None):
        trees = trees[: model.booster_.best_iteration]
    booster, count = model.booster_, len(trees)

    def native(X: Array) -> Array:
        return booster.predict(X, pred_leaf=True, num_iteration=count)

    structures = [_lightgbm_tree(t["tree_structure"]) for t in trees]
    forest = Forest(structures, float32=False, native=native)
    return lambda X: _expit(scale * forest.total(prefix.apply(X)))


def _voting(model, prefix: Prefix) -> Probability:
    _binary(model)
    prefix.check_names(model)
    if model.voting != "soft":
        raise NotCompilable("hard voting has no probability")
    members = [_estimator(member, prefix) for member in model.estimators_]
    weights = model._weights_not_none
    weights = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=float)
    shares = weights / weights.sum()

    def probability(X: Array) -> Array:
        total = shares[0] * members[0](X)
        for share, member in zip(shares[1:], members[1:], strict=True):
            total += share * member(X)
        return total

    return probability


def _pipeline(pipeline, prefix: Prefix) -> Probability:
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


def _estimator(model, prefix: Prefix) -> Probability:
    build = _ESTIMATORS.get(type(model).__name__)
    if build is None:
        raise NotCompilable(f"no fast path for {type(model).__name__}")
    return build(model, prefix)


def _blocks(function: Probability, X: Array) -> Array:
    """``function`` over blocks of rows: big batches would spill the cache (and memory)."""
    if len(X) <= _CHUNK:
        return function(X)
    return np.concatenate([function(X[i : i + _CHUNK]) for i in range(0, len(X), _CHUNK)])


# -- entry points -----------------------------------------------------------------------------


def compile_pipeline(pipeline, features: Sequence[str]) -> Probability:
    """``X -> P(positive class)`` for ``X`` with columns in ``features`` order.

    Raises :class:`NotCompilable` when a step has no exact fast path.
    """
    compiled = _estimator(pipeline, Prefix.start(features))
    return lambda X: _blocks(compiled, np.ascontiguousarray(X, dtype=float))


@dataclass(frozen=True)
class Checked:
    probability: Probability
    compiled: bool
    reason: str  # why the plain pipeline is used, or "" when compiled


def compile_checked(pipeline, features: Sequence[str], rows: Array) -> Checked:
    """The compiled path if it matches ``pipeline`` on ``rows``, else the plain pipeline."""
    import pandas as pd  # only for the reference call and the fallback

    def plain(X: Array) -> Array:
        frame = pd.DataFrame(np.asarray(X, dtype=float), columns=list(features))
        return pipeline.predict_proba(frame)[:, 1]

    try:
        compiled = compile_pipeline(pipeline, features)
    except NotCompilable as exc:
        return Checked(plain, False, str(exc))
    rows = np.asarray(rows, dtype=float)
    gap = float(np.max(np.abs(compiled(rows) - plain(rows)))) if len(rows) else 0.0
    if not gap <= TOLERANCE:
        return Checked(plain, False, f"compiled result differs by {gap:.2e}")
    return Checked(compiled, True, "")
