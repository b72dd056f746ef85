"""The only way the application gets a model: ``models:/pinkbreast@champion``, loaded once per
process and followed when another version is promoted (see :func:`champion`).

``predict(rows, tracking_uri=...)`` validates raw values by canonical name (missing, unknown,
non-numeric, non-finite, negative or implausibly large values are refused), runs the served
model and flags values outside the WDBC reference range.

The served model is the registered version's numpy-only plan when MLflow's registry is a local
SQL database with local artifacts (:mod:`pinkbreast.ml.champion_lookup`; about a second to the
first prediction, without importing MLflow or scikit-learn), else the pyfunc model loaded
through MLflow (seconds). Both give the same probabilities to the last bit; the plan is checked
against its pipeline's probabilities when stored and again when loaded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import champion_lookup
from pinkbreast.ml.fastpath import TOLERANCE, NotCompilable
from pinkbreast.ml.fastpath.guard import Guard, guarded_zones
from pinkbreast.ml.fastpath.served import Served
from pinkbreast.ml.guard_fit import limits_only
from pinkbreast.ml.inputs import matrix
from pinkbreast.ml.names import ALIAS, MODEL_NAME

if TYPE_CHECKING:  # MLflow and the explainer are imported when first needed
    from pinkbreast.ml.explain import Explainer, Explanation
    from pinkbreast.ml.explain_exact import ExactExplainer


@dataclass(slots=True)  # not frozen: built 100,000 times for a big file (5x faster)
class Prediction:
    probability: float  # of malignancy, on the served (calibrated) scale
    label: str | None  # "malignant" | "benign" at the operating threshold; None: check input
    zone: str  # see pinkbreast.ml.names.ZONES
    threshold: float
    model_version: str
    warnings: tuple[str, ...] = ()  # features outside the WDBC reference range


class Scores(NamedTuple):
    """Results of many rows, column by column (plain Python lists)."""

    probability: list[float]
    label: list[str | None]
    zone: list[str]
    warnings: list[tuple[str, ...]]  # features outside the WDBC reference range, per row


class ChampionUnavailable(LookupError):
    """No champion is registered, or it cannot be loaded."""


def load_served(model_uri: str):
    """The served python model (``PinkBreastModel``) and its SHAP background sample."""
    import mlflow
    import pandas as pd

    python_model = mlflow.pyfunc.load_model(model_uri).unwrap_python_model()
    return python_model, pd.read_csv(python_model.artifact_paths["background"])


_NAMES = np.array(FEATURE_NAMES, dtype=object)


@dataclass
class Champion:
    served: object  # fastpath.served.Served, or the pyfunc's PinkBreastModel
    version: str
    _explainer: Explainer | ExactExplainer | None = field(default=None, repr=False)

    @property
    def operating_point(self) -> dict:
        return self.served.operating_point

    @property
    def guard(self) -> Guard:
        """The input guard stored with the model; hard limits and ranges only for versions
        registered before it existed."""
        return getattr(self.served, "guard", None) or limits_only()

    def predict(self, rows: Iterable[Mapping[str, object]]) -> list[Prediction]:
        return self.predict_matrix(matrix(rows))

    def score_arrays(self, X: np.ndarray) -> Scores:
        """Column-wise results for already validated raw values (rows x 30, canonical order)."""
        served = self.served
        assessment = self.guard.assess(X)
        probabilities = array_probability(served)(X)
        labels, zones = guarded_zones(*_zones(served, probabilities), assessment)
        outside = assessment.outside
        flagged = np.flatnonzero(outside.any(axis=1))
        warnings = [()] * len(X)
        for index in flagged.tolist():
            warnings[index] = tuple(_NAMES[np.flatnonzero(outside[index])].tolist())
        return Scores(probabilities.tolist(), labels.tolist(), zones.tolist(), warnings)

    def predict_matrix(self, X: np.ndarray) -> list[Prediction]:
        """Predictions for already validated raw values (rows x 30, canonical order)."""
        scores = self.score_arrays(X)
        threshold = float(self.served.operating_point["threshold"])
        return [
            Prediction(p, str(label), str(zone), threshold, self.version, flags)
            for p, label, zone, flags in zip(
                scores.probability, scores.label, scores.zone, scores.warnings, strict=True
            )
        ]

    def explain(self, row: Mapping[str, object]) -> Explanation:
        values = dict(zip(FEATURE_NAMES, matrix([row])[0].tolist(), strict=True))
        return self.explainer().explain(values)

    def explain_matrix(self, X: np.ndarray) -> list[Explanation]:
        """Explanations of already validated raw values (rows x 30, canonical order)."""
        explainer = self.explainer()
        if hasattr(explainer, "explain_matrix"):
            return explainer.explain_matrix(X)
        return [explainer.explain(dict(zip(FEATURE_NAMES, row, strict=True))) for row in X]

    def explainer(self) -> Explainer | ExactExplainer:
        """Exact when the model has a plan with an exact method, else the sampled estimate
        (built on first use, then kept)."""
        if self._explainer is None:
            self._explainer = build_explainer(self.served)
        return self._explainer


def build_explainer(served) -> Explainer | ExactExplainer:
    import pandas as pd

    from pinkbreast.ml.explain import Explainer
    from pinkbreast.ml.explain_exact import ExactExplainer

    background = pd.read_csv(served.artifact_paths["background"])[list(FEATURE_NAMES)]
    probability = array_probability(served)
    try:
        plan = getattr(served, "plan", None)
        if plan is None:
            from pinkbreast.ml.fastpath import lower

            plan = lower(served.pipeline, FEATURE_NAMES)
        calibration = served.operating_point.get("calibration")
        return ExactExplainer(
            plan, background.to_numpy(float), list(FEATURE_NAMES), probability, calibration
        )
    except (NotCompilable, AttributeError) as exc:
        log.info("no exact explanation for this model (%s): sampled estimate", exc)
        return Explainer(probability, background)


log = logging.getLogger("pinkbreast.model")


def array_probability(served) -> Callable[[np.ndarray], np.ndarray]:
    """Raw values (rows x 30, canonical order) -> served probability, for any registered
    version: those registered before the fast path only take a DataFrame."""
    if hasattr(served, "probability_array"):
        return served.probability_array
    import pandas as pd

    return lambda X: np.asarray(served.probability(pd.DataFrame(X, columns=FEATURE_NAMES)))


def _zones(served, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(label, zone)`` arrays; for versions registered before ``zones`` existed, the same
    rule their ``predict`` applies."""
    if hasattr(served, "zones"):
        return served.zones(p)
    point = served.operating_point
    zone = np.where(p < point["lower"], "benign", "indeterminate")
    zone = np.where(p > point["upper"], "malignant", zone)
    return np.where(p >= point["threshold"], "malignant", "benign"), zone


def version_mismatches(served) -> list[str]:
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


def warn_on_version_mismatch(served) -> None:
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


def _through_mlflow(tracking_uri: str) -> Champion:
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri)
    try:
        version = MlflowClient().get_model_version_by_alias(MODEL_NAME, ALIAS).version
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


def predict(rows: Iterable[Mapping[str, object]], *, tracking_uri: str) -> list[Prediction]:
    return champion(tracking_uri).predict(rows)


def model_for_alias(tracking_uri: str, alias: str) -> Champion:
    """The version ``alias`` names now (e.g. ``challenger``), loaded afresh (not kept): for
    evaluations, never for serving."""
    located = champion_lookup.locate(tracking_uri, alias=alias)
    if located is not None and (found := from_plan_folder(located.folder, located.version)):
        return found
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri)
    try:
        version = MlflowClient().get_model_version_by_alias(MODEL_NAME, alias).version
        model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}/{version}", suppress_warnings=True)
    except MlflowException as exc:
        raise ChampionUnavailable(str(exc)) from exc
    return Champion(model.unwrap_python_model(), str(version))
