"""The history page and the API's list read their filters with one model and one parser
(``services.history.parse_query``): a bad value is refused by the same rule with the same
message naming the parameter, 400 on the page and 422 from the API; nothing is truncated."""

from __future__ import annotations

import re

import pytest

from pinkbreast import sample_refs
from pinkbreast.services import history
from pinkbreast.vocabulary import FILTER_ZONES, ZONES
from pinkbreast.web.i18n import COOKIE as LANGUAGE_COOKIE
from tests.clinic.helpers import BENIGN_ID, MALIGNANT_ID, case_values, submit_form

pytestmark = pytest.mark.sqlite_only

ZONE_RULE = f"expected one of {', '.join(ZONES)}"
# (parameter, bad value, the problem both channels state)
BAD = [
    ("zone", "malignent", ZONE_RULE),
    ("sample_ref", "Jane DOE, born 1970-01-01", sample_refs.RULE),
    ("sample_ref", "A" * 65, sample_refs.RULE),  # refused, never cut to 64
    ("sample_ref", "50%", sample_refs.RULE),
    ("since", "yesterday", "expected a date written YYYY-MM-DD"),
    ("until", "2026-02-30", "expected a date written YYYY-MM-DD"),
    ("page", "two", "expected a whole number from 1 to 1000000"),
]


@pytest.mark.parametrize(("name", "value", "problem"), BAD)
def test_the_page_and_the_api_refuse_a_bad_filter_with_the_same_message(
    alice, api, name, value, problem
):
    page = alice.get("/predictions", query_string={name: value})
    assert page.status_code == 400
    assert f"{name}: {problem}" in page.get_data(as_text=True)
    listed = api.get("/predictions", query_string={name: value})
    assert listed.status_code == 422
    assert listed.get_json()["error"]["details"] == [{"field": name, "problem": problem}]


def test_the_awaiting_flag_has_one_rule_under_each_channels_name(alice, api):
    page = alice.get("/predictions?awaiting=maybe")
    assert page.status_code == 400 and "awaiting: expected true or false" in page.text
    listed = api.get("/predictions?awaiting_outcome=maybe")
    assert listed.get_json()["error"]["details"] == [
        {"field": "awaiting_outcome", "problem": "expected true or false"}
    ]


def test_good_filters_select_the_same_predictions_on_both_channels(alice, api):
    submit_form(alice, case_values(MALIGNANT_ID), sample_ref="LAB-7/M")
    submit_form(alice, case_values(BENIGN_ID), sample_ref="LAB-8/B")
    query = {"zone": "malignant", "sample_ref": " lab-7 "}  # a part, any case, trimmed
    page = alice.get("/predictions", query_string=query).get_data(as_text=True)
    assert "1 prediction" in page and "LAB-7/M" in page and "LAB-8/B" not in page
    items = api.get("/predictions", query_string=query).get_json()["items"]
    assert [item["sample_ref"] for item in items] == ["LAB-7/M"]
    assert api.get("/predictions?zone=check_input").get_json()["total"] == 0  # every zone
    options = re.findall(r'<option value="([a-z_]*)"', page)  # the page's choices: vocabulary's
    assert options == ["", *FILTER_ZONES]


def test_empty_fields_of_the_page_form_mean_no_filter_but_the_api_refuses_them(alice, api):
    empty = {"since": "", "until": "", "zone": "", "sample_ref": "", "awaiting": ""}
    assert alice.get("/predictions", query_string=empty).status_code == 200
    listed = api.get("/predictions?zone=")
    assert listed.status_code == 422
    assert listed.get_json()["error"]["details"][0] == {"field": "zone", "problem": ZONE_RULE}


def test_the_api_refuses_an_unknown_parameter_the_page_ignores_it(alice, api):
    assert alice.get("/predictions?utm_source=mail").status_code == 200
    listed = api.get("/predictions?awaiting=1")  # the page's name is not the API's
    assert listed.status_code == 422
    assert listed.get_json()["error"]["details"][0]["field"] == "awaiting"


def test_one_parser_reads_both_spellings_into_the_same_filter():
    page = {"zone": "benign", "sample_ref": "ab-1", "since": "2026-01-02", "awaiting": "1"}
    api = {**{k: v for k, v in page.items() if k != "awaiting"}, "awaiting_outcome": "true"}
    assert history.parse_query(page, history.PAGE) == history.parse_query(api, history.API)
    filters, number = history.parse_query(page, history.PAGE)
    assert number == 1 and filters.awaiting_outcome and filters.zone == "benign"


def test_the_page_states_the_refusal_above_its_filter_form_in_english_and_french(alice):
    page = alice.get("/predictions?zone=malignent")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="history-problem"' in text
    assert "This filter cannot be used:" in text and 'name="zone"' in text  # the form stays
    assert 'id="history-table"' not in text  # no list is shown (nor audited)
    alice.set_cookie(LANGUAGE_COOKIE, "fr")
    french = alice.get("/predictions?zone=malignent").get_data(as_text=True)
    assert "Ce filtre ne peut pas être utilisé" in french and f"zone: {ZONE_RULE}" in french
