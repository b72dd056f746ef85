"""Measuring from an image in real headless Chromium: upload -> outlines -> leave one out ->
the values change -> use them -> the prediction form, filled, then the result with the image,
its contours and the notice that image-derived values are not Xcyt's.

The image is scikit-image's immunohistochemistry sample (real microscopy, shipped with the
package). Screenshots: docs/screenshots/measure-*.png.
"""

import json

import pytest
from skimage import data

from tests.e2e.conftest import axe_violations, screenshot
from tests.imaging_scenes import encode
from tests.workflow import PASSWORDS


def _radius_mean(page) -> float:
    cell = page.locator('#measure-summary td[data-feature="radius_mean"]')
    return json.loads(cell.get_attribute("data-value"))


def _signed_in(browser, base: str, locale: str):
    """A browser context in ``locale`` and its page, signed in as alice."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORDS["alice"])
    page.locator("main form button[type=submit]").first.click()
    return context, page


def test_upload_review_leave_one_out_and_use_the_measurements(browser, clinic_server):
    base = clinic_server
    context, page = _signed_in(browser, base, "en-GB")

    page.goto(base + "/measure")
    assert axe_violations(page) == []
    image = encode(data.immunohistochemistry())
    page.set_input_files("#image", {"name": "IHC-1.png", "mimeType": "image/png",
                                    "buffer": image})  # fmt: skip
    page.fill("#pixel_size", "0.25")
    page.click("#measure-submit")
    page.wait_for_selector("#measure-overlay", timeout=60_000)
    found = page.locator(".pb-nucleus").count()
    assert found >= 30
    assert page.locator("#measure-count").inner_text() == f"{found} of {found} nuclei accepted"
    assert page.locator("#image-notice").is_visible()
    assert axe_violations(page) == []
    before = _radius_mean(page)
    screenshot(page, "measure-review")

    page.locator('.pb-nucleus[data-number="1"] polygon').click()
    page.wait_for_function(
        "n => document.querySelector('#measure-count').textContent.startsWith(n + ' of')",
        arg=found - 1,
        timeout=60_000,
    )
    assert page.locator('.pb-nucleus[data-number="1"]').get_attribute("aria-pressed") == "true"
    after = _radius_mean(page)
    assert after != before
    screenshot(page, "measure-left-out")

    page.click("#use-measurements")
    page.wait_for_selector("#prediction-form")
    assert page.locator("#image-notice").is_visible()
    assert page.input_value("#sample_ref") == "IHC-1"
    assert float(page.input_value("#radius_mean")) == pytest.approx(after, rel=1e-9)
    screenshot(page, "measure-prediction-form")
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_url("**/predictions/*")
    assert page.locator("#image-notice").is_visible()
    assert page.locator("#image-provenance polygon").count() == found - 1  # one left out
    page.wait_for_function("() => document.querySelector('#image-provenance img').complete")
    assert page.locator("#image-provenance img").evaluate("img => img.naturalWidth") == 512
    screenshot(page, "measure-result")
    context.close()


def test_the_measuring_pages_in_french(browser, clinic_server):
    """A French browser: the pages, the count and the notice in French, the pixel size typed
    with a decimal comma, no dot-decimal number in the visible text, and the form filled in
    the French way."""
    from tests.clinic.test_french_pages import DOT_DECIMAL
    from tests.imaging_scenes import PIXEL_SIZE, many_nuclei

    context, page = _signed_in(browser, clinic_server, "fr-FR")

    page.goto(clinic_server + "/measure")
    assert page.locator("h1").inner_text() == "Mesurer sur une image"
    slide = encode(many_nuclei(3, size=(400, 500), count=12))
    page.set_input_files("#image", {"name": "S-42.png", "mimeType": "image/png",
                                    "buffer": slide})  # fmt: skip
    page.fill("#pixel_size", str(PIXEL_SIZE).replace(".", ","))
    page.click("#measure-submit")
    page.wait_for_selector("#measure-overlay", timeout=60_000)
    assert page.locator("#measure-count").inner_text() == "12 noyaux retenus sur 12"
    assert "ne sont pas celles de Xcyt" in page.locator("#image-notice").inner_text()
    text = page.locator("main").inner_text()
    assert DOT_DECIMAL.findall(text) == []
    assert axe_violations(page) == []
    screenshot(page, "measure-review-fr")

    page.locator('.pb-nucleus[data-number="2"] polygon').click()
    page.wait_for_function(
        "() => document.querySelector('#measure-count').textContent.startsWith('11 ')",
        timeout=60_000,
    )
    page.click("#use-measurements")
    page.wait_for_selector("#prediction-form")
    radius = page.input_value("#radius_mean")
    assert "," in radius and "." not in radius  # written the French way
    assert page.input_value("#sample_ref") == "S-42"
    page.locator("#prediction-form button[type=submit]").click()
    page.wait_for_url("**/predictions/*")
    notice = page.locator("#image-notice").inner_text()
    assert "Aucun cas confirmé mesuré sur image" in notice
    assert page.locator("#image-provenance polygon").count() == 11
    assert DOT_DECIMAL.findall(page.locator("#image-provenance").inner_text()) == []

    # On a phone the image-derived result (notice, outlines, values) fits without sideways scroll.
    from tests.e2e.test_small_screens import NO_SIDEWAYS_SCROLL

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#image-provenance")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")
    overlay = page.locator("#image-provenance svg").first.bounding_box()
    assert overlay is not None and overlay["x"] + overlay["width"] <= 390
    screenshot(page, "measure-result-390-fr")
    context.close()
