"""The served champion, as an MLflow "model from code" (this file is stored with the model).

It imports nothing from :mod:`pinkbreast` but ``fastpath``, which is stored with it
(``code_paths``), so ``mlflow models serve`` and ``mlflow.pyfunc.load_model`` need only the
libraries pinned in the model's requirements. At load the pipeline is compiled to the fast path
and checked against the plain pipeline on the background cases; the plain pipeline serves when
compilation is impossible or the check fails (``fast_path`` says which and why).
Input: a DataFrame of raw feature values by canonical name (order does not matter; columns are
bound by name). Output: one row per case with ``probability`` (of malignancy, on the served,
possibly calibrated scale), ``label`` (at the operating threshold), ``zone``, ``distance`` (to
the reference cases) and ``outside_reference`` (features outside the reference range).

The input guard stored with the model (``fastpath/guard.py``) applies here too: impossible
values (missing, NaN, infinite, negative, above the hard limit) raise an ``MlflowException``
naming the row and feature (``mlflow models serve`` answers 400), and a sample unlike the
reference cases gets the zone ``check_input`` with no label.
"""

import json
import logging
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import set_model
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.pyfunc import PythonModel, PythonModelContext

if TYPE_CHECKING:  # the same code either way: checked as the source tree's
    from pinkbreast.ml.fastpath import compile_checked
    from pinkbreast.ml.fastpath.guard import ImpossibleValues, guarded_zones
    from pinkbreast.ml.fastpath.served import calibrate, load_guard, zones
else:
    try:  # the copy stored with the model
        from fastpath import compile_checked
        from fastpath.guard import ImpossibleValues, guarded_zones
        from fastpath.served import calibrate, load_guard, zones
    except ImportError:  # loaded from the source tree
        from pinkbreast.ml.fastpath import compile_checked
        from pinkbreast.ml.fastpath.guard import ImpossibleValues, guarded_zones
        from pinkbreast.ml.fastpath.served import calibrate, load_guard, zones

log = logging.getLogger("pinkbreast.model")


class PinkBreastModel(PythonModel):
    """Fitted pipeline + Platt calibration + operating point, loaded from the model artifacts."""

    def load_context(self, context: PythonModelContext) -> None:
        self.artifact_paths = dict(context.artifacts)
        self.pipeline = joblib.load(context.artifacts["pipeline"])
        with open(context.artifacts["operating_point"], encoding="utf-8") as handle:
            self.operating_point = json.load(handle)
        self.features = list(self.operating_point["features"])
        self.guard = load_guard(self.artifact_paths)
        check = pd.read_csv(context.artifacts["background"])[self.features].to_numpy(float)
        self.fast_path = compile_checked(self.pipeline, self.features, check)
        if not self.fast_path.compiled:
            log.warning("serving the plain pipeline: %s", self.fast_path.reason)

    def probability_array(self, X: np.ndarray) -> np.ndarray:
        """Served probability of malignancy for raw values, columns in ``features`` order."""
        return calibrate(self.fast_path.probability(X), self.operating_point.get("calibration"))

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        """Served probability of malignancy for raw values by canonical name."""
        return self.probability_array(pd.DataFrame(frame)[self.features].to_numpy(float))

    def zones(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(label, zone)`` arrays for served probabilities ``p``."""
        return zones(p, self.operating_point)

    def predict(
        self,
        context: PythonModelContext | None,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        try:
            X = pd.DataFrame(model_input)[self.features].to_numpy(float)
        except (KeyError, ValueError, TypeError) as exc:
            raise MlflowException(
                f"invalid input: {exc}", error_code=INVALID_PARAMETER_VALUE
            ) from exc
        if self.guard is None:  # not stored with this model: no check beyond the schema
            p = self.probability_array(X)
            label, zone = self.zones(p)
            return pd.DataFrame({"probability": p, "label": label, "zone": zone})
        try:
            assessment = self.guard.assess(X)
        except ImpossibleValues as exc:
            raise MlflowException(
                f"invalid input: {exc}", error_code=INVALID_PARAMETER_VALUE
            ) from exc
        p = self.probability_array(X)
        label, zone = guarded_zones(*self.zones(p), assessment)
        names = np.array(self.features, dtype=object)
        outside = [",".join(names[row]) for row in assessment.outside]
        return pd.DataFrame(
            {"probability": p, "label": label, "zone": zone,
             "distance": assessment.distance, "outside_reference": outside}
        )  # fmt: skip


set_model(PinkBreastModel())
