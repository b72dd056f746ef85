"""Exact interventional Shapley values of a plan, in a stated space, with numpy alone.

Every step of a plan is explained where its output is additive:

* ``logistic`` (logistic regression, after any folded scaler or PCA): the log-odds
  ``w.x + b`` are linear, so ``phi_i = w_i (x_i - mean_background x_i)`` (closed form);
* ``forest`` (trees, random forests: the mean of the trees' class-1 shares, a probability;
  LightGBM: the log-odds ``scale * sum of trees``): interventional TreeSHAP
  (:mod:`.shapley_trees`);
* ``calibrated_svc`` (RBF or linear SVM, Platt probabilities): the log-odds ``-(a d(z) + b)``
  are affine in the decision function ``d``, whose RBF kernel is a product over features
  (:mod:`.shapley_kernel`); the steps before it must scale each column alone;
* ``voting`` (and an SVM calibrated on several folds): the output is a weighted mean of member
  probabilities, so each member's contributions are first put in its own probability points by
  the rule below, then weighted by the member's share: they add up to the ensemble's
  probability minus the weighted mean of the members' base probabilities.

**Rule from a space to probability points.** A part explained in space ``m`` (log-odds or
probability) has a base ``m0`` (the mean of ``m`` over the background), contributions adding up
to ``m(x) - m0``, and a link to probability ``p = link(m)``. Its contributions in probability
points are each multiplied by the one factor ``(p(x) - p0) / (m(x) - m0)`` with
``p0 = link(m0)`` (the slope of the link at ``m0`` when ``m(x) = m0``): signs and proportions
kept, sum exactly ``p(x) - p0``. The served probability (after the stored Platt calibration)
is explained by the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .linear import steps_function
from .rows import Array, Node, NotCompilable, _expit, _rows
from .shapley_kernel import RbfShap, affine_values
from .shapley_trees import TreeShap

LOG_ODDS, PROBABILITY = "log-odds", "probability"


def _identity(m: Array) -> Array:
    return m


@dataclass(frozen=True)
class Part:
    """A plan step explained in ``space``: ``value`` (rows -> output in ``space``), ``base``
    (its mean over the background), ``phi`` (rows -> contributions adding up to
    ``value - base``) and ``link`` (``space`` -> probability)."""

    method: str
    space: str
    base: float
    value: Callable[[Array], Array]
    phi: Callable[[Array], Array]
    link: Callable[[Array], Array]


def rescale(phi: Array, m: Array, m0: float, p: Array, p0: float, slope: float) -> Array:
    """Contributions (rows x features) moved to probability points by the module's rule."""
    gap = m - m0
    flat = np.abs(gap) < 1e-12
    factor = np.where(flat, slope, (p - p0) / np.where(flat, 1.0, gap))
    return phi * factor[:, None]


def slope_at(function: Callable[[Array], Array], m0: float) -> float:
    h = 1e-6
    return float((function(np.array([m0 + h])) - function(np.array([m0 - h])))[0] / (2 * h))


def in_probability(
    part: Part,
) -> tuple[Callable[[Array], Array], float, Callable[[Array], Array]]:
    """``(probability, p0, phi in probability points)`` of a part."""
    p0 = float(part.link(np.array([part.base]))[0])
    slope = slope_at(part.link, part.base)

    def phi(X: Array) -> Array:
        m = part.value(X)
        return rescale(part.phi(X), m, part.base, part.link(m), p0, slope)

    return (lambda X: part.link(part.value(X))), p0, phi


def _logistic(node: Node, background: Array) -> Part:
    weights, bias = np.asarray(node["weights"]), float(node["bias"])
    mean = background.mean(axis=0)
    return Part(
        "closed-form linear Shapley",
        LOG_ODDS,
        float(mean @ weights + bias),
        lambda X: _rows(X, weights) + bias,
        lambda X: (X - mean) * weights,
        _expit,
    )


def _sources(steps: Sequence[Node], width: int) -> Array:
    """The raw column behind each column after ``steps``; raises unless each column is
    transformed alone (selection without repeats, standard or min-max scaling)."""
    source = np.arange(width)
    for step in steps:
        if step["kind"] == "select":
            source = source[np.asarray(step["index"], dtype=np.intp)]
        elif step["kind"] not in ("standard", "minmax"):
            raise NotCompilable(f"no exact attribution after a {step['kind']!r} step")
    if len(set(source.tolist())) != len(source):
        raise NotCompilable("a column selected twice")
    return source


def _to_raw(source: Array, width: int) -> Callable[[Array], Array]:
    def spread(phi: Array) -> Array:
        out = np.zeros((len(phi), width))
        out[:, source] = phi
        return out

    return spread


def _forest(node: Node, background: Array) -> Part:
    if "paths" not in node:
        raise NotCompilable("a plan stored without its trees' leaf boxes")
    from .trees import Forest

    width = background.shape[1]
    apply, spread = steps_function(node["steps"]), _to_raw(_sources(node["steps"], width), width)
    forest = Forest.from_node(node["forest"], native=node.get("_native"))
    Zb = apply(background)
    value: Callable[[Array], Array]
    link: Callable[[Array], Array]
    if node["link"] == "mean":  # the forest's own arithmetic, to the last bit
        count = int(node["count"])
        factor, space, link = 1.0 / count, PROBABILITY, _identity
        value = lambda X: forest.total(apply(X)) / count  # noqa: E731
    else:
        factor, space, link = float(node["scale"]), LOG_ODDS, _expit
        value = lambda X: factor * forest.total(apply(X))  # noqa: E731
    shap = TreeShap(node["paths"], Zb, Zb.shape[1], float32=bool(node["forest"]["float32"]))
    base = float(np.mean(value(background)))
    return Part("interventional TreeSHAP", space, base, value,
                lambda X: spread(factor * shap.values(apply(X))), link)  # fmt: skip


def _svc_member(
    member: Node,
    apply: Callable[[Array], Array],
    spread: Callable[[Array], Array],
    background: Array,
) -> Part:
    from .linear import _decision_function

    decision = _decision_function(member)
    Zb = apply(background)
    phi: Callable[[Array], Array]
    if member["kernel"] == "linear":
        weights = np.asarray(member["weights"])
        phi = lambda X: spread(-affine_values(weights, apply(X), Zb))  # noqa: E731
        method = "closed-form linear Shapley"
    else:
        shap = RbfShap(member, Zb)
        phi = lambda X: spread(-shap.values(apply(X)))  # noqa: E731
        method = "exact product-kernel Shapley (Gauss-Legendre)"
    value: Callable[[Array], Array] = lambda X: -decision(apply(X))  # noqa: E731  (Platt: p = expit(-(a d + b)))
    return Part(method, LOG_ODDS, float(np.mean(value(background))), value, phi, _expit)


def _calibrated(node: Node, background: Array) -> Part:
    width = background.shape[1]
    apply, spread = steps_function(node["steps"]), _to_raw(_sources(node["steps"], width), width)
    members = [_svc_member(m, apply, spread, background) for m in node["members"]]
    if len(members) == 1:
        return members[0]
    return mixture(members, np.full(len(members), 1.0 / len(members)))


def _voting(node: Node, background: Array) -> Part:
    members = [part(member, background) for member in node["members"]]
    return mixture(members, np.asarray(node["shares"], dtype=float))


def mixture(members: list[Part], shares: Array) -> Part:
    """A weighted mean of member probabilities, each member's contributions in its own
    probability points, weighted by its share."""
    converted = [in_probability(member) for member in members]
    base = float(sum(share * p0 for share, (_, p0, _) in zip(shares, converted, strict=True)))

    def value(X: Array) -> Array:
        total: Array = shares[0] * converted[0][0](X)
        for share, (probability, _, _) in zip(shares[1:], converted[1:], strict=True):
            total += share * probability(X)
        return total

    def phi(X: Array) -> Array:
        total: Array = sum(share * c[2](X) for share, c in zip(shares, converted, strict=True))
        return total

    described = "; ".join(f"{m.method} in {m.space}" for m in members)
    method = f"soft vote of ({described}), each in probability points, weighted by its share"
    return Part(method, PROBABILITY, base, value, phi, _identity)


_PARTS = {
    "logistic": _logistic,
    "forest": _forest,
    "calibrated_svc": _calibrated,
    "voting": _voting,
}


def part(node: Node, background: Array) -> Part:
    """The exact explanation of a plan step; raises :class:`NotCompilable` when none exists."""
    build = _PARTS.get(node.get("kind", ""))
    if build is None:
        raise NotCompilable(f"no exact attribution for {node.get('kind')!r}")
    return build(node, np.asarray(background, dtype=float))
