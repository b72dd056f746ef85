"""The plain validator of ``POST /predictions`` (``PredictionIn``) accepts exactly what the
request model accepts, gives the same values, and refuses with the model's own errors."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.web.api.schemas import PredictionIn, PredictionRequest

VALUES = dict.fromkeys(FEATURE_NAMES, 1.0)


def _body(measurements=None, **changes) -> str:
    sample = {"measurements": {**VALUES, **(measurements or {})}}
    sample.update(changes.pop("sample", {}))
    return json.dumps({"samples": [sample], **changes})


def _bodies() -> list[str]:
    bodies = []
    for value in (0, 1, -1, 0.0, 1e308, "1.0", True, None, [], {}, 2**70, 100.0, 1e-320):
        for name in ("radius_mean", "texture_se", "fractal_dimension_worst"):
            bodies.append(_body({name: value}))
    refs = (None, "A", "", " A", "a" * 64, "a" * 65, 1, "A/B-c_d.e f", "é")
    bodies += [_body(sample={"sample_ref": ref}) for ref in refs]
    dates = ("2024-01-02", "2024-13-01", "20240102", 20240102, None, "2024-01-02T00:00:00")
    bodies += [_body(sample={"sample_date": day}) for day in dates]
    bodies += [_body(explain=explain) for explain in (True, False, 0, 1, "true", None)]
    one = json.loads(_body())["samples"][0]
    bodies += [
        _body(extra=1),
        _body(sample={"x": 1}),
        _body().replace("1.0", "NaN", 1),
        _body().replace("1.0", "-Infinity", 1),
        _body().replace('"radius_mean": 1.0', '"radius_mean": 1.0, "radius_mean": 2.0'),
        _body() + " trailing",
        json.dumps({"samples": [one] * 1000}),
        json.dumps({"samples": [one] * 1001}),
        '{"samples": []}',
        '{"samples": [1]}',
        '{"samples": [{"measurements": null}]}',
        '{"samples": null}',
        "[]",
        "{}",
        "null",
        "not json",
        "",
    ]
    return bodies


def _model(body: str):
    try:
        request = PredictionRequest.model_validate_json(body)
    except ValidationError as error:
        return None, error
    return request, None


BODIES = _bodies()


@pytest.mark.parametrize("body", BODIES, ids=[f"body-{i}" for i in range(len(BODIES))])
def test_the_plain_validator_agrees_with_the_request_model(body):
    request, refusal = _model(body)
    if refusal is not None:
        with pytest.raises(ValidationError) as raised:
            PredictionIn.validate_json(body)
        assert raised.value.json() == refusal.json()  # same errors, same order
        return
    samples, explain = PredictionIn.validate_json(body)
    assert explain is request.explain
    assert len(samples) == len(request.samples)
    for sample, expected in zip(samples, request.samples, strict=True):
        assert sample.get("sample_ref") == expected.sample_ref
        assert sample.get("sample_date") == expected.sample_date
        measured = expected.measurements.model_dump()
        assert sample["measurements"] == measured
        assert list(map(type, sample["measurements"].values())) == list(
            map(type, measured.values())
        )


def test_the_fast_validator_accepts_the_usual_request_itself():
    """The model is only a fallback: an ordinary request is read without it."""
    samples, explain = PredictionIn.validate_json(_body(sample={"sample_ref": "R-1"}))
    assert PredictionIn._fast.validate_json(_body()) and explain is True
    assert samples == [{"sample_ref": "R-1", "measurements": VALUES}]


def test_a_model_with_its_own_validators_is_refused_by_the_plain_validator():
    """Validators are code the plain validator would not run: it refuses to stand in for them."""
    from pydantic import field_validator

    from pinkbreast.web.api.schemas import Strict, plain_validator

    class Checked(Strict):
        sample_ref: str

        @field_validator("sample_ref")
        @classmethod
        def _not_blank(cls, value: str) -> str:
            return value.strip() or "-"

    with pytest.raises(TypeError, match="Checked has validators"):
        plain_validator(Checked)
