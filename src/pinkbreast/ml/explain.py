"""SHAP contributions of the raw values a clinician entered, computed on the served model.

The explained function is the served probability of malignancy — the whole pipeline
(column binding, scaling, classifier, calibration) as registered — not a surrogate model. SHAP's
permutation explainer with an independent masker over a small background sample of training
cases gives contributions that add up exactly: ``base_value + sum(contributions) == probability``
(``base_value`` = mean served probability over the background). Each explanation averages
``permutations`` antithetic feature orderings (seeded, so the same input gets the same answer);
cost is about ``permutations * (2 * 30 + 1) * len(background)`` model rows, i.e. tens of
milliseconds for the candidates here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # shap and matplotlib take a second to import: only when explaining
    import shap
    from matplotlib.figure import Figure

BACKGROUND_SIZE = 40
_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class Explanation:
    base_value: float  # mean served probability over the background sample
    output: float  # served probability for this case
    values: dict[str, float]  # raw values, by canonical name
    contributions: dict[str, float]  # SHAP value of each feature, in probability points

    def top(self, n: int = 5) -> list[tuple[str, float]]:
        """The ``n`` largest contributions by magnitude, largest first."""
        ranked = sorted(self.contributions.items(), key=lambda kv: abs(kv[1]), reverse=True)
        return ranked[:n]


def background_sample(frame: pd.DataFrame, features: list[str], *, seed: int) -> pd.DataFrame:
    """A class-stratified sample of training cases (raw values) to integrate features out."""
    share = min(1.0, BACKGROUND_SIZE / len(frame))
    sample = frame.groupby("diagnosis", group_keys=False).sample(frac=share, random_state=seed)
    return sample[features].astype(float).reset_index(drop=True)


class Explainer:
    """Permutation SHAP over ``probability`` (raw values, background's column order -> served
    probability)."""

    def __init__(
        self,
        probability: Callable[[np.ndarray], np.ndarray],
        background: pd.DataFrame,
        *,
        seed: int = 0,
        permutations: int = 3,
    ):
        import shap

        self.features = list(background.columns)
        self._probability = probability
        self._explainer = shap.PermutationExplainer(
            self._model,
            shap.maskers.Independent(background.to_numpy(), max_samples=len(background)),
            feature_names=self.features,
        )
        self._seed = seed
        self._max_evals = permutations * (2 * len(self.features) + 1)

    def _model(self, array: np.ndarray) -> np.ndarray:
        return np.asarray(self._probability(np.asarray(array, dtype=float)))

    def shap_values(self, frame: pd.DataFrame) -> shap.Explanation:
        rows = frame[self.features].astype(float).to_numpy()
        # SHAP draws permutations from numpy's global generator: seed it for this call only,
        # then restore it, so the same input always gets the same explanation.
        with _RNG_LOCK:
            state = np.random.get_state()
            np.random.seed(self._seed)
            try:
                return self._explainer(rows, max_evals=self._max_evals, silent=True)
            finally:
                np.random.set_state(state)

    def explain(self, values: Mapping[str, float]) -> Explanation:
        row = pd.DataFrame([{name: float(values[name]) for name in self.features}])
        result = self.shap_values(row)
        contributions = dict(zip(self.features, map(float, result.values[0]), strict=True))
        base = float(np.ravel(result.base_values)[0])
        return Explanation(
            base, base + sum(contributions.values()), dict(row.iloc[0]), contributions
        )


def global_importance(explainer: Explainer, frame: pd.DataFrame) -> pd.Series:
    """Mean absolute SHAP value per feature over ``frame``, largest first."""
    values = explainer.shap_values(frame).values
    return pd.Series(np.abs(values).mean(axis=0), index=explainer.features).sort_values(
        ascending=False
    )


def importance_figure(importance: pd.Series, top: int = 15) -> Figure:
    from matplotlib.figure import Figure

    shown = importance.head(top)[::-1]
    figure = Figure(figsize=(7, 0.35 * len(shown) + 1.2))
    axes = figure.subplots()
    axes.barh(shown.index, shown.to_numpy(), color="#c2185b")
    axes.set_xlabel("mean |SHAP value| (probability of malignancy)")
    axes.set_title("Global feature importance (served model)")
    figure.tight_layout()
    return figure
