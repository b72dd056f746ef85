"""Scoring: raw values in, three-zone predictions out — the one path every entry point uses.

The form, the batch CSV upload, the API and ``pinkbreast predict`` all call :func:`score`, so
the same inputs give the same probabilities and zones everywhere. Persisting and auditing is
:mod:`pinkbreast.services.predictions`' job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import registry
from pinkbreast.ml.evidence import Evidence, from_operating_point
from pinkbreast.ml.inputs import InvalidInput, matrix
from pinkbreast.ml.names import CARD_CONTINUES, MODEL_NAME, card_artifact
from pinkbreast.ml.unusual import Finding, diagnose

__all__ = [
    "InvalidInput",
    "ModelUnavailable",
    "Scored",
    "ScoredColumns",
    "champion",
    "model_summary",
    "score",
    "score_columns",
    "score_matrix",
]

TOP_REASONS = 5
CHUNK = 1000


@dataclass(slots=True)  # not frozen: built 100,000 times for a big file (5x faster)
class Scored:
    row: list[float]  # raw values in canonical order (see ``values``)
    probability: float
    zone: str  # "malignant" | "indeterminate" | "benign"
    label: str  # at the operating threshold
    threshold: float
    band: tuple[float, float]  # the indeterminate zone [lower, upper]
    model_version: str
    warnings: tuple[str, ...]  # features outside the WDBC reference range
    reasons: tuple[tuple[str, float], ...] = ()  # top SHAP contributions (probability points)
    base_value: float | None = None
    explanation_method: str | None = None  # how the reasons were computed, with ``explain``

    @property
    def values(self) -> dict[str, float]:
        """Raw values by canonical name."""
        return dict(zip(FEATURE_NAMES, self.row, strict=True))


class ModelUnavailable(RuntimeError):
    """No champion model can be loaded; predictions are impossible until one is registered."""


def champion(tracking_uri: str) -> registry.Champion:
    try:
        return registry.champion(tracking_uri)
    except (registry.ChampionUnavailable, OSError) as exc:
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


def model_summary(*, tracking_uri: str, lang: str = "en") -> dict:
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
    rows: Iterable[Mapping[str, object]],
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Scored]:
    """Score rows of raw values (by canonical name); raise :class:`InvalidInput` on bad rows.

    With ``explain`` each result carries its top SHAP contributions and how they were computed
    (exact for every model with a plan: see :mod:`pinkbreast.ml.explain_exact`).
    """
    X = matrix([dict(row) for row in rows])  # every problem of every row, first
    return score_matrix(X, tracking_uri=tracking_uri, explain=explain, progress=progress)


def score_matrix(
    X: np.ndarray,
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Scored]:
    """:func:`score` for values already validated (rows x 30, canonical order), e.g. a parsed
    CSV file."""
    columns = score_columns(X, tracking_uri=tracking_uri, explain=explain, progress=progress)
    reasons = columns.reasons or [()] * len(X)
    bases = columns.base_values or [None] * len(X)
    method = columns.explanation_method
    return [
        Scored(row, p, zone, label, columns.threshold, columns.band, columns.model_version,
               warnings, why, base, method)
        for row, p, zone, label, warnings, why, base in zip(
            X.tolist(), columns.probability, columns.zone, columns.label, columns.warnings,
            reasons, bases, strict=True,
        )
    ]  # fmt: skip


@dataclass(frozen=True)
class ScoredColumns:
    """The results for many rows, column by column (what :class:`Scored` holds for one row,
    without an object per row: a 100,000-row file is scored and written in a blink)."""

    model_version: str
    threshold: float
    band: tuple[float, float]
    probability: list[float]
    zone: list[str]
    label: list[str]
    warnings: list[tuple[str, ...]]
    reasons: list[tuple[tuple[str, float], ...]] | None = None  # with ``explain`` only
    base_values: list[float] | None = None
    explanation_method: str | None = None  # with ``explain`` only

    def __len__(self) -> int:
        return len(self.probability)


def score_columns(
    X: np.ndarray,
    *,
    tracking_uri: str,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
    threads: int = 1,
) -> ScoredColumns:
    """:func:`score_matrix`, column by column.

    ``threads`` > 1 scores blocks of rows side by side (numpy works outside the GIL): for a
    command that has the machine to itself, such as ``pinkbreast predict``. Each row's result
    is the same whatever the blocks (see :mod:`pinkbreast.ml.fastpath`).
    """
    model = champion(tracking_uri)
    point = model.operating_point
    probability, zone, label, warnings = [], [], [], []
    reasons: list | None = [] if explain else None
    bases: list | None = [] if explain else None
    method: str | None = None
    blocks = [X[start : start + CHUNK] for start in range(0, len(X), CHUNK)]
    for block, scores in zip(blocks, _in_threads(model.score_arrays, blocks, threads), strict=True):
        probability += scores.probability
        zone += scores.zone
        label += scores.label
        warnings += scores.warnings
        if explain:
            for explanation in model.explain_matrix(block):
                reasons.append(tuple(explanation.top(TOP_REASONS)))
                bases.append(explanation.base_value)
                method = explanation.method
        if progress:
            progress(len(block))
    return ScoredColumns(
        model.version,
        float(point["threshold"]),
        (float(point["lower"]), float(point["upper"])),
        probability, zone, label, warnings, reasons, bases, method,
    )  # fmt: skip


def _in_threads(function: Callable, blocks: list, threads: int) -> Iterator:
    """``map(function, blocks)``, in order, computed by up to ``threads`` threads."""
    if threads <= 1 or len(blocks) <= 1:
        yield from map(function, blocks)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        yield from pool.map(function, blocks)
