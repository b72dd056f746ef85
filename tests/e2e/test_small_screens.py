"""Phones and tablets: the form and the result fit 390 px and 768 px without sideways
scrolling, in English and in French."""

import pytest

from tests.clinic.helpers import case_values
from tests.e2e.conftest import screenshot
from tests.e2e.test_clinical_workflow import _log_in
from tests.workflow import PASSWORDS

CASE_ID = 842517
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize(("width", "lang"), [(390, "en"), (390, "fr"), (768, "en")])
def test_form_and_result_fit_the_screen(browser, clinic_server, width, lang):
    context = browser.new_context(
        locale="fr-FR" if lang == "fr" else "en-GB",
        viewport={"width": width, "height": 844},
        is_mobile=width < 500,
        has_touch=width < 500,
    )
    page = context.new_page()
    _log_in(page, clinic_server, "alice", PASSWORDS["alice"])
    page.goto(clinic_server + "/predict")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")
    page.fill("#sample_ref", f"PHONE-{width}")
    for name, value in case_values(CASE_ID).items():
        typed = repr(value).replace(".", ",") if lang == "fr" else repr(value)
        page.fill(f"#{name}", typed)
    suffix = f"{width}" + ("-fr" if lang == "fr" else "")
    if width == 390:
        screenshot(page, f"form-{suffix}")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#values-table")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")
    chart = page.locator("#explanation-table").bounding_box()
    assert chart is not None and chart["x"] + chart["width"] <= width
    screenshot(page, f"result-{suffix}")
    context.close()
