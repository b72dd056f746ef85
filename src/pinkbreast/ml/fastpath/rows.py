"""What every compiled step shares: the error, the row-by-row sums and the transforms so far.

A compiled model is first a **plan**: nested dicts of a ``kind``, numpy arrays and numbers
(:mod:`.plan` saves it with numpy alone); building a plan gives the function. Keys that start
with ``_`` hold things a plan cannot store (the library's own tree traversal) and are optional.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
Probability = Callable[[Array], Array]  # raw X (rows x input features) -> P(positive class)
Node = dict[str, Any]  # a step of a plan: {"kind": ..., arrays and numbers}
# A fitted scikit-learn or LightGBM object. Those libraries ship no type information, and this
# package reads their fitted attributes by name (``coef_``, ``tree_``, ``booster_``, ...).
Estimator = Any


class NotCompilable(TypeError):
    """The pipeline holds a step this module cannot reproduce exactly."""


def _rows(X: Array, weights: Array) -> Array:
    """``X @ weights`` with each row computed alone, the same way whatever the number of rows.

    A plain ``X @ weights`` lets BLAS pick another kernel (and so another rounding) for one row
    than for many; a case must get the same probability from the form, a batch or the API, to
    the last bit. A stack of one-row products always runs the same one-row kernel.
    """
    product = np.matmul(X[:, None, :], weights)
    rows: Array = product[:, 0] if weights.ndim == 1 else product[:, 0, :]
    return rows


def _total(terms: Array) -> Array:
    """Row sums of a 2-D array, computed row by row like :func:`_rows`."""
    return _rows(terms, np.ones(terms.shape[1]))


def _expit(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Prefix:
    """The transforms applied so far, both step by step (exact) and folded into one affine map.

    ``steps`` are plan nodes (see :func:`.linear.step_function`); ``matrix``/``offset`` map the
    raw input to the current columns (``X @ matrix + offset``); ``names`` are the current column
    names (None once a projection has renamed them).
    """

    steps: tuple[Node, ...]
    matrix: Array
    offset: Array
    names: tuple[str, ...] | None

    @classmethod
    def start(cls, names: Sequence[str]) -> Prefix:
        width = len(names)
        return cls((), np.eye(width), np.zeros(width), tuple(names))

    def then(
        self, step: Node, matrix: Array, offset: Array, names: tuple[str, ...] | None
    ) -> Prefix:
        return Prefix(
            (*self.steps, step), self.matrix @ matrix, self.offset @ matrix + offset, names
        )

    def check_names(self, estimator: Estimator) -> None:
        expected = getattr(estimator, "feature_names_in_", None)
        if expected is not None and (self.names is None or tuple(expected) != self.names):
            raise NotCompilable(f"{type(estimator).__name__} expects other input columns")


def _binary(estimator: Estimator) -> None:
    if len(getattr(estimator, "classes_", ())) != 2:
        raise NotCompilable(f"{type(estimator).__name__} is not a fitted binary classifier")
