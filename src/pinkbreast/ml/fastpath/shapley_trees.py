"""Interventional TreeSHAP, exact and polynomial, from the leaf boxes of a plan (numpy only).

Against one reference row ``r``, a tree's output for the hybrid row "``x`` on the features in
``S``, ``r`` elsewhere" is the value of the one leaf whose box the hybrid falls in. For a leaf,
split its path's features into those only ``x`` satisfies (``A``), those only ``r`` satisfies
(``B``) and the rest; the hybrid reaches the leaf exactly when ``A ⊆ S`` and ``S ∩ B = ∅``
(and never when a feature satisfies neither). The Shapley values of that game are closed-form:

* ``(|A|-1)! |B|! / (|A|+|B|)!`` for each feature of ``A``,
* ``-|A|! (|B|-1)! / (|A|+|B|)!`` for each feature of ``B``, zero for the others.

A tree's Shapley values are the sum over its leaves weighted by their values, and the
interventional values against a background are the mean over its rows: exact, in
``O(rows x leaves x depth)``. The background's side of every box is computed once.
"""

from __future__ import annotations

from math import lgamma

import numpy as np

from .rows import Array, Node

_BLOCK = 16  # rows explained together (the temporaries grow as rows x background x leaves)
TABLE_DEPTH = 6  # paths testing at most this many features: every answer tabulated once


def _weights(depth: int) -> tuple[Array, Array]:
    """``(w_in, w_out)[a, b]``: the Shapley weight of a feature of ``A`` and of ``B``."""
    size = depth + 1
    w_in, w_out = np.zeros((size, size)), np.zeros((size, size))
    for a in range(size):
        for b in range(size - a):
            if a:
                w_in[a, b] = np.exp(lgamma(a) + lgamma(b + 1) - lgamma(a + b + 1))
            if b:
                w_out[a, b] = np.exp(lgamma(a + 1) + lgamma(b) - lgamma(a + b + 1))
    return w_in, w_out


class TreeShap:
    """Shapley values of ``sum_leaves value * [x in box]`` against ``background`` (rows of the
    forest's own input columns), for ``width`` input columns."""

    def __init__(self, paths: Node, background: Array, width: int, *, float32: bool):
        self.float32 = float32
        value, feature = np.asarray(paths["value"], float), np.asarray(paths["feature"], np.intp)
        self.lo, self.hi = np.asarray(paths["lo"], float), np.asarray(paths["hi"], float)
        self.used = feature >= 0
        self.feature = np.where(self.used, feature, 0)
        background = self._cast(np.asarray(background, dtype=float))
        self.r_ok = self._inside(background)  # (N, L, D)
        self.r_code = self._codes(self.r_ok)
        self.full = self._codes(np.ones(feature.shape[1], dtype=bool))  # every condition met
        self.w_in, self.w_out = _weights(feature.shape[1])
        count = len(background)
        scatter = np.zeros((feature.size, width))
        rows = np.flatnonzero(self.used.ravel())
        scatter[rows, self.feature.ravel()[rows]] = np.repeat(value, feature.shape[1])[rows]
        self.scatter = scatter / count  # (L*D, width): leaf value / N, to each path feature
        self.not_r = (~self.r_ok).transpose(1, 0, 2).astype(float)  # (L, N, D)
        self.r = self.r_ok.transpose(1, 0, 2).astype(float)
        self.table = self._table()

    def _cast(self, X: Array) -> Array:
        return X.astype(np.float32).astype(float) if self.float32 else X

    def _inside(self, X: Array) -> Array:
        """``[rows, leaf, d]``: the row satisfies leaf's d-th path condition (or there is none)."""
        values = X[:, self.feature]
        return ((values > self.lo) & (values <= self.hi)) | ~self.used

    @staticmethod
    def _codes(ok: Array) -> Array:
        bits = np.left_shift(np.uint64(1), np.arange(ok.shape[-1], dtype=np.uint64))
        codes: Array = (ok.astype(np.uint64) * bits).sum(axis=-1, dtype=np.uint64)
        return codes

    def values(self, X: Array) -> Array:
        """Shapley values (rows x width) of each row of ``X`` (the forest's input columns)."""
        X = self._cast(np.asarray(X, dtype=float))
        return (
            np.concatenate([self._block(X[i : i + _BLOCK]) for i in range(0, len(X), _BLOCK)])
            if len(X)
            else np.zeros((0, self.scatter.shape[1]))
        )

    def _block(self, X: Array) -> Array:
        x_ok = self._inside(X)  # (R, L, D)
        if self.table is not None:
            phi = self.table[self._codes(x_ok), np.arange(x_ok.shape[1])]
        else:
            phi = self._by_leaf(x_ok)
        return phi.reshape(len(X), -1) @ self.scatter

    def _by_leaf(self, x_ok: Array) -> Array:
        """``[row, leaf, d]``: the Shapley value of leaf's d-th path feature, per leaf value."""
        x_code = self._codes(x_ok)[:, None, :]  # (R, 1, L)
        r_code = self.r_code[None]  # (1, N, L)
        alive = (x_code | r_code) == self.full
        a = np.bitwise_count(x_code & ~r_code).astype(np.intp)
        b = np.bitwise_count(r_code & ~x_code).astype(np.intp)
        w_in = np.where(alive, self.w_in[a, b], 0.0).transpose(2, 0, 1)  # (L, R, N)
        w_out = np.where(alive, self.w_out[a, b], 0.0).transpose(2, 0, 1)
        gained = np.matmul(w_in, self.not_r).transpose(1, 0, 2)  # (R, L, D)
        lost = np.matmul(w_out, self.r).transpose(1, 0, 2)
        return np.where(x_ok & self.used, gained, 0.0) - np.where(~x_ok, lost, 0.0)

    def _table(self) -> Array | None:
        """``[code, leaf, d]`` of :meth:`_by_leaf` for every pattern of conditions ``x`` can
        meet (the code of its bits), when there are few: a row is then one lookup per leaf."""
        depth, leaves = self.used.shape[1], self.used.shape[0]
        if depth > TABLE_DEPTH:
            return None
        codes = np.arange(2**depth)
        patterns = (codes[:, None] >> np.arange(depth)) & 1 == 1  # (P, D)
        x_ok = patterns[:, None, :] | ~self.used[None]  # (P, L, D)
        return np.concatenate(
            [self._by_leaf(x_ok[i : i + _BLOCK]) for i in range(0, len(codes), _BLOCK)]
        ).reshape(len(codes), leaves, depth)
