"""The served model: ``models:/pinkbreast@champion``, loaded once per process and followed
when another version is promoted (see :func:`champion`). The loaded model, and how it scores
rows, is :class:`pinkbreast.ml.champion.Champion`.

The served model is the registered version's numpy-only plan when MLflow's registry is a local
SQL database with local artifacts (:mod:`pinkbreast.ml.champion_lookup`; about a second to the
first prediction, without importing MLflow or scikit-learn), else the pyfunc model loaded
through MLflow (seconds). Both give the same probabilities to the last bit; the plan is checked
against its pipeline's probabilities when stored and again when loaded. Either way the model's
feature order is checked against :mod:`pinkbreast.features` when it is loaded.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pinkbreast.ml import champion_lookup
from pinkbreast.ml.champion import Champion, ChampionUnavailable, ServedModel
from pinkbreast.ml.fastpath import TOLERANCE, NotCompilable
from pinkbreast.ml.fastpath.served import Served
from pinkbreast.ml.names import ALIAS, MODEL_NAME

if TYPE_CHECKING:  # MLflow is imported when first needed
    import pandas as pd

log = logging.getLogger("pinkbreast.model")


def load_served(model_uri: str) -> tuple[ServedModel, pd.DataFrame]:
    """The served python model (``PinkBreastModel``) and its SHAP background sample."""
    import mlflow
    import pandas as pd

    python_model = mlflow.pyfunc.load_model(model_uri).unwrap_python_model()
    return python_model, pd.read_csv(python_model.artifact_paths["background"])


def version_mismatches(served: ServedModel) -> list[str]:
    """``name: model a, installed b`` for each pinned requirement of the model that differs."""
    root = Path(served.artifact_paths["pipeline"]).parents[1]
    found = []
    for line in (root / "requirements.txt").read_text().splitlines():
        name, _, pinned = line.strip().partition("==")
        if not pinned:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "none"
        if installed != pinned:
            found.append(f"{name}: model {pinned}, installed {installed}")
    return found


def warn_on_version_mismatch(served: ServedModel) -> None:
    if mismatches := version_mismatches(served):
        log.warning("the champion was trained with other versions: %s", "; ".join(mismatches))


RECHECK_SECONDS = 30.0  # how often a process reads the alias again (see champion())

_lock = threading.Lock()
_loaded: dict[str, _Kept] = {}


@dataclass
class _Kept:
    champion: Champion
    checked: float  # time.monotonic() of the last look at the alias


def champion(tracking_uri: str) -> Champion:
    """The champion for ``tracking_uri``: loaded on first use, then kept.

    Every :data:`RECHECK_SECONDS` the alias is read again (one indexed query on MLflow's
    registry tables); when another version has been promoted, it is loaded and served from then
    on. So every worker of every instance serves a new champion within that time, without a
    restart. When the registry cannot be read, or the new version cannot be loaded, the kept
    champion goes on serving and the next look is one interval later.
    """
    with _lock:
        kept = _loaded.get(tracking_uri)
        now = time.monotonic()
        if kept is not None:
            if now - kept.checked < RECHECK_SECONDS:
                return kept.champion
            kept.checked = now
            if not _promoted(tracking_uri, kept.champion.version):
                return kept.champion
        try:
            champion = _from_plan(tracking_uri) or _through_mlflow(tracking_uri)
        except (ChampionUnavailable, OSError) as exc:
            if kept is None:
                raise
            log.warning(
                "champion %s kept: the new one cannot be loaded (%s)", kept.champion.version, exc
            )
            return kept.champion
        warn_on_version_mismatch(champion.served)
        if kept is not None:
            log.warning(
                "champion changed from version %s to %s", kept.champion.version, champion.version
            )
        _loaded[tracking_uri] = _Kept(champion, now)
        return champion


def _promoted(tracking_uri: str, serving: str) -> bool:
    """Whether the alias now names another version than ``serving`` (False if unknown)."""
    try:
        current = current_version(tracking_uri)
    except Exception as exc:  # noqa: BLE001 - any failure to ask: keep serving, ask again later
        log.warning("could not read which version is the champion (%s); %s kept", exc, serving)
        return False
    return current != serving


def current_version(tracking_uri: str) -> str:
    """The version ``models:/pinkbreast@champion`` names now: one indexed query on a SQL
    registry, else asked of MLflow. Raises when the registry cannot tell (no alias, no store)."""
    current = champion_lookup.alias_version(tracking_uri)
    if current is None:  # not a SQL store: only MLflow can tell
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri)
        current = str(client.get_model_version_by_alias(MODEL_NAME, ALIAS).version)
    return current


def _from_plan(tracking_uri: str) -> Champion | None:
    """The champion served from its stored plan with numpy alone, when that is possible."""
    located = champion_lookup.locate(tracking_uri)
    return None if located is None else from_plan_folder(located.folder, located.version)


def from_plan_folder(folder: Path, version: str) -> Champion | None:
    """Version ``version`` served from the plan in its registered ``folder`` (the one holding
    ``MLmodel``) with numpy alone; None when it has no usable plan."""
    if not (folder / "artifacts" / "fast_path.npz").is_file():
        return None
    try:
        served = Served(folder / "artifacts", tolerance=TOLERANCE)
    except (NotCompilable, OSError, ValueError, KeyError) as exc:
        log.warning("the stored plan of version %s is not used: %s", version, exc)
        return None
    return Champion(served, version)


def _through_mlflow(tracking_uri: str, alias: str = ALIAS) -> Champion:
    """The version ``alias`` names, loaded through MLflow (no stored plan to read)."""
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri)
    try:
        version = MlflowClient().get_model_version_by_alias(MODEL_NAME, alias).version
        # MLflow's own requirement check scans every installed distribution (0.6 s per
        # process); the same check on the model's pins alone is instantaneous.
        model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/{version}", suppress_warnings=True)
    except MlflowException as exc:
        raise ChampionUnavailable(str(exc)) from exc
    return Champion(model.unwrap_python_model(), str(version))


def forget() -> None:
    """Drop loaded champions (after a new one is registered, or between tests)."""
    with _lock:
        _loaded.clear()


def model_for_alias(tracking_uri: str, alias: str) -> Champion:
    """The version ``alias`` names now (e.g. ``challenger``), loaded afresh (not kept): for
    evaluations, never for serving."""
    located = champion_lookup.locate(tracking_uri, alias=alias)
    if located is not None and (found := from_plan_folder(located.folder, located.version)):
        return found
    return _through_mlflow(tracking_uri, alias)
