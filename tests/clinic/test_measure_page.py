"""The "Measure from an image" page; and one image, the same 30 values on the page, through
the API and through the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.imaging.scale import DEFAULT_PIXEL_SIZE_UM
from tests.imaging_scenes import PIXEL_SIZE, encode, many_nuclei
from tests.reports.helpers import pdf_text
from tests.workflow import csrf_token

SLIDE = encode(many_nuclei(3, size=(400, 500), count=12))


def upload(client, data: bytes = SLIDE, name: str = "S-42.png", pixel_size=str(PIXEL_SIZE)):
    token = csrf_token(client.get("/measure").get_data(as_text=True))
    form = {"image": (io.BytesIO(data), name), "pixel_size": pixel_size, "csrf_token": token}
    return client.post("/measure", data=form, content_type="multipart/form-data")


def page_values(html: str) -> dict[str, float]:
    cells = re.findall(r'data-feature="(\w+)" data-value="([^"]+)"', html)
    return {name: json.loads(unescape(value)) for name, value in cells}


def review(alice):
    response = upload(alice)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    return url, alice.get(url).get_data(as_text=True)


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_an_upload_is_outlined_numbered_and_summarised(alice):
    url, html = review(alice)
    assert html.count('class="pb-nucleus"') == 12
    assert 'aria-label="Nucleus 12"' in html
    assert "12 of 12 nuclei accepted" in html
    assert sorted(page_values(html)) == sorted(FEATURE_NAMES)
    assert "not those of Xcyt" in html
    image = alice.get(url + "/image.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_leaving_a_nucleus_out_changes_the_values_and_warns_under_the_minimum(alice):
    url, html = review(alice)
    before = page_values(html)
    token = csrf_token(html) if 'name="csrf_token"' in html else None
    csrf = token or re.search(r'data-csrf="([^"]+)"', html).group(1)
    after = alice.post(url, json={"excluded": [1, 2, 3]}, headers={"X-CSRFToken": csrf})
    assert after.status_code == 200
    part = after.get_data(as_text=True)
    assert "9 of 12 nuclei accepted" in part and 'id="too-few"' in part
    assert page_values(part) != before
    assert page_values(alice.get(url).get_data(as_text=True)) == page_values(part)  # kept


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_a_click_where_a_nucleus_was_missed_adds_one(alice):
    url, html = review(alice)
    csrf = re.search(r'data-csrf="([^"]+)"', html).group(1)
    # a clicked point away from every nucleus, on background: nothing of nuclear size there
    part = alice.post(url, json={"seeds": [[5, 5]]}, headers={"X-CSRFToken": csrf})
    assert part.status_code == 200 and "12 of 12" in part.get_data(as_text=True)
    bad = alice.post(url, json={"seeds": "here"}, headers={"X-CSRFToken": csrf})
    assert bad.status_code == 400
    no_csrf = alice.post(url, json={"excluded": [1]})
    assert no_csrf.status_code == 400


def test_another_clinician_cannot_see_the_image(alice, bruno):
    url, _ = review(alice)
    assert bruno.get(url).status_code == 404
    assert bruno.get(url + "/image.png").status_code == 404


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"radius_mean\n1\n", "notes.png", "not an image"),
        (SLIDE[:3000], "cut.png", "truncated or damaged"),
        (encode(many_nuclei(0, size=(1, 1), count=0)), "dot.png", "1 × 1 pixels"),
        ("bomb", "bomb.png", "more than 16,777,216 pixels"),
        ("animated", "moving.png", "animated"),
    ],
)
def test_a_bad_image_is_refused_with_its_problem(alice, data, name, message):
    if data in ("bomb", "animated"):
        from PIL import Image

        buffer = io.BytesIO()
        if data == "bomb":
            Image.new("L", (20_000, 20_000)).save(buffer, format="PNG")
        else:
            frames = [Image.new("L", (64, 64), 200), Image.new("L", (64, 64), 50)]
            frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:])
        data = buffer.getvalue()
    response = upload(alice, data, name)
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_a_bad_pixel_size_is_refused(alice):
    response = upload(alice, pixel_size="big")
    assert response.status_code == 400
    assert "pixel size must be a number" in unescape(response.get_data(as_text=True))


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_use_these_measurements_fills_the_prediction_form(alice):
    url, _ = review(alice)
    token = url.rsplit("/", 1)[1]
    form = alice.get(f"/predict?measurement={token}").get_data(as_text=True)
    assert "measured from an image by Pink Breast" in form
    assert 'value="S-42"' in form
    assert re.search(r'name="radius_mean"[^>]*value="\d+\.\d+"', form)


@pytest.mark.sqlite_only  # image analysis and rendering, not SQL
def test_one_image_gives_the_same_30_values_on_the_page_the_api_and_the_cli(
    alice, api, env, tmp_path
):
    _, html = review(alice)
    on_page = page_values(html)
    body = api.post(
        "/measurements",
        data={"image": (io.BytesIO(SLIDE), "S-42.png"), "pixel_size_um": str(PIXEL_SIZE)},
    ).get_json()
    path = tmp_path / "S-42.png"
    path.write_bytes(SLIDE)
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(
        cli, ["measure", str(path), "-o", str(out), "--pixel-size", str(PIXEL_SIZE)]
    )
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(out.open())
    from_cli = {name: float(row[name]) for name in FEATURE_NAMES}
    assert on_page == body["features"] == from_cli
    assert DEFAULT_PIXEL_SIZE_UM != PIXEL_SIZE  # the pixel size given was used everywhere


def _form_fields(html: str) -> dict[str, str]:
    form = html[html.index('id="prediction-form"') :]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form[: form.index("</form>")]):
        if 'type="checkbox"' in tag:
            continue  # "review first": unticked
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def test_a_prediction_from_an_image_keeps_its_provenance_and_shows_it(
    alice, bruno, admin, api, settings
):
    import sqlalchemy as sa

    from pinkbreast.db.models import ImageProvenance
    from pinkbreast.db.session import session_scope

    url, html = review(alice)
    csrf = re.search(r'data-csrf="([^"]+)"', html).group(1)
    alice.post(url, json={"excluded": [2]}, headers={"X-CSRFToken": csrf})
    token = url.rsplit("/", 1)[1]
    form_url = f"/predict?measurement={token}"
    fields = _form_fields(alice.get(form_url).get_data(as_text=True))
    reviewed = alice.post(form_url, data={**fields, "action": "review"})  # review step first
    assert reviewed.status_code == 200 and "?measurement=" in reviewed.get_data(as_text=True)
    response = alice.post(form_url, data=fields)
    assert response.status_code == 303
    result_url = response.headers["Location"]
    page = alice.get(result_url).get_data(as_text=True)
    assert 'id="image-notice"' in page and 'id="image-provenance"' in page
    assert "Your administrators can show how the model does" in page  # a clinician: no link
    as_admin = admin.get(result_url).get_data(as_text=True)
    assert 'href="/admin/validation" id="validation-link"' in as_admin  # the site's evidence
    assert page.count("<polygon") == 11  # the accepted nuclei's contours, nucleus 2 left out
    with session_scope(settings.database_url) as session:
        (row,) = session.scalars(sa.select(ImageProvenance)).all()
        assert row.nuclei == 11 and row.pixel_size_um == PIXEL_SIZE
        assert row.width == 500 and row.height == 400 and row.method_version == "1"
        assert len(row.image_sha256) == 64 and row.image_sha256 in page
    report = alice.get(result_url + "/report.pdf?lang=en")
    assert report.status_code == 200
    text = " ".join(pdf_text(report.data).split())
    assert "Measured from an image by Pink Breast (SHA-256 " in text  # the report says so too
    prediction_id = int(result_url.rsplit("/", 1)[1])
    bundle = api.get(f"/predictions/{prediction_id}/fhir?lang=en").get_data(as_text=True)
    assert "Measured from an image by Pink Breast (SHA-256 " in bundle  # and the FHIR report
    image = alice.get(result_url + "/image.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert bruno.get(result_url + "/image.png").status_code == 404

    # after a restore: every kept image is checked against the SHA-256 recorded with it
    sha = row.image_sha256
    kept = settings.instance_path / "images" / f"{sha}.image"
    env = {
        "DATABASE_URL": settings.database_url,
        "PINKBREAST_INSTANCE": str(settings.instance_path),
    }
    checked = CliRunner().invoke(cli, ["data", "check-images"], env=env)
    assert checked.exit_code == 0 and "1 images checked, 0 missing or altered" in checked.output
    kept.write_bytes(kept.read_bytes() + b"x")
    altered = CliRunner().invoke(cli, ["data", "check-images"], env=env)
    assert altered.exit_code == 1 and f"image {sha[:16]}… altered" in altered.output
    kept.unlink()
    missing = CliRunner().invoke(cli, ["data", "check-images"], env=env)
    assert missing.exit_code == 1 and "missing" in missing.output


def test_clicks_reuse_the_kept_detection_and_give_what_a_fresh_measurement_gives(
    alice, settings, monkeypatch
):
    """The first review keeps the detection beside the draft; leaving a nucleus out then
    outlines nothing again, and the values equal a measurement from scratch."""
    import pinkbreast.imaging.measure as measuring_code
    from pinkbreast.imaging.reading import read_image

    url, html = review(alice)
    token = url.rsplit("/", 1)[1]
    assert (settings.instance_path / "measurements" / f"{token}.found.npz").exists()
    fresh = measuring_code.measure(read_image(SLIDE), pixel_size_um=PIXEL_SIZE, excluded=[1])

    def detect_again(*args, **kwargs):
        raise AssertionError("the kept detection was not used")

    monkeypatch.setattr(measuring_code, "find", detect_again)
    csrf = re.search(r'data-csrf="([^"]+)"', html).group(1)
    part = alice.post(url, json={"excluded": [1]}, headers={"X-CSRFToken": csrf})
    assert part.status_code == 200 and "11 of 12" in part.get_data(as_text=True)
    assert page_values(part.get_data(as_text=True)) == fresh.features
