"""Stored records -> API response bodies, validated against the response models."""

from __future__ import annotations

from collections.abc import Sequence

import pydantic_core

from pinkbreast.db.models import NewPrediction, PredictionReading, as_utc
from pinkbreast.features import BY_NAME
from pinkbreast.ml.unusual import Finding
from pinkbreast.services.history import Page
from pinkbreast.web.api.schemas import (
    Band,
    Contribution,
    EvidenceOut,
    FeatureOut,
    InputCheck,
    ModelOut,
    OutcomeOut,
    PredictionOut,
    PredictionPage,
)


def prediction_model(
    record: PredictionReading, finding: Finding | None = None, evidence: dict | None = None
) -> PredictionOut:
    explanation = record.explanation_data or {}
    outcome = record.outcome
    body = PredictionOut(
        id=record.id,
        created_at=as_utc(record.created_at),
        sample_ref=record.sample_ref,
        sample_date=record.sample_date,
        zone=record.zone,
        label=record.label,
        probability=record.probability,
        threshold=record.threshold,
        band=Band(lower=record.band_lower, upper=record.band_upper),
        model_version=record.model_version,
        warnings=record.warning_list,
        top_contributions=[
            Contribution(feature=name, contribution=value)
            for name, value in explanation.get("top", [])
        ],
        explanation_method=explanation.get("method"),
        outcome=None
        if outcome is None
        else OutcomeOut.model_validate(
            {
                "diagnosis": outcome.diagnosis,
                "confirmed_on": outcome.confirmed_on,
                "note": outcome.note,
                "recorded_by": outcome.recorded_by.username,
                "recorded_at": as_utc(outcome.recorded_at),
            }
        ),
        input_check=None if finding is None else InputCheck.model_validate(finding.to_dict()),
        evidence=None if evidence is None else EvidenceOut.model_validate(evidence),
        measurements=record.feature_values(),
    )
    return body


def prediction_out(
    record: PredictionReading, finding: Finding | None = None, evidence: dict | None = None
) -> dict:
    return prediction_model(record, finding, evidence).model_dump(mode="json")


def new_predictions_json(
    records: Sequence[NewPrediction],
    findings: Sequence[Finding | None],
    evidence: dict | None,
) -> bytes:
    """The JSON body answering the creation of ``records`` (just stored: no outcome yet).

    Each item is what :func:`prediction_out` gives (a test compares them), built as plain values
    and serialised by pydantic's own serialiser in one call: a 1,000-row answer without a model
    object per row. The parts that are not plain values from the database (the evidence, an
    input check) are still validated against their response models.
    """
    shared = None
    if evidence is not None:
        shared = EvidenceOut.model_validate(evidence).model_dump(mode="json")
    items = []
    moment = created = None  # a batch's rows share one moment: converted once
    for record, finding in zip(records, findings, strict=True):
        if record.created_at is not moment:
            moment, created = record.created_at, as_utc(record.created_at)
        explanation = record.explanation_data or {}
        items.append(
            {
                "id": record.id,
                "created_at": created,
                "sample_ref": record.sample_ref,
                "sample_date": record.sample_date,
                "zone": record.zone,
                "label": record.label,
                "probability": float(record.probability),
                "threshold": float(record.threshold),
                "band": {"lower": float(record.band_lower), "upper": float(record.band_upper)},
                "model_version": record.model_version,
                "warnings": record.warning_list,
                "top_contributions": [
                    {"feature": name, "contribution": float(value)}
                    for name, value in explanation.get("top", [])
                ],
                "explanation_method": explanation.get("method"),
                "input_check": None
                if finding is None
                else InputCheck.model_validate(finding.to_dict()).model_dump(mode="json"),
                "evidence": shared,
                "outcome": None,
                "measurements": record.feature_values(),
            }
        )
    return pydantic_core.to_json({"predictions": items})


def page_out(listing: Page) -> dict:
    return PredictionPage(
        items=[prediction_model(r) for r in listing.items],
        page=listing.page,
        pages=listing.pages,
        total=listing.total,
    ).model_dump(mode="json")


def model_out(summary: dict) -> dict:
    features = [
        FeatureOut(
            name=name,
            label_en=BY_NAME[name].label("en"),
            label_fr=BY_NAME[name].label("fr"),
            minimum=BY_NAME[name].minimum,
            maximum=BY_NAME[name].maximum,
            reference_min=BY_NAME[name].reference_min,
            reference_max=BY_NAME[name].reference_max,
        )
        for name in summary["features"]
    ]
    return ModelOut(
        name="pinkbreast",
        version=summary["version"],
        threshold=summary["threshold"],
        band=Band(lower=summary["band"][0], upper=summary["band"][1]),
        features=features,
        card=summary.get("card", ""),
    ).model_dump(mode="json")
