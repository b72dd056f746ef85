"""Issue 16: the optional review step, edit and re-run, demonstrations kept out of monitoring
and exports, and a pending account told why it cannot act."""

from __future__ import annotations

import re

import sqlalchemy as sa

from pinkbreast.db.models import PredictionRecord
from pinkbreast.db.session import session_factory
from pinkbreast.services import accounts, reports
from pinkbreast.services.monitoring import volume
from pinkbreast.services.passwords import make_hasher
from tests.clinic.helpers import MALIGNANT_ID, case_values, prediction_rows, submit_form
from tests.web_fixtures import TEST_HASH
from tests.workflow import csrf_token

EXAMPLE_ID = 842302  # the form's "example (malignant)" button fills this reference case


def _hidden_fields(page: str) -> dict[str, str]:
    form = page[page.index('id="review-form"') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_review_step_lists_the_30_values_stores_nothing_then_scores_them(alice, settings):
    values = case_values(MALIGNANT_ID)
    values["area_mean"] = 4000.0  # above the reference range: flagged on the review page
    page = alice.get("/predict").get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    data = {name: repr(value) for name, value in values.items()}
    data.update(csrf_token=csrf_token(page), sample_ref="REV-1", token=token, action="review")
    review = alice.post("/predict", data=data)
    text = review.get_data(as_text=True)
    assert review.status_code == 200, re.findall(r"(?:invalid-feedback|alert)[^>]*>([^<]+)", text)
    assert text.count("<tr") == 31  # header + the 30 values
    assert "above the range" in text and text.count("table-warning") == 1
    assert prediction_rows(settings.database_url) == []  # nothing scored or stored yet

    hidden = {**_hidden_fields(text), "csrf_token": csrf_token(text)}
    assert hidden["area_mean"] == "4000.0" and hidden["sample_ref"] == "REV-1"
    edit = alice.post("/predict", data={**hidden, "action": "edit"})
    assert edit.status_code == 200 and 'value="4000.0"' in edit.get_data(as_text=True)
    assert prediction_rows(settings.database_url) == []

    scored = alice.post("/predict", data={**hidden, "action": "score"})
    assert scored.status_code == 303
    (record,) = prediction_rows(settings.database_url)
    assert record.feature_values() == values and record.sample_ref == "REV-1"


def test_edit_and_rerun_fills_the_form_and_makes_a_second_prediction(alice, bruno, settings):
    location = submit_form(alice, case_values(MALIGNANT_ID), sample_ref="RERUN-1").headers[
        "Location"
    ]
    first = int(location.rsplit("/", 1)[1])
    assert f"/predict?from={first}" in alice.get(location).get_data(as_text=True)
    page = alice.get(f"/predict?from={first}").get_data(as_text=True)
    for name, value in case_values(MALIGNANT_ID).items():
        assert f'id="{name}" inputmode="decimal"' in page or f'value="{value!r}"' in page
        assert re.search(rf'id="{name}"[^>]*value="{re.escape(repr(value))}"', page), name
    assert 'value="RERUN-1"' in page
    french = alice.get(f"/predict?from={first}", headers={"Accept-Language": "fr"})
    french = french.get_data(as_text=True)
    value = repr(case_values(MALIGNANT_ID)["radius_se"]).replace(".", ",")
    assert re.search(rf'id="radius_se"[^>]*value="{value}"', french)  # the French way
    assert bruno.get(f"/predict?from={first}").status_code == 404  # not his prediction

    data = {
        name: re.search(rf'id="{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in case_values(MALIGNANT_ID)
    }
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    data.update(csrf_token=csrf_token(page), sample_ref="RERUN-1", token=token)
    data["area_mean"] = "1100"
    assert alice.post("/predict", data=data).status_code == 303
    first_row, second = prediction_rows(settings.database_url)
    assert first_row.area_mean == case_values(MALIGNANT_ID)["area_mean"]  # the first is kept
    assert second.area_mean == 1100.0


def test_example_cases_are_demonstrations_left_out_of_monitoring_and_exports(
    alice, admin, settings
):
    submit_form(alice, case_values(EXAMPLE_ID), sample_ref="DEMO-MALIGNANT")
    submit_form(alice, case_values(MALIGNANT_ID), sample_ref="REAL-1")
    demo, real = prediction_rows(settings.database_url)
    assert (demo.demonstration, real.demonstration) == (True, False)

    result = alice.get(f"/predictions/{demo.id}").get_data(as_text=True)
    assert 'id="demonstration-badge"' in result
    assert 'id="demonstration-badge"' not in alice.get(f"/predictions/{real.id}").get_data(
        as_text=True
    )
    session = session_factory(settings.database_url)()
    try:
        assert sum(volume.zone_counts(session).values()) == 1
        assert reports.count_since(session=session, since=None) == 1
        exported = list(reports._in_id_order(session, None))
        assert [r.id for r in exported] == [real.id]
        assert session.scalar(sa.select(sa.func.count()).select_from(PredictionRecord)) == 2
    finally:
        session.close()
    metrics = admin.get("/metrics")
    if metrics.status_code == 200:  # /metrics may be limited to monitoring addresses
        assert "pinkbreast_predictions{model_version" in metrics.get_data(as_text=True)


def test_a_pending_account_is_told_it_awaits_approval(app, settings):
    session = session_factory(settings.database_url)()
    with session.begin():
        accounts.new_user(
            session,
            make_hasher(TEST_HASH),
            "newbie",
            "newbie@hospital.test",
            "amber-falcon-river-28",
            role="clinician",
            status="pending",
        )
    session.close()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "username": "newbie",
            "password": "amber-falcon-river-28",
            "csrf_token": csrf_token(page),
        },
    )
    response = client.get("/predict")
    assert response.status_code == 403
    assert "awaiting approval by an administrator" in response.get_data(as_text=True)
