"""The prediction form and result page: raw values by name, three zones, explained, audited."""

import re

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent
from pinkbreast.db.session import session_factory
from pinkbreast.features import FEATURES
from pinkbreast.web.i18n import COOKIE as LANGUAGE_COOKIE
from tests.clinic.helpers import (
    BENIGN_ID,
    MALIGNANT_ID,
    case_values,
    prediction_rows,
    submit_form,
)
from tests.clock import days_ago


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_form_has_one_bound_text_input_per_feature_with_its_reference_range(alice):
    page = alice.get("/predict").get_data(as_text=True)
    for feature in FEATURES:
        tag = re.search(rf'<input[^>]*name="{feature.name}"[^>]*>', page).group(0)
        # text with a decimal keypad: a number field would drop a decimal comma
        assert f'id="{feature.name}"' in tag and 'type="text"' in tag
        assert 'inputmode="decimal"' in tag and "placeholder" not in tag
        assert f'data-max="{feature.reference_max}"' in tag
        assert f'for="{feature.name}"' in page  # a label bound to the input


def test_malignant_case_is_stored_and_shown_explained(alice, settings):
    response = submit_form(alice, case_values(MALIGNANT_ID), sample_ref="LAB-42")
    assert response.status_code == 303
    (record,) = prediction_rows(settings.database_url)
    assert response.headers["Location"].endswith(f"/predictions/{record.id}")
    assert record.zone == "malignant" and record.probability > record.band_upper
    assert record.feature_values() == case_values(MALIGNANT_ID)
    page = alice.get(f"/predictions/{record.id}").get_data(as_text=True)
    assert "Malignant" in page and "LAB-42" in page
    assert 'id="explanation-table"' in page and 'id="other-measurements"' in page
    table = page[
        page.index('id="explanation-table"') : page.index(
            "</table>", page.index('id="explanation-table"')
        )
    ]
    assert table.count('<svg class="pb-bar"') == 31  # all 30 contributions and "other", drawn
    others = table[table.index('id="other-rows"') :]
    assert others.count("<tr>") == 25  # the rest, listed under "other measurements"
    assert "Decision support only" in page
    actions = _audit_actions(settings.database_url)
    assert ("prediction.create", "allowed") in actions and ("prediction.view", "allowed") in actions


def test_benign_case_is_benign(alice, settings):
    submit_form(alice, case_values(BENIGN_ID))
    (record,) = prediction_rows(settings.database_url)
    assert record.zone == "benign"


def test_the_same_token_twice_stores_one_prediction(alice, settings):
    first = submit_form(alice, case_values(MALIGNANT_ID), token="a" * 32)
    second = submit_form(alice, case_values(MALIGNANT_ID), token="a" * 32)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(prediction_rows(settings.database_url)) == 1


def test_a_form_edited_after_it_was_sent_stores_the_edited_case(alice, settings):
    """Back in the browser, a value changed, sent again with the page's same token: the new
    values are another case, stored as such (the token no longer applies), not an error."""
    first = submit_form(alice, case_values(MALIGNANT_ID), token="b" * 32)
    second = submit_form(alice, case_values(BENIGN_ID), token="b" * 32)
    assert second.status_code == 303, second.status_code
    assert first.headers["Location"] != second.headers["Location"]
    stored = prediction_rows(settings.database_url)
    assert [r.zone for r in stored] == ["malignant", "benign"]
    assert stored[0].idempotency_key == "b" * 32 and stored[1].idempotency_key is None


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_impossible_values_are_refused_next_to_the_field(alice, settings):
    values = case_values(MALIGNANT_ID)
    values.update(radius_mean="-3", texture_mean="abc", area_worst="nan")
    response = submit_form(alice, values)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for name in ("radius_mean", "texture_mean", "area_worst"):
        assert re.search(rf'name="{name}"[^>]*is-invalid|is-invalid[^>]*name="{name}"', page)
        assert f'id="{name}-error"' in page
    assert "3 fields need attention" in page
    assert prediction_rows(settings.database_url) == []


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_zero_to_one_scaled_values_get_no_answer_and_are_flagged(alice, settings):
    raw = case_values(MALIGNANT_ID)
    scaled = {
        f.name: (raw[f.name] - f.reference_min) / (f.reference_max - f.reference_min)
        for f in FEATURES
    }
    response = submit_form(alice, scaled)
    page = alice.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="input-check"' in page
    (record,) = prediction_rows(settings.database_url)
    assert (record.zone, record.label) == ("check_input", None)
    assert "radius_mean" in record.warning_list and "area_worst" in record.warning_list


def test_decimal_comma_is_accepted(alice, settings):
    alice.set_cookie(LANGUAGE_COOKIE, "fr")  # a French page: "1,095" can only be 1.095
    values = {k: repr(v).replace(".", ",") for k, v in case_values(MALIGNANT_ID).items()}
    assert submit_form(alice, values).status_code == 303
    (record,) = prediction_rows(settings.database_url)
    assert record.feature_values() == case_values(MALIGNANT_ID)


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_numbers_are_read_as_typed_or_refused_with_the_reason(alice, settings):
    values = {**case_values(MALIGNANT_ID), "area_mean": "1001,5"}
    assert submit_form(alice, values).status_code == 303
    (record,) = prediction_rows(settings.database_url)
    assert record.area_mean == 1001.5
    for typed, reason in (
        ("1.000,5", "has both a comma and a point"),
        ("1 001,5", "has a space inside"),
        ("1,095", "is ambiguous"),  # an English page: 1095 or 1.095?
        ("9" * 400, "Too long for a measurement"),
    ):
        page = submit_form(alice, {**case_values(MALIGNANT_ID), "area_mean": typed})
        assert page.status_code == 400
        assert reason in page.get_data(as_text=True)
    assert len(prediction_rows(settings.database_url)) == 1


def test_another_clinicians_prediction_is_not_found_and_the_attempt_audited(
    alice, bruno, admin, settings
):
    location = submit_form(alice, case_values(MALIGNANT_ID)).headers["Location"]
    assert bruno.get(location).status_code == 404
    assert admin.get(location).status_code == 200
    assert ("prediction.view", "denied") in _audit_actions(settings.database_url)
    history = bruno.get("/predictions").get_data(as_text=True)
    assert "0 predictions" in history


def test_outcome_is_recorded_corrected_and_kept_in_history(alice, settings):
    location = submit_form(alice, case_values(MALIGNANT_ID)).headers["Location"]
    page = alice.get(location).get_data(as_text=True)
    token = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)[-1]
    for diagnosis in ("B", "M"):
        response = alice.post(
            location + "/outcome",
            data={
                "diagnosis": diagnosis,
                "confirmed_on": days_ago(14).isoformat(),
                "csrf_token": token,
            },
        )
        assert response.status_code == 303
    (record,) = prediction_rows(settings.database_url)
    assert [o.diagnosis for o in record.outcomes] == ["B", "M"]
    page = alice.get(location).get_data(as_text=True)
    assert "Earlier entries" in page
    awaiting = alice.get("/predictions?awaiting=1").get_data(as_text=True)
    assert "0 predictions" in awaiting


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_outcome_in_the_future_is_refused(alice, settings):
    location = submit_form(alice, case_values(MALIGNANT_ID)).headers["Location"]
    page = alice.get(location).get_data(as_text=True)
    token = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)[-1]
    response = alice.post(
        location + "/outcome",
        data={"diagnosis": "M", "confirmed_on": "2999-01-01", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    (record,) = prediction_rows(settings.database_url)
    assert record.outcomes == []


def test_history_filters_by_zone_and_reference(alice):
    submit_form(alice, case_values(MALIGNANT_ID), sample_ref="M-1")
    submit_form(alice, case_values(BENIGN_ID), sample_ref="B-1")
    assert "2 predictions" in alice.get("/predictions").get_data(as_text=True)
    benign = alice.get("/predictions?zone=benign").get_data(as_text=True)
    assert "1 prediction" in benign and "B-1" in benign and "M-1" not in benign
    by_ref = alice.get("/predictions?sample_ref=M-1").get_data(as_text=True)
    assert "M-1" in by_ref and "B-1" not in by_ref
    part = alice.get("/predictions?sample_ref=m-").get_data(as_text=True)  # part, any case
    assert "M-1" in part and "B-1" not in part
    wildcard = alice.get("/predictions?sample_ref=_-").get_data(as_text=True)  # "_" is literal
    assert "0 predictions" in wildcard or "No prediction" in wildcard
    refused = alice.get("/predictions?sample_ref=%25")  # not a reference's character: refused
    assert refused.status_code == 400 and "sample_ref: expected a pseudonymous" in refused.text


def _audit_actions(url: str) -> list[tuple[str, str]]:
    session = session_factory(url)()
    try:
        rows = session.execute(sa.select(AuditEvent.action, AuditEvent.outcome)).all()
        return [tuple(row) for row in rows]
    finally:
        session.close()


@pytest.mark.sqlite_only  # form rendering and validation, not SQL
def test_a_zero_radius_is_refused_everywhere(alice, api, settings):
    values = {**case_values(MALIGNANT_ID), "radius_mean": 0.0}
    page = submit_form(alice, values)
    assert page.status_code == 400 and "0 is impossible here" in page.get_data(as_text=True)
    response = api.post("/predictions", json={"samples": [{"measurements": values}]})
    assert response.status_code == 422 and "radius_mean" in response.get_data(as_text=True)
    assert prediction_rows(settings.database_url) == []
