# ruff: noqa: F811 - pytest fixtures imported from test_clinical_workflow
"""Numbers typed and pasted the French way, in real Chromium with the fr-FR locale: a decimal
comma is read as one, an ambiguous number is refused with the reason, a French spreadsheet row
fills the 30 fields, and the result lists all 30 values."""

import pytest

from pinkbreast.features import FEATURE_NAMES
from tests.clinic.helpers import case_values, prediction_rows
from tests.e2e.conftest import screenshot
from tests.e2e.test_clinical_workflow import (  # noqa: F401 - fixtures
    _log_in,
    clinic_server,
    empty_database_url,
)
from tests.workflow import PASSWORDS

CASE_ID = 842517


@pytest.fixture
def french(browser, clinic_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, clinic_server, "alice", PASSWORDS["alice"])
    yield page
    context.close()


def _french(value: float) -> str:
    return repr(value).replace(".", ",")


def test_a_decimal_comma_is_read_as_typed_and_an_ambiguous_number_refused(
    french,
    clinic_server,
    settings,
):
    page = french
    page.goto(clinic_server + "/predict")
    page.fill("#sample_ref", "FR-COMMA")
    for name, value in case_values(CASE_ID).items():
        page.fill(f"#{name}", _french(value))
    page.fill("#area_mean", "1.000,5")
    assert "⚠" in page.inner_text("#area_mean-understood")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#form-problems")
    assert "virgule et un point" in page.inner_text("main")
    assert prediction_rows(settings.database_url) == []

    page.fill("#area_mean", "1001,5")
    assert page.inner_text("#area_mean-understood").startswith("= 1001,5")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    (record,) = prediction_rows(settings.database_url)
    assert record.area_mean == 1001.5
    assert record.radius_se == case_values(CASE_ID)["radius_se"]  # "1,095"-like values kept
    assert page.locator("#values-table tbody tr").count() == 30
    screenshot(page, "result-values-fr")


def test_a_french_spreadsheet_row_fills_the_form(french, clinic_server, settings):
    page = french
    page.goto(clinic_server + "/predict")
    page.fill("#sample_ref", "FR-PASTE")
    values = case_values(CASE_ID)
    page.locator("details summary").first.click()
    page.fill("#paste", "\t".join(_french(values[name]) for name in FEATURE_NAMES))
    page.click("#paste-apply")
    assert "30" in page.inner_text("#paste-status")
    assert page.input_value("#radius_mean") == _french(values["radius_mean"])
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    (record,) = prediction_rows(settings.database_url)
    assert record.feature_values() == values
