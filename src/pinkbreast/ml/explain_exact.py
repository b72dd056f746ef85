"""Exact explanations of the served probability, from the model's plan (numpy only).

The plan is explained where it is additive (:mod:`pinkbreast.ml.fastpath.shapley`): log-odds
for logistic regression, LightGBM and SVMs, the tree mean for forests, members combined in
probability for a soft vote. Those values are exact interventional Shapley values against the
registered background sample. They are shown in **probability points of the served
(calibrated) probability**: each multiplied by the one factor ``(p - p0) / (m - m0)``, where
``m``/``m0`` are the explained output for this case and its mean over the background and
``p``/``p0`` the served probabilities they give. So they add up exactly to ``p - p0``, and
``p0`` (the base value) is the served probability of the background's mean output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy only at run time
    import pandas as pd

from pinkbreast.ml.explain import Explanation
from pinkbreast.ml.fastpath.rows import Array, Node
from pinkbreast.ml.fastpath.served import calibrate
from pinkbreast.ml.fastpath.shapley import Part, part, rescale, slope_at


def describe(explained: Part, background_size: int) -> str:
    """The method line stored with the model and with every explanation."""
    return (
        f"exact interventional Shapley values ({explained.method}) of the {explained.space}, "
        f"against {background_size} reference cases, scaled to probability points"
    )


class ExactExplainer:
    """Exact contributions for the model a plan describes.

    ``probability``: raw rows -> served probability (the model as served); ``calibration``:
    the operating point's Platt calibration, or None.
    """

    def __init__(
        self,
        plan: Node,
        background: Array,
        features: list[str],
        probability: Callable[[Array], Array],
        calibration: Mapping[str, float] | None,
    ):
        self.features = list(features)
        self.part = part(plan, background)
        self._probability = probability
        self._calibration = calibration
        self.base_value = float(self._served(np.array([self.part.base]))[0])
        self._slope = slope_at(self._served, self.part.base)
        self.method = describe(self.part, len(background))

    def _served(self, m: Array) -> Array:
        """The served probability of the explained output ``m``."""
        return calibrate(self.part.link(m), self._calibration)

    def contributions(self, X: Array) -> tuple[Array, Array]:
        """``(p, phi)``: the served probability of each row and its contributions (rows x
        features, probability points)."""
        X = np.asarray(X, dtype=float)
        p = self._probability(X)
        phi = rescale(self.part.phi(X), self.part.value(X), self.part.base, p,
                      self.base_value, self._slope)  # fmt: skip
        return p, phi

    def shap_values(self, frame: pd.DataFrame) -> Array:
        """Contributions of every row of a DataFrame (rows x features)."""
        return self.contributions(frame[self.features].to_numpy(dtype=float))[1]

    def explain(self, values: Mapping[str, float]) -> Explanation:
        row = {name: float(values[name]) for name in self.features}
        (p,), (phi,) = self.contributions(np.array([list(row.values())]))
        contributions = dict(zip(self.features, phi.tolist(), strict=True))
        return Explanation(self.base_value, float(p), row, contributions, self.method, True, 0.0)

    def explain_matrix(self, X: Array) -> list[Explanation]:
        """:meth:`explain` for many rows (in canonical order) at once."""
        p, phi = self.contributions(X)
        base, method = self.base_value, self.method
        return [
            Explanation(base, prob, dict(zip(self.features, row, strict=True)),
                        dict(zip(self.features, contribution, strict=True)), method, True, 0.0)
            for prob, row, contribution in zip(p.tolist(), np.asarray(X).tolist(),
                                               phi.tolist(), strict=True)
        ]  # fmt: skip
