"""``POST /api/v1/measurements``: multipart image in, nuclei, contours and 30 features out."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.imaging.measure import MIN_NUCLEI, measure
from pinkbreast.imaging.reading import read_image
from tests.imaging_scenes import PIXEL_SIZE, encode, many_nuclei

pytestmark = pytest.mark.sqlite_only  # image analysis; the database only holds the token

SLIDE = encode(many_nuclei(0, size=(400, 500), count=12))


def upload(data: bytes = SLIDE, name: str = "slide.png", **form) -> dict:
    return {"image": (io.BytesIO(data), name), **form}


def post(api, data=None, **kwargs):
    return api.post("/measurements", data=data if data is not None else upload(), **kwargs)


def test_an_image_gives_its_nuclei_contours_and_the_30_features(api):
    response = post(api, upload(pixel_size_um=str(PIXEL_SIZE)))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    direct = measure(read_image(SLIDE), pixel_size_um=PIXEL_SIZE)
    assert body["features"] == direct.features
    assert set(body["features"]) == set(FEATURE_NAMES)
    assert len(body["nuclei"]) == 12 and body["accepted"] == 12
    assert body["too_few_nuclei"] is False and body["minimum_nuclei"] == MIN_NUCLEI
    first = body["nuclei"][0]
    assert first["number"] == 1 and len(first["contour"]) > 20 and len(first["values"]) == 10
    assert body["image_sha256"] == direct.sha256 and body["pixel_size_um"] == PIXEL_SIZE
    assert "not by Xcyt" in body["notice"]


def test_without_a_pixel_size_the_sites_setting_is_used(api, app):
    response = post(api)
    assert response.status_code == 200
    assert response.get_json()["pixel_size_um"] == app.config["PINKBREAST_SETTINGS"].pixel_size_um


def test_a_token_is_required(client):
    response = client.post("/api/v1/measurements", data=upload())
    assert response.status_code == 401


def test_json_is_refused_with_415(api):
    response = api.post("/measurements", json={"image": "x"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.get_json()["error"]["message"]


def bad_images() -> list:
    animated = io.BytesIO()
    frames = [Image.new("L", (64, 64), 200), Image.new("L", (64, 64), 50)]
    frames[0].save(animated, format="PNG", save_all=True, append_images=frames[1:])
    bomb = io.BytesIO()
    Image.new("L", (20_000, 20_000)).save(bomb, format="PNG")
    return [
        (b"radius_mean\n1\n", "not an image"),
        (SLIDE[:3000], "truncated or damaged"),
        (encode(many_nuclei(0, size=(1, 1), count=0)), "1 × 1 pixels"),
        (bomb.getvalue(), "more than 16,777,216 pixels"),
        (animated.getvalue(), "animated"),
        (encode(many_nuclei(0, size=(200, 200), count=0)), "no whole nucleus"),
    ]


@pytest.mark.parametrize(("data", "message"), bad_images())
def test_each_bad_image_is_a_422_naming_the_field_and_the_problem(api, data, message):
    response = post(api, upload(data, name="bad.png"))
    assert response.status_code == 422
    (detail,) = response.get_json()["error"]["details"]
    assert detail["field"] == "image"
    assert detail["problem"].startswith("bad.png: ") and message in detail["problem"]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"pixel_size_um": "abc"}, "pixel_size_um"),
        ({"pixel_size_um": "0"}, "pixel_size_um"),
        ({"colour": "pink"}, "colour"),
    ],
)
def test_bad_fields_are_a_422_naming_them(api, form, field):
    response = post(api, upload(**form))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == field


def test_a_missing_image_is_a_422(api):
    response = post(api, {"pixel_size_um": "0.3"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "image"


def test_an_upload_over_the_limit_is_a_413(api):
    response = post(api, upload(b"\x89PNG" + bytes(17 * 1024 * 1024)))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_the_openapi_document_describes_the_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/measurements"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "413", "415", "422"} <= set(operation["responses"])
    assert "MeasurementOut" in document["components"]["schemas"]


def test_the_reviewers_choices_leave_nuclei_out_and_add_missed_ones(api):
    """``excluded`` and ``seeds`` do what the page's clicks do, with the same results as the
    measuring code called directly."""
    from tests.unit.imaging.test_review import faint_field

    picture = read_image(SLIDE)
    left_out = post(api, upload(pixel_size_um=str(PIXEL_SIZE), excluded="[1, 2, 3]")).get_json()
    direct = measure(picture, pixel_size_um=PIXEL_SIZE, excluded=[1, 2, 3])
    assert left_out["excluded"] == [1, 2, 3] and left_out["accepted"] == 9
    assert left_out["too_few_nuclei"] is True and left_out["features"] == direct.features
    assert left_out["features"] != measure(picture, pixel_size_um=PIXEL_SIZE).features

    faint = encode(faint_field())
    plain = post(api, upload(faint, pixel_size_um=str(PIXEL_SIZE))).get_json()
    seeded = post(api, upload(faint, pixel_size_um=str(PIXEL_SIZE), seeds="[[140, 140]]"))
    body = seeded.get_json()
    assert len(plain["nuclei"]) == 3 and len(body["nuclei"]) == 4
    assert body["nuclei"][-1]["seeded"] is True and body["accepted"] == 4
    assert body["site_validated"] is False and "Until this site's own" in body["notice"]


@pytest.mark.parametrize(
    ("form", "field", "problem"),
    [
        ({"excluded": "two"}, "excluded", "expected a JSON list"),
        ({"excluded": "[0]"}, "excluded", "expected a list of nucleus numbers"),
        ({"excluded": '{"a": 1}'}, "excluded", "expected a list of nucleus numbers"),
        ({"seeds": "[[1, 2, 3]]"}, "seeds", "[x, y] pixel positions"),
        ({"seeds": "[[-1, 2]]"}, "seeds", "[x, y] pixel positions"),
        ({"seeds": "[[true, 2]]"}, "seeds", "[x, y] pixel positions"),
    ],
)
def test_bad_choices_are_a_422_naming_the_field(api, form, field, problem):
    response = post(api, upload(**form))
    assert response.status_code == 422
    (detail,) = response.get_json()["error"]["details"]
    assert detail["field"] == field and problem in detail["problem"]
