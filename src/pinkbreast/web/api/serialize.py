"""Stored records -> API response bodies, validated against the response models."""

from __future__ import annotations

from pinkbreast.db.models import PredictionReading, as_utc
from pinkbreast.features import BY_NAME
from pinkbreast.ml.unusual import Finding
from pinkbreast.services.history import Page
from pinkbreast.web.api.schemas import ModelOut, PredictionOut, PredictionPage


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
        band={"lower": record.band_lower, "upper": record.band_upper},
        model_version=record.model_version,
        warnings=record.warning_list,
        top_contributions=[
            {"feature": name, "contribution": value} for name, value in explanation.get("top", [])
        ],
        explanation_method=explanation.get("method"),
        outcome=None
        if outcome is None
        else {
            "diagnosis": outcome.diagnosis,
            "confirmed_on": outcome.confirmed_on,
            "note": outcome.note,
            "recorded_by": outcome.recorded_by.username,
            "recorded_at": as_utc(outcome.recorded_at),
        },
        input_check=None if finding is None else finding.to_dict(),
        evidence=evidence,
        measurements=record.feature_values(),
    )
    return body


def prediction_out(
    record: PredictionReading, finding: Finding | None = None, evidence: dict | None = None
) -> dict:
    return prediction_model(record, finding, evidence).model_dump(mode="json")


def page_out(listing: Page) -> dict:
    return PredictionPage(
        items=[prediction_model(r) for r in listing.items],
        page=listing.page,
        pages=listing.pages,
        total=listing.total,
    ).model_dump(mode="json")


def model_out(summary: dict) -> dict:
    features = [
        {
            "name": name,
            "label_en": BY_NAME[name].label("en"),
            "label_fr": BY_NAME[name].label("fr"),
            "minimum": BY_NAME[name].minimum,
            "maximum": BY_NAME[name].maximum,
            "reference_min": BY_NAME[name].reference_min,
            "reference_max": BY_NAME[name].reference_max,
        }
        for name in summary["features"]
    ]
    return ModelOut(
        name="pinkbreast",
        version=summary["version"],
        threshold=summary["threshold"],
        band={"lower": summary["band"][0], "upper": summary["band"][1]},
        features=features,
        card=summary.get("card", ""),
    ).model_dump(mode="json")
