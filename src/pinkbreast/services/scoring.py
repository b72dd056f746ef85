"""Scoring: raw values in, three-zone predictions out — the one path every entry point uses.

The form, the batch CSV upload, the API and ``pinkbreast predict`` all call :func:`score`
(the instance's champion's :meth:`~pinkbreast.ml.champion.Champion.score`, which Spark calls on
the model it loads), so the same inputs give the same probabilities and zones everywhere.
Persisting and auditing is :mod:`pinkbreast.services.predictions`' job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import serving
from pinkbreast.ml.champion import (
    TOP_REASONS,
    Champion,
    ChampionUnavailable,
    FeatureOrderMismatch,
    Scores,
)
from pinkbreast.ml.evidence import Evidence, from_operating_point
from pinkbreast.ml.inputs import InvalidInput, matrix
from pinkbreast.ml.names import CARD_CONTINUES, MODEL_NAME, card_artifact
from pinkbreast.ml.unusual import Finding, diagnose

__all__ = [
    "TOP_REASONS",
    "InvalidInput",
    "ModelUnavailable",
    "Scores",
    "champion",
    "matrix",
    "model_summary",
    "score",
]


class ModelUnavailable(RuntimeError):
    """No champion model can be loaded; predictions are impossible until one is registered."""


def champion(tracking_uri: str) -> Champion:
    try:
        return serving.champion(tracking_uri)
    except FeatureOrderMismatch as exc:
        raise ModelUnavailable(f"The champion model cannot be served: {exc}.") from exc
    except (ChampionUnavailable, OSError) as exc:
        raise ModelUnavailable(
            "No champion model is available: run `pinkbreast train` (or `make run`)."
        ) from exc


def evidence(version: str | None = None, *, tracking_uri: str) -> Evidence | None:
    """The evidence behind the champion; None when ``version`` is not the champion's (a
    prediction made by an earlier version is not described with another's figures) or when no
    champion can be loaded (the evidence line is then left out, never the answer)."""
    try:
        model = champion(tracking_uri)
    except ModelUnavailable:
        return None
    if version is not None and version != model.version:
        return None
    return from_operating_point(model.operating_point)


def all_contributions(
    values: Mapping[str, float], version: str, *, tracking_uri: str
) -> list[tuple[str, float]] | None:
    """Every feature's contribution, largest first, for a prediction made by ``version``; None
    when that is no longer the champion or none loads (only the stored top ones are shown).
    Exact and deterministic, so the top ones equal those stored with the prediction."""
    try:
        model = champion(tracking_uri)
    except ModelUnavailable:
        return None
    if version != model.version:
        return None
    return list(model.explain(values).top(len(values)))


def check_input_finding(values: Mapping[str, float], *, tracking_uri: str) -> Finding:
    """Which values of a ``check_input`` sample are unusual, and the likely cause."""
    guard = champion(tracking_uri).guard
    return diagnose(guard, [values[name] for name in guard.features])


@lru_cache(maxsize=16)
def _model_card(tracking_uri: str, version: str, lang: str = "en") -> tuple[str, str]:
    """The registered version's model card (Markdown) and its language; it never changes for a
    version.

    The French card is the run's ``model_card.fr.md`` (runs older than the French card have
    none: the English one is returned). A card too long for MLflow's description column is
    stored cut (see :func:`pinkbreast.ml.train.version_description`): the whole card is the
    training run's ``model_card.md``."""
    import mlflow
    from mlflow import MlflowClient

    registered = MlflowClient(tracking_uri=tracking_uri).get_model_version(MODEL_NAME, version)
    card = registered.description or ""
    wanted = [lang] if lang != "en" else []
    if card.endswith(CARD_CONTINUES):
        wanted.append("en")
    for language in wanted:
        if not registered.run_id:
            break
        try:
            path = mlflow.artifacts.download_artifacts(
                run_id=registered.run_id,
                artifact_path=card_artifact(language),
                tracking_uri=tracking_uri,
            )
        except (mlflow.exceptions.MlflowException, OSError):
            continue  # no such card: the next one (the cut card still says where the rest is)
        with open(path, encoding="utf-8") as handle:
            return handle.read(), language
    return card, "en"


def model_summary(*, tracking_uri: str, lang: str = "en") -> dict[str, Any]:
    """Champion version, operating point and model card (in ``lang`` when the run has it:
    ``card_lang`` says), for pages and the API."""
    model = champion(tracking_uri)
    point = model.operating_point
    card, card_lang = _model_card(tracking_uri, model.version, lang)
    return {
        "card": card,
        "card_lang": card_lang,
        "version": model.version,
        "threshold": float(point["threshold"]),
        "band": (float(point["lower"]), float(point["upper"])),
        "features": list(point.get("features", FEATURE_NAMES)),
    }


def score(
    X: np.ndarray,
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
    threads: int = 1,
) -> Scores:
    """The champion's :class:`~pinkbreast.ml.champion.Scores` for validated raw values (rows x
    30, canonical order: :func:`matrix` of the rows, or a parsed CSV file); see
    :meth:`~pinkbreast.ml.champion.Champion.score`."""
    return champion(tracking_uri).score(X, explain=explain, progress=progress, threads=threads)
