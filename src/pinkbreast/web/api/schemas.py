"""The API contract: request and response models generated from the feature schema.

Pydantic validates requests strictly (unknown fields and non-finite numbers are refused) and
its JSON Schemas are the components of the OpenAPI document, so the contract cannot drift
from what the code accepts.
"""

from __future__ import annotations

import operator
from datetime import date, datetime
from functools import cache, reduce
from types import UnionType
from typing import Annotated, Any, Literal, NotRequired, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    with_config,
)
from typing_extensions import TypedDict

from pinkbreast import vocabulary
from pinkbreast.features import FEATURES, PROPERTIES

MAX_BATCH = vocabulary.API_BATCH_MAX
SAMPLE_REF = vocabulary.SAMPLE_REF_PATTERN
# The enums of the contract are the vocabulary's (a tuple in Literal[...] is its values).
Zone = Literal[vocabulary.ZONES]  # type: ignore[valid-type]
Label = Literal[vocabulary.LABELS]  # type: ignore[valid-type]
Diagnosis = Literal[vocabulary.DIAGNOSES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _measurement(feature) -> tuple:
    return (
        float,
        Field(
            **feature.bounds,
            strict=True,  # a JSON number, not a string or a boolean
            title=feature.label("en"),
            description=f"{feature.description('en')} Reference range "
            f"{feature.reference_min:g}–{feature.reference_max:g}.",
        ),
    )


_MEASUREMENTS: dict[str, Any] = {f.name: _measurement(f) for f in FEATURES}
Measurements = create_model(
    "Measurements",
    __base__=Strict,
    __doc__="The 30 raw WDBC measurements, by canonical name (no rescaling).",
    **_MEASUREMENTS,
)


class SampleIn(Strict):
    sample_ref: str | None = Field(None, pattern=SAMPLE_REF, description="Pseudonymous reference")
    sample_date: date | None = Field(None, strict=True, description="YYYY-MM-DD")
    measurements: Measurements  # type: ignore[valid-type]


class PredictionRequest(Strict):
    samples: list[SampleIn] = Field(min_length=1, max_length=MAX_BATCH)
    explain: bool = Field(
        True,
        strict=True,
        description="Compute each prediction's top contributions now (every sample of the "
        "batch); false stores the predictions only: GET one to have it explained.",
    )


def plain_validator(model: type[BaseModel]) -> TypeAdapter:
    """A validator of ``model``'s JSON that gives plain dicts instead of model objects.

    Built from ``model``'s own fields (types, constraints, required or not) and configuration,
    nested models included, so it accepts exactly what ``model`` accepts; a field with a
    default is simply absent from the dict when not sent. It is about three times faster on a
    1,000-sample request (no model object per sample). Its error messages are not always the
    model's: a caller validates with ``model`` when this refuses (see ``PredictionIn``).
    """
    return TypeAdapter(_typed_dict(model))


@cache
def _typed_dict(model: type[BaseModel]) -> type:
    found = model.__pydantic_decorators__
    if found.validators or found.field_validators or found.model_validators:
        raise TypeError(f"{model.__name__} has validators a plain validator would not run")
    fields = {}
    for name, field in model.model_fields.items():
        annotation = _plain(field.annotation)
        if field.metadata:
            annotation = Annotated[(annotation, *field.metadata)]
        fields[name] = annotation if field.is_required() else NotRequired[annotation]
    typed = TypedDict(model.__name__, fields)  # type: ignore[misc]
    return with_config(ConfigDict(**model.model_config))(typed)


def _plain(annotation):
    """``annotation`` with every model in it replaced by its plain equivalent."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _typed_dict(annotation)
    arguments = get_args(annotation)
    if not arguments:
        return annotation
    plain = tuple(_plain(argument) for argument in arguments)
    if isinstance(annotation, UnionType):
        return reduce(operator.or_, plain)
    return get_origin(annotation)[plain]


_EXPLAIN_DEFAULT: bool = PredictionRequest.model_fields["explain"].default


class PredictionIn:
    """The body of ``POST /predictions``, validated as :class:`PredictionRequest` is, as
    plain values: ``samples`` (dicts with ``measurements``, and ``sample_ref`` and
    ``sample_date`` when sent) and ``explain``."""

    _fast = plain_validator(PredictionRequest)

    @classmethod
    def validate_json(cls, data: bytes) -> tuple[list[dict], bool]:
        """``(samples, explain)``; a refusal is :class:`PredictionRequest`'s own
        ``ValidationError`` (the same messages whichever validator ran first)."""
        try:
            body = cls._fast.validate_json(data)
        except ValidationError:
            body = None
        if body is None:  # refused: the model's own error (or, were they to differ, its values)
            body = PredictionRequest.model_validate_json(data).model_dump()
        return body["samples"], body.get("explain", _EXPLAIN_DEFAULT)


class OutcomeIn(Strict):
    diagnosis: Diagnosis = Field(description="Confirmed by histopathology: M or B")
    confirmed_on: date = Field(strict=True, description="YYYY-MM-DD, not after today")
    note: str = Field("", max_length=vocabulary.NOTE_MAX)


class Band(BaseModel):
    lower: float
    upper: float


class Contribution(BaseModel):
    feature: str
    contribution: float = Field(
        description="Shapley value, in probability points (how: explanation_method)"
    )


class InputCheck(BaseModel):
    cause: Literal["rescaled", "standardised", "unit", "swapped", "unknown"] = Field(
        description="Likely cause: values rescaled to 0-1, standardised (z-scores), every value "
        "off by one factor (unit), two fields swapped, or unknown"
    )
    unusual: list[str] = Field(description="Features outside the reference range or far from it")
    factor: float | None = Field(description="For a unit mistake: how many times too large")
    swapped: list[str] | None = Field(description="For a swap: the two fields")


class EvidenceOut(BaseModel):
    line: str = Field(description="The evidence in one sentence, as the result page shows it")
    cases: int = Field(description="Cases the model was learnt from")
    malignant: int
    centre: str
    period: str
    external_validation: str
    prevalence_local: float = Field(
        description="Prevalence the predictive values are for (PINKBREAST_LOCAL_PREVALENCE, "
        "else the training prevalence)"
    )
    ppv: float | None = Field(description="Positive predictive value at the threshold")
    npv: float | None = Field(description="Negative predictive value at the threshold")


class OutcomeOut(BaseModel):
    diagnosis: Diagnosis
    confirmed_on: date
    note: str
    recorded_by: str
    recorded_at: datetime


class PredictionOut(BaseModel):
    id: int
    created_at: datetime
    sample_ref: str | None
    sample_date: date | None
    zone: Zone = Field(
        description="check_input: the sample is unlike the reference cases (see input_check); "
        "no malignant/benign answer is given and the probability is an extrapolation"
    )
    label: Label | None = Field(
        description="At the operating threshold; null when the zone is check_input"
    )
    probability: float = Field(description="Calibrated probability of malignancy")
    threshold: float
    band: Band
    model_version: str
    warnings: list[str] = Field(description="Features outside the WDBC reference range")
    top_contributions: list[Contribution] = Field(
        description="Top SHAP contributions (probability points). Empty when the request "
        "said explain: false: GET the prediction to have it explained."
    )
    explanation_method: str | None = Field(
        default=None,
        description="How the contributions were computed (exact Shapley values in a stated "
        "space, scaled to probability points), as registered with the model version.",
    )
    input_check: InputCheck | None = Field(
        default=None,
        description="For zone check_input: what to check. Null in the answer to a batch of more "
        f"than {vocabulary.FINDINGS_MAX} samples: GET the prediction to have it.",
    )
    evidence: EvidenceOut | None = Field(
        default=None,
        description="What the model version was learnt from; null when the prediction was made "
        "by a version that is no longer the champion",
    )
    outcome: OutcomeOut | None
    measurements: dict[str, float]


class PredictionBatchOut(BaseModel):
    predictions: list[PredictionOut]


class PredictionPage(BaseModel):
    items: list[PredictionOut]
    page: int
    pages: int
    total: int


class FeatureOut(BaseModel):
    name: str
    label_en: str
    label_fr: str
    minimum: float
    maximum: float
    reference_min: float
    reference_max: float


class ModelOut(BaseModel):
    name: str
    version: str
    threshold: float
    band: Band
    features: list[FeatureOut]
    card: str = Field(description="The model card (Markdown)")


_FEATURE_VALUES: dict[str, Any] = {f.name: (float, Field(title=f.label("en"))) for f in FEATURES}
FeatureValues = create_model(
    "FeatureValues",
    __doc__="The 30 features measured from an image, by canonical name, in reference units.",
    **_FEATURE_VALUES,
)
_PROPERTY_VALUES: dict[str, Any] = {p.key: (float, Field(title=p.label_en)) for p in PROPERTIES}
PropertyValues = create_model(
    "PropertyValues",
    __doc__="The ten properties of one nucleus (lengths in reference units).",
    **_PROPERTY_VALUES,
)


class NucleusOut(BaseModel):
    number: int = Field(description="1..n, as numbered on the overlay")
    seeded: bool = Field(description="Added from a point the reviewer gave")
    values: PropertyValues  # type: ignore[valid-type]
    contour: list[tuple[float, float]] = Field(description="Ordered boundary, (x, y) pixels")


class MeasurementOut(BaseModel):
    image_sha256: str
    width: int
    height: int
    pixel_size_um: float = Field(description="Micrometres per pixel used")
    method_version: str
    code_version: str
    nuclei: list[NucleusOut]
    excluded: list[int]
    accepted: int = Field(description="Nuclei the features summarise")
    minimum_nuclei: int = Field(description="Fewer accepted nuclei make the summaries shaky")
    too_few_nuclei: bool
    features: FeatureValues | None  # type: ignore[valid-type]
    notice: str = Field(description="Image-derived measurements are not Xcyt's")
    site_validated: bool = Field(
        description="The site's confirmed image-derived cases support the current champion "
        "(its image-derived results no longer carry the warning)"
    )


class ErrorDetail(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(BaseModel):
    error: ErrorBody
