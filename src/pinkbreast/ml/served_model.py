"""The served champion, as an MLflow "model from code" (this file is stored with the model).

It imports nothing from :mod:`pinkbreast`, so ``mlflow models serve`` and
``mlflow.pyfunc.load_model`` need only the libraries pinned in the model's requirements.
Input: a DataFrame of raw feature values by canonical name (order does not matter; columns are
bound by name). Output: one row per case with ``probability`` (of malignancy, on the served,
possibly calibrated scale), ``label`` (at the operating threshold) and ``zone``.
"""

import json

import joblib
import numpy as np
import pandas as pd
from mlflow.models import set_model
from mlflow.pyfunc import PythonModel


class PinkBreastModel(PythonModel):
    """Fitted pipeline + Platt calibration + operating point, loaded from the model artifacts."""

    def load_context(self, context):
        self.artifact_paths = dict(context.artifacts)
        self.pipeline = joblib.load(context.artifacts["pipeline"])
        with open(context.artifacts["operating_point"], encoding="utf-8") as handle:
            self.operating_point = json.load(handle)
        self.features = list(self.operating_point["features"])

    def probability(self, frame):
        """Served probability of malignancy for raw values by canonical name."""
        raw = self.pipeline.predict_proba(pd.DataFrame(frame)[self.features].astype(float))[:, 1]
        calibration = self.operating_point.get("calibration")
        if not calibration:
            return raw
        p = np.clip(raw, 1e-6, 1 - 1e-6)
        z = calibration["slope"] * np.log(p / (1 - p)) + calibration["intercept"]
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        p = self.probability(model_input)
        point = self.operating_point
        zone = np.where(p < point["lower"], "benign", "indeterminate")
        zone = np.where(p > point["upper"], "malignant", zone)
        label = np.where(p >= point["threshold"], "malignant", "benign")
        return pd.DataFrame({"probability": p, "label": label, "zone": zone})


set_model(PinkBreastModel())
