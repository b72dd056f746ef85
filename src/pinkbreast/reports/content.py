"""What a report states about one prediction, in one value: the single input of the PDF and FHIR
writers, and what the report's SHA-256 is computed over."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

from pinkbreast import __version__
from pinkbreast.db.models import PredictionRecord, as_utc
from pinkbreast.features import FEATURES
from pinkbreast.ml.evidence import Evidence, from_operating_point

LANGUAGES = ("en", "fr")


class UnknownLanguage(ValueError):
    """A report was asked for in a language it is not written in."""

    def __init__(self, lang: str):
        super().__init__(f"lang: expected one of {', '.join(LANGUAGES)} (got {lang!r})")


@dataclass(frozen=True)
class Measurement:
    name: str  # canonical feature name
    value: float
    reference_min: float
    reference_max: float

    @property
    def flag(self) -> str:
        """``"low"`` or ``"high"`` outside the WDBC reference range, else ``""``."""
        if self.value < self.reference_min:
            return "low"
        return "high" if self.value > self.reference_max else ""


@dataclass(frozen=True)
class Confirmed:
    diagnosis: str  # "M" | "B"
    confirmed_on: date
    recorded_by: str
    recorded_at: datetime
    note: str


@dataclass(frozen=True)
class ReportContent:
    prediction_id: int
    sample_ref: str | None
    sample_date: date | None
    requested_by: str
    requested_at: datetime  # when the prediction was made (UTC)
    source: str
    measurements: tuple[Measurement, ...]
    probability: float
    zone: str
    threshold: float
    band: tuple[float, float]
    model_version: str
    base_value: float | None  # SHAP base value, when the prediction was explained
    contributions: tuple[tuple[str, float], ...]  # top SHAP contributions (probability points)
    outcome: Confirmed | None
    evidence: str  # the model's evidence line (pinkbreast.ml.evidence), in ``lang``
    software_version: str
    lang: str
    explanation_method: str | None = None  # how the contributions were computed (registered)
    image_sha256: str | None = None  # measured from this image by Pink Breast, not by Xcyt
    image_validated: bool = False  # the site's image-derived cases support the version

    def image_line(self, text: dict[str, str]) -> str:
        """What the report says of values measured from an image ('' when they were not)."""
        if not self.image_sha256:
            return ""
        key = "image_validated" if self.image_validated else "image_notice"
        return text[key].format(sha=self.image_sha256[:16])

    @property
    def reference(self) -> str:
        """The sample as the report names it: its reference, else the prediction number."""
        return self.sample_ref or f"#{self.prediction_id}"

    @property
    def amended(self) -> bool:
        """A confirmed outcome was added after the prediction was first reported."""
        return self.outcome is not None

    @property
    def last_changed(self) -> datetime:
        return self.outcome.recorded_at if self.outcome else self.requested_at

    def canonical(self) -> bytes:
        """The content as canonical JSON (sorted keys, ISO dates): what the SHA-256 covers."""
        return json.dumps(
            asdict(self), sort_keys=True, default=_iso, separators=(",", ":")
        ).encode()

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def report_content(
    record: PredictionRecord,
    *,
    lang: str = "en",
    evidence: Evidence | None = None,
    prevalence: float | None = None,
    image_sha256: str | None = None,
    image_validated: bool = False,
) -> ReportContent:
    """The facts a report states about ``record`` (with its user and outcomes loaded).

    ``evidence`` describes the model version that made the prediction (the reference data,
    without predictive values, when it is not known here)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    explanation = record.explanation_data or {}
    outcome = record.outcome
    return ReportContent(
        prediction_id=record.id,
        sample_ref=record.sample_ref,
        sample_date=record.sample_date,
        requested_by=record.user.username,
        requested_at=as_utc(record.created_at),
        source=record.source,
        measurements=tuple(
            Measurement(f.name, float(getattr(record, f.name)), f.reference_min, f.reference_max)
            for f in FEATURES
        ),
        probability=float(record.probability),
        zone=record.zone,
        threshold=float(record.threshold),
        band=(float(record.band_lower), float(record.band_upper)),
        model_version=record.model_version,
        base_value=explanation.get("base_value"),
        contributions=tuple((name, float(value)) for name, value in explanation.get("top", ())),
        outcome=_confirmed(outcome) if outcome is not None else None,
        evidence=(evidence or from_operating_point({})).line(prevalence, lang),
        software_version=__version__,
        lang=lang,
        explanation_method=explanation.get("method"),
        image_sha256=image_sha256,
        image_validated=image_validated,
    )


def _confirmed(outcome) -> Confirmed:
    return Confirmed(
        outcome.diagnosis,
        outcome.confirmed_on,
        outcome.recorded_by.username,
        as_utc(outcome.recorded_at),
        outcome.note or "",
    )
