"""Exact Shapley values of an SVM's decision function when each input column is scaled alone.

A linear kernel is an affine function of the inputs: closed form. For the RBF kernel
``exp(-gamma |z - v|^2) = prod_k exp(-gamma (z_k - v_k)^2)`` is a product over features, so
against a reference row ``r`` each support vector's term is the product game
``g(S) = prod_{i in S} A_i prod_{i not in S} B_i`` (``A``: factors of ``x``, ``B``: of ``r``).
By Owen's multilinear extension, its Shapley value is

    phi_i = integral_0^1 (A_i - B_i) prod_{j != i} (B_j + t (A_j - B_j)) dt,

the integral of a polynomial of degree ``M - 1`` in ``t`` (``M`` features): Gauss-Legendre
quadrature with ``ceil(M / 2)`` nodes computes it exactly (up to rounding). The interventional
values are the coefficient-weighted sum over support vectors and the mean over the background:
``O(background x support vectors x M^2 / 2)`` per row, numpy only.
"""

from __future__ import annotations

import numpy as np

from .rows import Array, Node


def affine_values(weights: Array, Z: Array, background: Array) -> Array:
    """Shapley values of ``Z @ weights`` (+ constant) per column: ``w_k (z_k - mean r_k)``."""
    values: Array = (Z - background.mean(axis=0)) * weights
    return values


class RbfShap:
    """Shapley values of ``sum_s coef_s exp(-gamma |z - v_s|^2)`` against ``background``
    (rows of the SVM's input columns, already scaled)."""

    def __init__(self, member: Node, background: Array):
        self.gamma = float(member["gamma"])
        self.vectors = np.asarray(member["cross"]).T / (2.0 * self.gamma)  # (S, M)
        self.coef = np.asarray(member["coef"], dtype=float)
        width = self.vectors.shape[1]
        nodes, weights = np.polynomial.legendre.leggauss((width + 1) // 2)  # exact to degree M-1
        self.t, self.w = (nodes + 1.0) / 2.0, weights / 2.0  # on [0, 1]
        background = np.asarray(background, dtype=float)
        self.count = len(background)
        B = self._factors(background)  # (N, S, M)
        self.B = np.ascontiguousarray(B.transpose(2, 0, 1).reshape(width, -1))  # (M, N*S)
        self.coef_pairs = np.tile(self.coef, self.count) / self.count  # pair n*S+s

    def _factors(self, Z: Array) -> Array:
        """``exp(-gamma (z_k - v_sk)^2)`` for each row, support vector and column."""
        factors = np.exp(-self.gamma * (Z[:, None, :] - self.vectors[None]) ** 2)
        return np.maximum(factors, 1e-300)  # never exactly 0: the products below divide

    def values(self, Z: Array) -> Array:
        """Shapley values (rows x columns) of each row of ``Z``."""
        return np.stack([self._one(z) for z in np.asarray(Z, dtype=float)])

    def _one(self, z: Array) -> Array:
        """Columns x (background row, support vector) pairs: the products run over the first
        axis, contiguous, for every pair at once."""
        A = np.tile(self._factors(z[None])[0].T, (1, self.count))  # (M, N*S)
        D = A - self.B
        total = np.zeros_like(D)
        for t, w in zip(self.t, self.w, strict=True):
            F = self.B + t * D
            total += (w * np.multiply.reduce(F, axis=0)) / F
        values: Array = (D * total) @ self.coef_pairs
        return values
