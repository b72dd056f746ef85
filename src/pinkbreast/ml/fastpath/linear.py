"""Affine steps (column choice, scalers, PCA), logistic regression and calibrated SVMs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .rows import (
    Array,
    Estimator,
    Node,
    NotCompilable,
    Prefix,
    Probability,
    _binary,
    _expit,
    _rows,
    _total,
)

# -- transforms -------------------------------------------------------------------------------


def _is(transformer: Estimator | str, kind: str) -> bool:
    """A ColumnTransformer entry that drops or passes columns (fitted passthrough is an
    identity ``FunctionTransformer``)."""
    if isinstance(transformer, str):
        return transformer == kind
    identity = type(transformer).__name__ == "FunctionTransformer" and transformer.func is None
    return kind == "passthrough" and identity


def _column_transformer(step: Estimator, prefix: Prefix) -> Prefix:
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
    step_node = {"kind": "select", "index": index}
    return prefix.then(step_node, selection, np.zeros(len(index)), names)


def _standard_scaler(step: Estimator, prefix: Prefix) -> Prefix:
    prefix.check_names(step)
    width = step.n_features_in_
    mean = step.mean_ if step.with_mean else np.zeros(width)
    scale = step.scale_ if step.with_std else np.ones(width)
    step_node = {"kind": "standard", "mean": mean, "scale": scale}
    return prefix.then(step_node, np.diag(1 / scale), -mean / scale, prefix.names)


def _minmax_scaler(step: Estimator, prefix: Prefix) -> Prefix:
    if step.clip:
        raise NotCompilable("MinMaxScaler(clip=True) is not affine")
    prefix.check_names(step)
    scale, shift = step.scale_, step.min_
    step_node = {"kind": "minmax", "scale": scale, "shift": shift}
    return prefix.then(step_node, np.diag(scale), shift, prefix.names)


def _pca(step: Estimator, prefix: Prefix) -> Prefix:
    prefix.check_names(step)
    components, mean = step.components_.T, step.mean_
    divisor = np.sqrt(step.explained_variance_) if step.whiten else np.ones(components.shape[1])

    step_node = {"kind": "pca", "components": components, "mean": mean, "divisor": divisor}
    return prefix.then(step_node, components / divisor, -(mean @ components) / divisor, None)


_TRANSFORMS = {
    "ColumnTransformer": _column_transformer,
    "StandardScaler": _standard_scaler,
    "MinMaxScaler": _minmax_scaler,
    "PCA": _pca,
}


def step_function(node: Node) -> Callable[[Array], Array]:
    """One transform of a plan, as a function (the transformer's own order of operations)."""
    kind = node["kind"]
    if kind == "select":
        index = node["index"]
        return lambda X: X[:, index]
    if kind == "standard":
        mean, scale = node["mean"], node["scale"]
        return lambda X: (X - mean) / scale
    if kind == "minmax":
        scale, shift = node["scale"], node["shift"]
        return lambda X: X * scale + shift
    if kind == "pca":
        components, mean, divisor = node["components"], node["mean"], node["divisor"]
        return lambda X: (_rows(X, components) - mean @ components) / divisor
    raise NotCompilable(f"unknown plan step {kind!r}")


def steps_function(nodes: Sequence[Node]) -> Callable[[Array], Array]:
    """The transforms of a plan applied in order."""
    functions = [step_function(node) for node in nodes]

    def apply(X: Array) -> Array:
        for function in functions:
            X = function(X)
        return X

    return apply


def _transform(step: Estimator | str | None, prefix: Prefix) -> Prefix:
    if step is None or step == "passthrough" or hasattr(step, "fit_resample"):
        return prefix  # resamplers only change the training rows
    build = _TRANSFORMS.get(type(step).__name__)
    if build is None:
        raise NotCompilable(f"no fast path for {type(step).__name__}")
    return build(step, prefix)


# -- estimators -------------------------------------------------------------------------------


def _logistic_regression(model: Estimator, prefix: Prefix) -> Node:
    _binary(model)
    prefix.check_names(model)
    if model.coef_.shape[0] != 1:
        raise NotCompilable("multinomial logistic regression")
    weights = prefix.matrix @ model.coef_[0]
    bias = float(prefix.offset @ model.coef_[0] + model.intercept_[0])
    return {"kind": "logistic", "weights": weights, "bias": bias}


def logistic_function(node: Node) -> Probability:
    weights, bias = node["weights"], float(node["bias"])
    return lambda X: _expit(_rows(X, weights) + bias)


def _svc_decision(svc: Estimator, a: float = 1.0, b: float = 0.0) -> Node:
    """``a * decision_function(Z) + b`` of a fitted binary SVC (Platt's slope folded in)."""
    vectors, coef = svc.support_vectors_, a * svc.dual_coef_[0]
    intercept = float(a * svc.intercept_[0] + b)
    if svc.kernel == "linear":
        return {"kernel": "linear", "weights": vectors.T @ coef, "intercept": intercept}
    if svc.kernel != "rbf":
        raise NotCompilable(f"SVC kernel {svc.kernel!r}")
    # exp(-gamma * |z - v|^2) = exp(2 gamma z.v - gamma |v|^2 - gamma |z|^2)
    gamma = float(svc._gamma)
    return {
        "kernel": "rbf",
        "cross": np.ascontiguousarray(2.0 * gamma * vectors.T),
        "own": gamma * np.einsum("ij,ij->i", vectors, vectors),
        "gamma": gamma,
        "coef": coef,
        "intercept": intercept,
    }


def _decision_function(node: Node) -> Callable[[Array], Array]:
    intercept = float(node["intercept"])
    if node["kernel"] == "linear":
        weights = node["weights"]
        return lambda Z: _rows(Z, weights) + intercept
    cross, own, coef, gamma = node["cross"], node["own"], node["coef"], float(node["gamma"])

    def decision(Z: Array) -> Array:
        exponent = (_rows(Z, cross) - own) - gamma * _total(Z * Z)[:, None]
        return _rows(np.exp(np.minimum(exponent, 0.0)), coef) + intercept

    return decision


def _calibrated(model: Estimator, prefix: Prefix) -> Node:
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
    return {"kind": "calibrated_svc", "steps": list(prefix.steps), "members": members}


def calibrated_function(node: Node) -> Probability:
    apply = steps_function(node["steps"])
    members = [_decision_function(member) for member in node["members"]]

    def probability(X: Array) -> Array:
        Z = apply(X)
        total = 1.0 / (1.0 + np.exp(members[0](Z)))
        for member in members[1:]:
            total += 1.0 / (1.0 + np.exp(member(Z)))
        return total / len(members) if len(members) > 1 else total

    return probability
