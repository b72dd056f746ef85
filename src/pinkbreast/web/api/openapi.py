"""The OpenAPI 3.1 document, assembled from the pydantic models the API validates with."""

from __future__ import annotations

from functools import cache

from pydantic.json_schema import models_json_schema

from pinkbreast import __version__, sample_refs, vocabulary
from pinkbreast.imaging import reading, scale
from pinkbreast.services import history, query_params
from pinkbreast.web.api import schemas

REF = "#/components/schemas/{model}"
_MODELS = (
    schemas.PredictionRequest,
    schemas.OutcomeIn,
    schemas.PredictionOut,
    schemas.PredictionBatchOut,
    schemas.PredictionPage,
    schemas.ModelOut,
    schemas.MeasurementOut,
    schemas.ErrorOut,
)


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*codes: int) -> dict:
    text = {
        401: "Missing, invalid, expired or revoked token",
        403: "Role not allowed",
        404: "No such prediction (or not yours)",
        409: "Idempotency-Key reused differently",
        413: "Request too large",
        415: "Body is not application/json (multipart/form-data for images)",
        422: "Request does not match the contract",
        429: "Rate limit reached",
        503: "No model available",
    }
    return {str(code): _json(schemas.ErrorOut, text[code]) for code in codes}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_ID = {
    "name": "prediction_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": vocabulary.IDEMPOTENCY_KEY_PATTERN},
    "description": "Retrying with the same key returns the first answer (200).",
}


# the dates the filters accept (query_params.MIN_DATE to MAX_DATE): years 1900 to 2999
_DAY = {"type": "string", "format": "date", "pattern": "^(19[0-9]{2}|2[0-9]{3})-"}
_IMAGE_UPLOAD = {
    "type": "object",
    "required": ["image"],
    "additionalProperties": False,
    "properties": {
        "image": {
            "type": "string",
            "format": "binary",
            "description": f"PNG, JPEG or TIFF, 8 or 16 bit, grey or RGB; at most "
            f"{reading.MAX_BYTES // (1024 * 1024)} MB and {reading.MAX_PIXELS:,} pixels",
        },
        "pixel_size_um": {
            "type": "number",
            "minimum": scale.MIN_PIXEL_SIZE_UM,
            "maximum": scale.MAX_PIXEL_SIZE_UM,
            "description": "Micrometres per pixel (default: the site's setting)",
        },
        "excluded": {
            "type": "string",
            "description": "Nucleus numbers to leave out of the 30 features, as a JSON list "
            "(e.g. [2, 5]); the numbers of a first measurement of the same image",
        },
        "seeds": {
            "type": "string",
            "description": "Points where a missed nucleus should be outlined, as a JSON list "
            "of [x, y] pixel positions (e.g. [[120, 80]])",
        },
    },
}
_LANG = _query("lang", {"type": "string", "enum": ["en", "fr"]}, "Report language (en)")


def _history_parameters() -> list[dict]:
    """The list's query parameters, from the rules :func:`history.parse_query` applies."""
    page = {"type": "integer", "minimum": 1, "maximum": query_params.MAX_PAGE}
    zone = {"type": "string", "enum": list(vocabulary.ZONES)}
    part = {
        "type": "string",
        "maxLength": sample_refs.MAX_LENGTH,
        "pattern": sample_refs.PART_PATTERN,
    }
    return [
        _query("page", page, "Page"),
        _query("since", _DAY, "Created on/after"),
        _query("until", _DAY, "Created on/before"),
        _query("zone", zone, "Zone"),
        _query("sample_ref", part, "Part of the reference, any case"),
        _query(history.API.awaiting, {"type": "boolean"}, "Only without outcome"),
    ]


def _document(media_type: str, description: str, schema: dict) -> dict:
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _paths() -> dict:
    common = (401, 403, 429)
    return {
        "/predictions": {
            "post": {
                "summary": "Score and store one sample or a batch (atomic)",
                "operationId": "createPredictions",
                "parameters": [_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(schemas.PredictionRequest)}},
                },
                "responses": {
                    "201": _json(schemas.PredictionBatchOut, "Stored"),
                    "200": _json(schemas.PredictionBatchOut, "Replayed"),
                    **_errors(*common, 409, 413, 415, 422, 503),
                },
            },
            "get": {
                "summary": "List predictions (your own; all for administrators)",
                "operationId": "listPredictions",
                "parameters": [
                    *_history_parameters(),
                ],
                "responses": {
                    "200": _json(schemas.PredictionPage, "One page"),
                    **_errors(*common, 422),
                },
            },
        },
        "/predictions/{prediction_id}": {
            "get": {
                "summary": "One prediction",
                "operationId": "getPrediction",
                "parameters": [_ID],
                "responses": {
                    "200": _json(schemas.PredictionOut, "The prediction"),
                    **_errors(*common, 404),
                },
            }
        },
        "/predictions/{prediction_id}/outcome": {
            "put": {
                "summary": "Record the confirmed diagnosis (history is kept)",
                "operationId": "putOutcome",
                "parameters": [_ID],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(schemas.OutcomeIn)}},
                },
                "responses": {
                    "200": _json(schemas.PredictionOut, "Updated prediction"),
                    **_errors(*common, 404, 413, 415, 422),
                },
            }
        },
        "/predictions/{prediction_id}/report.pdf": {
            "get": {
                "summary": "The PDF report of one prediction (audited)",
                "operationId": "getReportPdf",
                "parameters": [_ID, _LANG],
                "responses": {
                    "200": _document(
                        "application/pdf", "The report", {"type": "string", "format": "binary"}
                    ),
                    **_errors(*common, 404, 422),
                },
            }
        },
        "/predictions/{prediction_id}/fhir": {
            "get": {
                "summary": "One prediction as a FHIR R4 batch Bundle (audited)",
                "operationId": "getFhirBundle",
                "parameters": [_ID, _LANG],
                "responses": {
                    "200": _document(
                        "application/fhir+json",
                        "Bundle: DiagnosticReport (PDF inside), Observations, Device",
                        {"type": "object"},
                    ),
                    **_errors(*common, 404, 422),
                },
            }
        },
        "/measurements": {
            "post": {
                "summary": "Measure an aspirate image: nuclei, contours and the 30 features",
                "description": "Nothing is stored. Image-derived measurements may differ "
                "systematically from those the model was trained on (see notice).",
                "operationId": "createMeasurement",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": _IMAGE_UPLOAD}},
                },
                "responses": {
                    "200": _json(schemas.MeasurementOut, "The measurement"),
                    **_errors(*common, 413, 415, 422),
                },
            }
        },
        "/model": {
            "get": {
                "summary": "The champion model: version, features, operating point, card",
                "operationId": "getModel",
                "responses": {"200": _json(schemas.ModelOut, "The model"), **_errors(*common, 503)},
            }
        },
    }


@cache
def document() -> dict:
    _, definitions = models_json_schema(
        [(model, "validation") for model in _MODELS], ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pink Breast API",
            "version": __version__,
            "description": "Decision support for FNA breast cytology. Not a diagnosis.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "schemas": definitions["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
