"""Numbers typed and pasted the French way, in real Chromium with the fr-FR locale: a decimal
comma is read as one, an ambiguous number is refused with the reason, a French spreadsheet row
fills the 30 fields, and the result lists all 30 values."""

import re

import pytest

from pinkbreast.features import FEATURE_NAMES
from tests.clinic.helpers import case_values, prediction_rows
from tests.e2e.conftest import screenshot
from tests.e2e.test_clinical_workflow import _log_in
from tests.factories import kaggle_text, reference
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


def test_the_review_step_back_and_rerun_keep_the_values_typed_the_french_way(
    french, clinic_server, settings
):
    page = french
    values = case_values(CASE_ID)
    page.goto(clinic_server + "/predict")
    page.fill("#sample_ref", "FR-REVIEW")
    for name, value in values.items():
        page.fill(f"#{name}", _french(value))
    page.fill("#area_mean", "3000,5")  # above the reference range: flagged on review
    page.check("#review-first")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#review-table")
    assert page.locator("#review-table tbody tr").count() == 30
    assert page.locator("#review-table tr.table-warning").count() == 1
    assert "3000,5" in page.inner_text("#review-table")
    assert prediction_rows(settings.database_url) == []
    screenshot(page, "review-fr")

    page.click("#review-edit")  # back to the form with every value as typed
    page.wait_for_selector("#prediction-form")
    assert page.input_value("#area_mean") == "3000,5"
    page.fill("#area_mean", "1326,5")  # near the case's 1326: an ordinary sample
    page.uncheck("#review-first")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    (record,) = prediction_rows(settings.database_url)
    assert record.area_mean == 1326.5 and record.radius_mean == values["radius_mean"]
    assert page.locator("#explanation-table tbody tr").count() >= 6, page.inner_text("main")

    page.goto(clinic_server + "/predict")  # a form reached plainly, sent, then Back
    for name, value in values.items():
        page.fill(f"#{name}", _french(value))
    page.fill("#sample_ref", "FR-BACK")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    page.go_back()  # the browser's Back: the form comes back filled
    page.wait_for_selector("#prediction-form")
    assert page.input_value("#radius_mean") == _french(values["radius_mean"])
    assert page.input_value("#sample_ref") == "FR-BACK"

    page.goto(clinic_server + f"/predictions/{record.id}")
    page.click("#rerun-button")  # edit and re-run: a second prediction, the first kept
    page.wait_for_selector("#prediction-form")
    assert page.input_value("#area_mean") == "1326,5"
    page.fill("#area_mean", "1330")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    first, _back, rerun = prediction_rows(settings.database_url)
    assert (first.area_mean, rerun.area_mean) == (1326.5, 1330.0)


def test_a_french_excel_csv_uploaded_in_the_browser_scores_like_its_english_twin(
    french, clinic_server, settings, tmp_path
):
    frame = reference(12)
    english = kaggle_text(frame, trailing_empty_column=False)
    french_text = "\n".join(
        ";".join(cell.replace(".", ",") for cell in line.split(","))
        for line in english.splitlines()
    )
    page = french
    results = []
    for name, text in (("en.csv", english), ("fr.csv", french_text)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        page.goto(clinic_server + "/batch")
        page.set_input_files("#file", str(path))
        page.click("#batch-submit")
        page.wait_for_selector("#batch-table")
        table = page.inner_text("#batch-table")
        results.append(re.sub(r"#\d+\t", "", table))  # prediction ids differ
    assert "points-virgules" in page.inner_text("main")  # says how the file was read
    assert results[0] == results[1]  # same zones, probabilities and values, in French
    rows = prediction_rows(settings.database_url)
    by_batch: dict = {}
    for row in rows:
        by_batch.setdefault(row.batch_id, []).append((row.probability, row.feature_values()))
    english_rows, french_rows = by_batch.values()
    assert english_rows == french_rows and len(english_rows) == 12
    screenshot(page, "batch-result-fr")
