"""The champion on Spark: resolved to one version by the driver, loaded from the registry by
each executor's Python worker once.

The driver reads ``models:/pinkbreast@champion`` once (:func:`resolve`); every task then loads
``models:/pinkbreast/<that version>`` (:func:`load`), so a promotion during a job cannot mix two
models in one output, and a cluster needs only the package and access to the MLflow server:
no model file travels with the job. A version is served from its numpy-only plan when it has
one, else through MLflow, exactly as :mod:`pinkbreast.ml.serving` serves it to the CLI.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from pinkbreast.ml import champion_lookup, serving
from pinkbreast.ml.champion import Champion
from pinkbreast.ml.names import MODEL_NAME
from pinkbreast.services.scoring import ModelUnavailable

_lock = threading.Lock()
_loaded: dict[tuple[str, str], Champion] = {}


def resolve(tracking_uri: str) -> str:
    """The version the champion alias names now, or :class:`ModelUnavailable`."""
    try:
        return serving.current_version(tracking_uri)
    except Exception as exc:  # noqa: BLE001 - LookupError or any MLflow error: same advice
        raise ModelUnavailable(
            f"No champion model is available at {tracking_uri} ({exc}): "
            "run `pinkbreast train` (or `make run`)."
        ) from exc


def load(tracking_uri: str, version: str) -> Champion:
    """Version ``version`` of the registered model, loaded once per process."""
    key = (tracking_uri, version)
    with _lock:
        if key not in _loaded:
            _loaded[key] = _from_local_registry(tracking_uri, version) or _downloaded(
                tracking_uri, version
            )
        return _loaded[key]


def _from_local_registry(tracking_uri: str, version: str) -> Champion | None:
    """The version's plan read in place, when the registry is a SQL database with artifacts on
    this machine's disk and the alias still names it (no MLflow import, no copy)."""
    located = champion_lookup.locate(tracking_uri)
    if located is None or located.version != version:
        return None
    return serving.from_plan_folder(located.folder, version)


def _downloaded(tracking_uri: str, version: str) -> Champion:
    """The version fetched from the registry into a scratch folder, then served like the CLI
    serves it (its plan, else the pyfunc model)."""
    import mlflow

    folder = Path(tempfile.mkdtemp(prefix="pinkbreast-model-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    uri = f"models:/{MODEL_NAME}/{version}"
    local = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=uri, dst_path=str(folder), tracking_uri=tracking_uri
        )
    )
    served = serving.from_plan_folder(local, version)
    if served is not None:
        return served
    model = mlflow.pyfunc.load_model(str(local), suppress_warnings=True)
    return Champion(model.unwrap_python_model(), version)
