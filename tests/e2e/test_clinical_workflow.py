"""The whole clinical workflow in real headless Chromium, in English and in French.

register -> an administrator approves -> log in -> type a real WDBC malignant case into the form
-> the result says Malignant with its explanation chart -> record the confirmed outcome ->
the history shows it. Accessibility (axe-core) is checked on every page a clinician uses.
"""

import pytest

from tests.clinic.helpers import case_values
from tests.clock import days_ago
from tests.e2e.conftest import axe_violations, screenshot
from tests.workflow import PASSWORDS

CASE_ID = 842517  # malignant in WDBC
TEXT = {
    "en": {
        "zone": "Malignant",
        "chart": "What pushed the estimate up or down",
        "outcome": "Malignant",
        "recorded": "Confirmed outcome recorded.",
    },
    "fr": {
        "zone": "Malin",
        "chart": "Ce qui a fait monter ou descendre l’estimation",
        "outcome": "Malin",
        "recorded": "Diagnostic confirmé enregistré.",
    },
}


def _submit(page):
    page.locator("main form button[type=submit]").first.click()


def _log_in(page, base, username, password):
    page.goto(base + "/login")
    assert axe_violations(page) == []
    page.fill("#username", username)
    page.fill("#password", password)
    _submit(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_register_approve_predict_confirm_and_find_in_history(browser, clinic_server, lang):
    base, text = clinic_server, TEXT[lang]
    locale = "fr-FR" if lang == "fr" else "en-GB"
    user_ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    admin_ctx = browser.new_context(locale=locale)
    page, admin = user_ctx.new_page(), admin_ctx.new_page()
    name, password = f"carla{lang}", "orchid-thunder-valley-2026"

    page.goto(base + "/register")
    assert page.locator("html").get_attribute("lang") == lang
    page.fill("#username", name)
    page.fill("#email", f"{name}@hospital.test")
    page.fill("#password", password)
    page.fill("#confirm", password)
    _submit(page)

    _log_in(admin, base, "admin", PASSWORDS["admin"])
    admin.goto(base + "/admin/accounts")
    admin.get_by_role("link", name=name).click()
    admin.locator("main form[action$='/approve'] button").click()

    _log_in(page, base, name, password)
    page.goto(base + "/predict")
    assert axe_violations(page) == []
    page.fill("#sample_ref", f"E2E-{lang}")
    for field, value in case_values(CASE_ID).items():
        page.fill(f"#{field}", repr(value))
    if lang == "en":
        screenshot(page, "form")
    page.locator("#prediction-form button[type=submit]").click()

    page.wait_for_selector("#verdict-heading")
    assert text["zone"] in page.locator("#verdict-heading").inner_text()
    assert page.locator("#explanation-table").is_visible()
    assert page.locator("#probability-scale svg").is_visible()
    assert text["chart"] in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "result" if lang == "en" else "result-fr")

    page.locator("input[name=diagnosis][value=M]").check()
    page.fill("#confirmed_on", days_ago(14).isoformat())
    page.locator("form.pb-outcome-form button[type=submit]").click()
    assert text["recorded"] in page.inner_text("main")

    page.goto(base + "/predictions")
    row = page.locator("#history-table tbody tr").first
    assert f"E2E-{lang}" in row.inner_text() and text["outcome"] in row.inner_text()
    assert axe_violations(page) == []

    admin.goto(base + "/admin/monitoring")
    assert admin.locator("#confusion").is_visible()
    assert axe_violations(admin) == []
    if lang == "en":
        screenshot(admin, "dashboard")
    user_ctx.close()
    admin_ctx.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_rescaled_values_get_no_answer_and_say_what_to_check(browser, clinic_server, lang):
    """The original project's failure mode: values rescaled to 0-1 typed into the form."""
    from pinkbreast.features import FEATURES

    base = clinic_server
    context = browser.new_context(
        locale="fr-FR" if lang == "fr" else "en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    _log_in(page, base, "alice", PASSWORDS["alice"])
    page.goto(base + "/predict")
    page.fill("#sample_ref", f"RESCALED-{lang}")
    raw = case_values(CASE_ID)
    for f in FEATURES:
        scaled = (raw[f.name] - f.reference_min) / (f.reference_max - f.reference_min)
        page.fill(f"#{f.name}", f"{scaled:.4f}")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_selector("#input-check")
    heading = page.locator("#verdict-heading").inner_text()
    expected = "check the input" if lang == "en" else "vérifier la saisie"
    assert expected in heading
    assert "Malignant" not in heading and "Malin" not in heading
    cause = page.locator("#input-check").inner_text()
    assert ("rescaled to 0–1" if lang == "en" else "ramenées entre 0 et 1") in cause
    assert axe_violations(page) == []
    screenshot(page, "result-check-input" if lang == "en" else "result-check-input-fr")
    context.close()
