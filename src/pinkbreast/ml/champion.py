"""The champion, loaded: :meth:`Champion.score` is the one way rows are scored.

:meth:`Champion.score` is the single entry point of every prediction — the form, the API, the
batch upload, ``pinkbreast predict``, Spark and the benchmarks — and :class:`Scores` its single
result type: raw values (rows x 30, canonical order, validated by
:func:`pinkbreast.ml.inputs.matrix` or the table reader) in, probabilities, labels, zones,
reference-range warnings and, on request, explanations out, column by column. Which version is
the champion, and loading it, is :mod:`pinkbreast.ml.serving`'s part.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import numpy as np

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.fastpath import NotCompilable
from pinkbreast.ml.fastpath.guard import Guard, guarded_zones
from pinkbreast.ml.guard_fit import limits_only
from pinkbreast.ml.inputs import matrix

if TYPE_CHECKING:  # pandas and the explainers are imported when first needed
    import pandas as pd

    from pinkbreast.ml.explain import Explainer, Explanation
    from pinkbreast.ml.explain_exact import ExactExplainer

log = logging.getLogger("pinkbreast.model")


class ServedModel(Protocol):
    """What serving needs of a served model: :class:`~pinkbreast.ml.fastpath.served.Served`
    or the pyfunc's ``PinkBreastModel``. Members that versions registered earlier may lack
    (``features``, ``guard``, ``plan``, ``pipeline``, ``probability_array``, ``zones``) are
    looked up with ``getattr``/``hasattr``."""

    @property
    def operating_point(self) -> dict[str, Any]: ...
    @property
    def artifact_paths(self) -> Mapping[str, str]: ...


class _FrameModel(Protocol):
    """What a version registered before the fast path offers instead of ``probability_array``
    (and its pipeline, for the exact explainer)."""

    @property
    def pipeline(self) -> object: ...
    def probability(self, frame: pd.DataFrame) -> np.ndarray: ...


_Block = TypeVar("_Block")
_Result = TypeVar("_Result")
Reasons = tuple[tuple[str, float], ...]  # a row's top contributions, largest first
BlockResult = tuple[list[float], list[str], list[str], list[tuple[str, ...]]]

TOP_REASONS = 5  # contributions kept with an explained prediction
CHUNK = 1000  # rows scored (and explained) at once


@dataclass(frozen=True)
class Scores:
    """The results for n rows, column by column (lists of plain Python values, row i at index
    i): a 100,000-row file is scored and written without an object per row."""

    model_version: str
    threshold: float
    band: tuple[float, float]  # the indeterminate zone [lower, upper]
    probability: list[float]  # of malignancy, on the served (calibrated) scale
    zone: list[str]  # see pinkbreast.ml.names.ZONES
    label: list[str]  # "malignant" | "benign" at the operating threshold
    warnings: list[tuple[str, ...]]  # features outside the WDBC reference range, per row
    reasons: list[tuple[tuple[str, float], ...]] | None = None  # top contributions, explained
    base_values: list[float] | None = None  # with ``explain`` only
    explanation_method: str | None = None  # how the reasons were computed, with ``explain``

    def __len__(self) -> int:
        return len(self.probability)


class ChampionUnavailable(LookupError):
    """No champion is registered, or it cannot be loaded."""


class FeatureOrderMismatch(ChampionUnavailable):
    """The model's input columns are not the 30 features of :mod:`pinkbreast.features`, in
    their order: serving it would feed values to the wrong columns."""


def check_feature_order(model_features: Iterable[str], version: str) -> None:
    """Raise :class:`FeatureOrderMismatch`, naming the first position that differs, unless
    ``model_features`` are :data:`~pinkbreast.features.FEATURE_NAMES` in the same order."""
    theirs, ours = list(model_features), list(FEATURE_NAMES)
    if theirs == ours:
        return
    padded = max(len(theirs), len(ours))
    theirs_, ours_ = (names + ["nothing"] * (padded - len(names)) for names in (theirs, ours))
    position = next(
        i for i, pair in enumerate(zip(theirs_, ours_, strict=True)) if pair[0] != pair[1]
    )
    raise FeatureOrderMismatch(
        f"model version {version} does not take the features of pinkbreast.features in their "
        f"order: at position {position + 1} the model has {theirs_[position]!r} where "
        f"pinkbreast.features has {ours_[position]!r} ({len(theirs)} model features, "
        f"{len(ours)} in pinkbreast.features)"
    )


_NAMES = np.array(FEATURE_NAMES, dtype=object)


@dataclass
class Champion:
    """A registered version, ready to serve: :meth:`score` is how every prediction is made."""

    served: ServedModel  # fastpath.served.Served, or the pyfunc's PinkBreastModel
    version: str
    _explainer: Explainer | ExactExplainer | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        features = getattr(self.served, "features", None)
        check_feature_order(features or self.operating_point.get("features", FEATURE_NAMES),
                            self.version)  # fmt: skip
        guard = getattr(self.served, "guard", None)
        if guard is not None:
            check_feature_order(guard.features, self.version)

    @property
    def operating_point(self) -> dict[str, Any]:
        return self.served.operating_point

    @property
    def guard(self) -> Guard:
        """The input guard stored with the model; hard limits and ranges only for versions
        registered before it existed."""
        return getattr(self.served, "guard", None) or limits_only()

    def score(
        self,
        X: np.ndarray,
        *,
        explain: bool = False,
        progress: Callable[[int], None] | None = None,
        threads: int = 1,
    ) -> Scores:
        """Results for validated raw values (rows x 30, canonical order), in blocks of
        :data:`CHUNK` rows.

        With ``explain`` each row carries its :data:`TOP_REASONS` largest contributions and how
        they were computed (exact for every model with a plan: see
        :mod:`pinkbreast.ml.explain_exact`). ``threads`` > 1 scores blocks side by side (numpy
        works outside the GIL): for a command that has the machine to itself, such as
        ``pinkbreast predict``. Each row's result is the same whatever the blocks.
        """
        probability: list[float] = []
        zone: list[str] = []
        label: list[str] = []
        warnings: list[tuple[str, ...]] = []
        reasons: list[Reasons] = []
        bases: list[float] = []
        method: str | None = None
        blocks = [X[start : start + CHUNK] for start in range(0, len(X), CHUNK)]
        for block, part in zip(blocks, _in_threads(self._block, blocks, threads), strict=True):
            probability += part[0]
            label += part[1]
            zone += part[2]
            warnings += part[3]
            if explain:
                why, method = self._reasons(block)
                reasons += why
                bases += [self.explainer().base_value] * len(block)
            if progress:
                progress(len(block))
        point = self.operating_point
        return Scores(
            self.version,
            float(point["threshold"]),
            (float(point["lower"]), float(point["upper"])),
            probability, zone, label, warnings,
            reasons if explain else None, bases if explain else None, method,
        )  # fmt: skip

    def _reasons(self, X: np.ndarray) -> tuple[list[Reasons], str]:
        """Each row's :data:`TOP_REASONS` largest contributions by magnitude, largest first
        (ties in feature order: what :meth:`Explanation.top` gives), and the method."""
        from pinkbreast.ml.explain_exact import ExactExplainer

        explainer = self.explainer()
        if not isinstance(explainer, ExactExplainer):  # the sampled estimate: row by row
            explanations = self.explain_matrix(X)
            return [tuple(e.top(TOP_REASONS)) for e in explanations], explanations[0].method
        _, phi = explainer.contributions(X)
        order = np.argsort(-np.abs(phi), axis=1, kind="stable")[:, :TOP_REASONS]
        names = np.asarray(explainer.features, dtype=object)[order].tolist()
        values = np.take_along_axis(phi, order, axis=1).tolist()
        method = explainer.method
        return [tuple(zip(n, v, strict=True)) for n, v in zip(names, values, strict=True)], method

    def _block(self, X: np.ndarray) -> BlockResult:
        """``(probability, label, zone, warnings)`` lists for one block of rows."""
        assessment = self.guard.assess(X)
        probabilities = array_probability(self.served)(X)
        labels, zones = guarded_zones(*_zones(self.served, probabilities), assessment)
        outside = assessment.outside
        warnings: list[tuple[str, ...]] = [()] * len(X)
        for index in np.flatnonzero(outside.any(axis=1)).tolist():
            warnings[index] = tuple(_NAMES[np.flatnonzero(outside[index])].tolist())
        return probabilities.tolist(), labels.tolist(), zones.tolist(), warnings

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


def build_explainer(served: ServedModel) -> Explainer | ExactExplainer:
    import pandas as pd

    from pinkbreast.ml.explain import Explainer
    from pinkbreast.ml.explain_exact import ExactExplainer

    background = pd.read_csv(served.artifact_paths["background"])[list(FEATURE_NAMES)]
    probability = array_probability(served)
    try:
        plan = getattr(served, "plan", None)
        if plan is None:
            from pinkbreast.ml.fastpath import lower

            # AttributeError when the model has no pipeline: the sampled estimate below
            plan = lower(cast(_FrameModel, served).pipeline, FEATURE_NAMES)
        calibration = served.operating_point.get("calibration")
        return ExactExplainer(
            plan, background.to_numpy(float), list(FEATURE_NAMES), probability, calibration
        )
    except (NotCompilable, AttributeError) as exc:
        log.info("no exact explanation for this model (%s): sampled estimate", exc)
        return Explainer(probability, background)


def array_probability(served: ServedModel) -> Callable[[np.ndarray], np.ndarray]:
    """Raw values (rows x 30, canonical order) -> served probability, for any registered
    version: those registered before the fast path only take a DataFrame."""
    if hasattr(served, "probability_array"):
        fast: Callable[[np.ndarray], np.ndarray] = served.probability_array
        return fast
    import pandas as pd

    frame_probability = cast(_FrameModel, served).probability
    return lambda X: np.asarray(frame_probability(pd.DataFrame(X, columns=FEATURE_NAMES)))


def _zones(served: ServedModel, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(label, zone)`` arrays; for versions registered before ``zones`` existed, the same
    rule their ``predict`` applies."""
    if hasattr(served, "zones"):
        given: tuple[np.ndarray, np.ndarray] = served.zones(p)
        return given
    point = served.operating_point
    zone = np.where(p < point["lower"], "benign", "indeterminate")
    zone = np.where(p > point["upper"], "malignant", zone)
    return np.where(p >= point["threshold"], "malignant", "benign"), zone


def _in_threads(
    function: Callable[[_Block], _Result], blocks: list[_Block], threads: int
) -> Iterator[_Result]:
    """``map(function, blocks)``, in order, computed by up to ``threads`` threads."""
    if threads <= 1 or len(blocks) <= 1:
        yield from map(function, blocks)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        yield from pool.map(function, blocks)
