"""Package the refit winner as the served pyfunc model and make it the ``champion``."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import mlflow
import pandas as pd
from imblearn.pipeline import Pipeline
from mlflow import MlflowClient
from mlflow.models import infer_signature

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import fastpath
from pinkbreast.ml.explain import background_sample
from pinkbreast.ml.fastpath import plan
from pinkbreast.ml.guard_fit import fit_guard
from pinkbreast.ml.names import ALIAS, MODEL_NAME
from pinkbreast.ml.operating import OperatingPoint, Platt
from pinkbreast.ml.promise import Promise
from pinkbreast.ml.protocol import Fitted, TrainingProtocol

SERVED_CODE = Path(__file__).with_name("served_model.py")
FAST_PATH_CODE = Path(__file__).with_name("fastpath")  # the package SERVED_CODE imports
log = logging.getLogger("pinkbreast.model")
REQUIREMENTS = (
    "mlflow",
    "scikit-learn",
    "imbalanced-learn",
    "lightgbm",
    "pandas",
    "numpy",
    "scipy",
    "joblib",
)


@dataclass(frozen=True)
class ServedPoint:
    """Operating point and calibration on the served probability scale."""

    point: OperatingPoint
    calibration: Platt | None

    @classmethod
    def of(cls, fitted: Fitted, calibrated: bool) -> ServedPoint:
        if calibrated:
            return cls(fitted.point.mapped(fitted.platt), fitted.platt)
        return cls(fitted.point, None)


def operating_document(
    served: ServedPoint, *, candidate: str, params: Mapping[str, Any], protocol: TrainingProtocol
) -> dict[str, Any]:
    calibration = served.calibration
    return {
        "features": list(FEATURE_NAMES),
        **served.point.to_dict(),
        "calibration": None
        if calibration is None
        else {"method": "platt", "slope": calibration.slope, "intercept": calibration.intercept},
        "target_sensitivity": protocol.target_sensitivity,
        "coverage": protocol.coverage,
        "benign_coverage": protocol.benign_zone_coverage,
        "candidate": candidate,
        "params": params,
    }


class ChampionRefused(RuntimeError):
    """The procedure that produced the champion does not keep its promise out of fold."""


def require_promise(promise: Promise) -> None:
    """Raise :class:`ChampionRefused`, saying by how much, when a promise is broken."""
    shortfalls = promise.shortfalls()
    if shortfalls:
        raise ChampionRefused(
            "Champion not registered: " + "; ".join(shortfalls) + ". Lower the target "
            "(--target-sensitivity, --coverage, --benign-coverage) or improve the candidates."
        )


def register_champion(
    fitted: Fitted,
    document: Mapping[str, Any],
    frame: pd.DataFrame,
    *,
    seed: int,
    promise: Promise,
    enforce: bool = True,
    alias: str = ALIAS,
) -> tuple[str, str]:
    """Log the served model in the active run, register it, point ``champion`` at it —
    only when the out-of-fold ``promise`` is kept (else :class:`ChampionRefused`).

    ``enforce=False`` (``--quick`` demo runs only: two repeats cannot establish the promise
    either way) registers anyway; the version is then tagged ``promise_kept=false`` with the
    shortfall. The input guard is fitted on the same cases and stored with it
    (``guard.json``). Returns ``(version, model_uri)``.
    """
    if enforce:
        require_promise(promise)
    X = frame[list(FEATURE_NAMES)].astype(float)
    guard = fit_guard(X.to_numpy(), frame["diagnosis"].to_numpy(), seed=seed)
    document = {**document, "guard": {"cut": guard.cut, "trip_rate_out_of_fold": guard.trip_rate}}
    with tempfile.TemporaryDirectory() as folder:
        paths = {
            "pipeline": Path(folder, "pipeline.joblib"),
            "operating_point": Path(folder, "operating_point.json"),
            "background": Path(folder, "background.csv"),
            "fast_path": Path(folder, "fast_path.npz"),
            "guard": Path(folder, "guard.json"),
        }
        guard.save(paths["guard"])
        joblib.dump(fitted.pipeline, paths["pipeline"])
        paths["operating_point"].write_text(json.dumps(document, indent=2), encoding="utf-8")
        background_sample(frame, list(FEATURE_NAMES), seed=seed).to_csv(
            paths["background"], index=False
        )
        if not _write_plan(fitted.pipeline, X, Path(folder, "fast_path.npz")):
            del paths["fast_path"]
        method = explanation_method(fitted.pipeline, paths["background"])
        paths["explanation"] = Path(folder, "explanation.json")
        paths["explanation"].write_text(json.dumps(method, indent=2), encoding="utf-8")
        example = X.head(3).reset_index(drop=True)
        output = pd.DataFrame(
            {"probability": [0.5] * 3, "label": ["benign"] * 3, "zone": ["benign"] * 3,
             "distance": [1.0] * 3, "outside_reference": ["", "", ""]}
        )  # fmt: skip
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(SERVED_CODE),
            code_paths=[str(FAST_PATH_CODE)],
            artifacts={key: str(path) for key, path in paths.items()},
            signature=infer_signature(example, output),
            input_example=example,
            pip_requirements=[f"{n}=={metadata.version(n)}" for n in REQUIREMENTS],
            metadata={"operating_point": document},
            registered_model_name=MODEL_NAME,
        )
    version = str(info.registered_model_version)
    client = MlflowClient()
    client.set_registered_model_alias(MODEL_NAME, alias, version)
    for key in ("threshold", "lower", "upper", "candidate"):
        client.set_model_version_tag(MODEL_NAME, version, key, str(document[key]))
    client.set_model_version_tag(MODEL_NAME, version, "explanation_method", method["method"])
    shortfalls = promise.shortfalls()
    client.set_model_version_tag(MODEL_NAME, version, "promise_kept", str(not shortfalls).lower())
    if shortfalls:
        log.warning("registered a demo champion that misses its promise: %s", "; ".join(shortfalls))
        client.set_model_version_tag(
            MODEL_NAME, version, "promise_shortfall", "; ".join(shortfalls)
        )
    return version, info.model_uri


def explanation_method(pipeline: Pipeline, background: Path) -> dict[str, object]:
    """How this version's predictions are explained (stored as ``explanation.json`` and the
    ``explanation_method`` tag): exact from the plan, or the sampled estimate."""
    from pinkbreast.ml.explain import SAMPLED_BOUND, SAMPLED_METHOD
    from pinkbreast.ml.explain_exact import describe
    from pinkbreast.ml.fastpath.shapley import part

    rows = pd.read_csv(background)[list(FEATURE_NAMES)].to_numpy(float)
    try:
        explained = part(fastpath.lower(pipeline, FEATURE_NAMES), rows)
    except fastpath.NotCompilable as exc:
        return {"method": SAMPLED_METHOD, "exact": False, "bound": SAMPLED_BOUND,
                "why": str(exc)}  # fmt: skip
    return {"method": describe(explained, len(rows)), "exact": True, "bound": 0.0,
            "space": explained.space, "background_rows": len(rows)}  # fmt: skip


def _write_plan(pipeline: Pipeline, X: pd.DataFrame, path: Path) -> bool:
    """Store the fast path's plan (served without scikit-learn, MLflow or LightGBM), checked on
    every row of ``X``; False when the pipeline has no fast path."""
    try:
        plan.save(
            fastpath.lower(pipeline, FEATURE_NAMES),
            path,
            rows=X.to_numpy(dtype=float),
            expected=pipeline.predict_proba(X)[:, 1],
            tolerance=fastpath.TOLERANCE,
        )
    except fastpath.NotCompilable as exc:
        log.info("no numpy-only plan for this model (%s): it is served through MLflow", exc)
        return False
    return True


def has_champion() -> bool:
    client = MlflowClient()
    try:
        client.get_model_version_by_alias(MODEL_NAME, ALIAS)
    except mlflow.exceptions.MlflowException:
        return False
    return True
