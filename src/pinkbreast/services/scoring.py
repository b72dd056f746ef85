"""Scoring: raw values in, three-zone predictions out — the one path every entry point uses.

The form, the batch CSV upload, the API and ``pinkbreast predict`` all call :func:`score`, so
the same inputs give the same probabilities and zones everywhere. Persisting and auditing is
:mod:`pinkbreast.services.predictions`' job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import registry
from pinkbreast.ml.names import MODEL_NAME
from pinkbreast.ml.registry import InvalidInput

__all__ = [
    "InvalidInput",
    "ModelUnavailable",
    "Scored",
    "champion",
    "model_summary",
    "score",
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


@lru_cache(maxsize=8)
def _model_card(tracking_uri: str, version: str) -> str:
    """The registered version's model card (Markdown); it never changes for a version."""
    from mlflow import MlflowClient

    return (
        MlflowClient(tracking_uri=tracking_uri).get_model_version(MODEL_NAME, version).description
        or ""
    )


def model_summary(*, tracking_uri: str) -> dict:
    """Champion version, operating point and model card, for pages and the API."""
    model = champion(tracking_uri)
    point = model.operating_point
    return {
        "card": _model_card(tracking_uri, model.version),
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

    With ``explain`` each result carries its top SHAP contributions (slower: use it for the
    rows a person will read).
    """
    X = registry.matrix([dict(row) for row in rows])  # every problem of every row, first
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
    model = champion(tracking_uri)
    point = model.operating_point
    band = (float(point["lower"]), float(point["upper"]))
    threshold, version = float(point["threshold"]), model.version
    results: list[Scored] = []
    for start in range(0, len(X), CHUNK):
        block = X[start : start + CHUNK]
        scores = model.score_arrays(block)
        for row, probability, zone, label, warnings in zip(
            block.tolist(), scores.probability, scores.zone, scores.label, scores.warnings,
            strict=True,
        ):  # fmt: skip
            reasons, base = ((), None)
            if explain:
                explanation = model.explain(dict(zip(FEATURE_NAMES, row, strict=True)))
                reasons, base = tuple(explanation.top(TOP_REASONS)), explanation.base_value
            results.append(
                Scored(row, probability, zone, label, threshold, band, version, warnings,
                       reasons, base)
            )  # fmt: skip
        if progress:
            progress(len(block))
    return results
