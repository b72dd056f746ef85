"""The predictions file: JSON Lines, one prediction with its confirmed outcomes per line.

The first line names the format (``{"format": "pinkbreast-predictions", "version": 1}``); each
following line is one prediction, in id order, with every stored column: who made it (by
username), when (UTC, microseconds), the source, batch and idempotency key, the sample reference
and date, the model version, probability, zone, label, threshold and band, the warnings, the
explanation, the demonstration flag, for a prediction measured on an image its provenance
(``image``; the image file itself stays in the instance folder), the 30 measurements by canonical
name, and its outcomes (the correction history, in order, each with who recorded it and when).
Nothing in it depends on the database it came from except the ids, which are kept, so an
export → import → export round trip is byte-identical.

JSON Lines rather than CSV: a prediction has any number of outcomes, and a line is one whole
record that can be validated, and reported on, by itself.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, create_model

from pinkbreast import sample_refs
from pinkbreast.db.models import ImageProvenance, Outcome, PredictionRecord, as_utc
from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.services.predictions import MAX_ID
from pinkbreast.vocabulary import DIAGNOSES, NOTE_MAX, SAMPLE_REF_MAX, SOURCES, ZONES

Diagnosis = Literal[DIAGNOSES]  # type: ignore[valid-type]
Source = Literal[SOURCES]  # type: ignore[valid-type]
Zone = Literal[ZONES]  # type: ignore[valid-type]

HEADER = {"format": "pinkbreast-predictions", "version": 1}
WARNINGS_MAX = 1024  # the stored column's width, warnings joined by commas

Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Utc = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]
Probability = Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# zero allowed for every feature: a file may hold predictions stored before the form refused a
# zero size (Feature.positive); the rest is Feature.problem's range. (The field definitions are
# typed Any: create_model's stubs take a TypeForm, which mypy does not infer from ``float``.)
_MEASUREMENT_FIELDS: dict[str, Any] = {
    f.name: (float, Field(ge=f.minimum, le=f.maximum, strict=True)) for f in FEATURES
}
Measurements = create_model("Measurements", __base__=Strict, **_MEASUREMENT_FIELDS)


class OutcomeLine(Strict):
    id: Id
    diagnosis: Diagnosis
    confirmed_on: date
    note: str = Field(max_length=NOTE_MAX)
    recorded_by: str = Field(min_length=1, max_length=64)
    recorded_at: Utc


class ImageLine(Strict):
    """Where the measurements came from when Pink Breast measured them on an image (the image
    itself is a file of the instance folder, not in this file: docs/backup.md)."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(max_length=200)
    width: int = Field(ge=1, strict=True)
    height: int = Field(ge=1, strict=True)
    pixel_size_um: float = Field(gt=0, allow_inf_nan=False)
    method_version: str = Field(min_length=1, max_length=16)
    code_version: str = Field(min_length=1, max_length=32)
    nuclei: int = Field(ge=0, strict=True)
    contours: list[list[list[float]]]
    created_at: Utc


class PredictionLine(Strict):
    id: Id
    created_at: Utc
    user: str = Field(min_length=1, max_length=64)
    source: Source
    batch_id: str | None = Field(max_length=36)
    idempotency_key: str | None = Field(max_length=64)
    sample_ref: str | None = Field(max_length=SAMPLE_REF_MAX, pattern=sample_refs.PATTERN)
    sample_date: date | None
    model_version: str = Field(min_length=1, max_length=32)
    probability: Probability
    zone: Zone
    label: str | None = Field(default=None, min_length=1, max_length=16)  # None: check_input
    threshold: Probability
    band_lower: Probability
    band_upper: Probability
    warnings: list[str]
    explanation: dict[str, Any] | None
    demonstration: bool = False  # absent from backups made before demonstrations were marked
    image: ImageLine | None = None  # present only for predictions measured on an image
    measurements: Measurements  # type: ignore[valid-type]
    outcomes: list[OutcomeLine]


def _moment(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="microseconds")


def prediction_line(record: PredictionRecord, image: ImageProvenance | None = None) -> str:
    """One prediction and its outcomes (and ``image``, its provenance when it was measured on
    an image) as a line of the file (without the newline)."""
    body = {
        "id": record.id,
        "created_at": _moment(record.created_at),
        "user": record.user.username,
        **{name: getattr(record, name) for name in ("source", "batch_id", "idempotency_key")},
        "sample_ref": record.sample_ref,
        "sample_date": record.sample_date.isoformat() if record.sample_date else None,
        **{
            name: getattr(record, name)
            for name in ("model_version", "probability", "zone", "label", "threshold")
        },
        "band_lower": record.band_lower,
        "band_upper": record.band_upper,
        "warnings": record.warning_list,
        "explanation": record.explanation_data,
        "demonstration": record.demonstration,
        **({"image": _image(image)} if image is not None else {}),
        "measurements": record.feature_values(),
        "outcomes": [_outcome(outcome) for outcome in record.outcomes],
    }
    return json.dumps(body, ensure_ascii=False, allow_nan=False)


def _outcome(outcome: Outcome) -> dict[str, object]:
    return {
        "id": outcome.id,
        "diagnosis": outcome.diagnosis,
        "confirmed_on": outcome.confirmed_on.isoformat(),
        "note": outcome.note,
        "recorded_by": outcome.recorded_by.username,
        "recorded_at": _moment(outcome.recorded_at),
    }


def _image(row: ImageProvenance) -> dict[str, object]:
    return {
        "sha256": row.image_sha256,
        "name": row.image_name,
        "width": row.width,
        "height": row.height,
        "pixel_size_um": row.pixel_size_um,
        "method_version": row.method_version,
        "code_version": row.code_version,
        "nuclei": row.nuclei,
        "contours": json.loads(row.contours),
        "created_at": _moment(row.created_at),
    }


def new_image(line: PredictionLine) -> ImageProvenance | None:
    """The provenance row a line describes, if its prediction was measured on an image."""
    image = line.image
    if image is None:
        return None
    return ImageProvenance(
        prediction_id=line.id,
        image_sha256=image.sha256,
        image_name=image.name,
        width=image.width,
        height=image.height,
        pixel_size_um=image.pixel_size_um,
        method_version=image.method_version,
        code_version=image.code_version,
        nuclei=image.nuclei,
        contours=json.dumps(image.contours),
        created_at=image.created_at,
    )


def new_prediction(line: PredictionLine, user_id: int) -> PredictionRecord:
    """The row a line describes (not added to any session)."""
    record = PredictionRecord(
        id=line.id,
        user_id=user_id,
        created_at=line.created_at,
        **line.model_dump(
            include={"source", "batch_id", "idempotency_key", "sample_ref", "sample_date"}
        ),
        **line.model_dump(include={"model_version", "probability", "zone", "label", "threshold"}),
        band_lower=line.band_lower,
        band_upper=line.band_upper,
        warnings=",".join(line.warnings),
        explanation=json.dumps(line.explanation) if line.explanation is not None else None,
        demonstration=line.demonstration,
    )
    for name in FEATURE_NAMES:
        setattr(record, name, getattr(line.measurements, name))
    return record


def new_outcome(line: OutcomeLine, prediction_id: int, recorded_by_id: int) -> Outcome:
    return Outcome(
        id=line.id,
        prediction_id=prediction_id,
        diagnosis=line.diagnosis,
        confirmed_on=line.confirmed_on,
        note=line.note,
        recorded_by_id=recorded_by_id,
        recorded_at=line.recorded_at,
    )


def columns(row: PredictionRecord | Outcome) -> dict[str, object]:
    """Every column of a row, comparable between a stored row and one built from a line."""
    values: dict[str, object] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, datetime):
            value = as_utc(value)
        elif column.key == "explanation" and value is not None:
            value = json.loads(value)
        values[column.key] = value
    return values
