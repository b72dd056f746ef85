"""From the model's probability to what is served: Platt calibration, label and zone.

Shared by the MLflow model (``served_model.py``) and the application's numpy-only loader
(:class:`Served`), so both give the same answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .guard import Guard

if TYPE_CHECKING:  # imported by the loader only when a tool asks for the pipeline
    from imblearn.pipeline import Pipeline
from .rows import Array


def calibrate(raw: Array, calibration: Mapping[str, float] | None) -> Array:
    """The served probability: ``raw`` mapped by the stored Platt calibration, if any."""
    if not calibration:
        return raw
    p = np.clip(raw, 1e-6, 1 - 1e-6)
    z = calibration["slope"] * np.log(p / (1 - p)) + calibration["intercept"]
    served: Array = 1.0 / (1.0 + np.exp(-z))
    return served


def zones(p: Array, point: Mapping[str, Any]) -> tuple[Array, Array]:
    """``(label, zone)`` arrays for served probabilities ``p`` at the operating ``point``."""
    zone = np.where(p < point["lower"], "benign", "indeterminate")
    zone = np.where(p > point["upper"], "malignant", zone)
    label = np.where(p >= point["threshold"], "malignant", "benign")
    return label, zone


def load_guard(artifacts: Mapping[str, str]) -> Guard | None:
    """The guard stored with a model (``None`` for versions registered before it existed)."""
    path = artifacts.get("guard")
    return Guard.load(Path(path)) if path and Path(path).is_file() else None


class Served:
    """A registered model served from its artifacts folder with numpy alone.

    ``folder`` is the ``artifacts`` folder of the registered model (``pipeline.joblib``,
    ``operating_point.json``, ``background.csv``, the plan ``fast_path.npz`` and the input guard
    ``guard.json``). Offers what the application uses of ``PinkBreastModel``:
    ``operating_point``, ``features``, ``artifact_paths``, ``guard``, ``probability_array`` and
    ``zones``.
    """

    def __init__(self, folder: Path, *, tolerance: float):
        from . import Checked
        from .plan import load_plan

        folder = Path(folder)
        self.artifact_paths = {
            "pipeline": str(folder / "pipeline.joblib"),
            "operating_point": str(folder / "operating_point.json"),
            "background": str(folder / "background.csv"),
            "fast_path": str(folder / "fast_path.npz"),
            "guard": str(folder / "guard.json"),
        }
        self.guard = load_guard(self.artifact_paths)
        with open(self.artifact_paths["operating_point"], encoding="utf-8") as handle:
            self.operating_point = json.load(handle)
        self.features = list(self.operating_point["features"])
        self.plan, self._raw = load_plan(self.artifact_paths["fast_path"], tolerance=tolerance)
        self.fast_path = Checked(self._raw, True, "")

    @cached_property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn pipeline (for tools and tests; serving never needs it)."""
        import joblib

        return joblib.load(self.artifact_paths["pipeline"])

    def probability_array(self, X: Array) -> Array:
        """Served probability of malignancy for raw values, columns in ``features`` order."""
        return calibrate(self._raw(X), self.operating_point.get("calibration"))

    def zones(self, p: Array) -> tuple[Array, Array]:
        return zones(p, self.operating_point)
