"""The home page in a real browser: renders with vendored assets, no accessibility blockers."""

from tests.e2e.conftest import axe_violations, screenshot


def test_home_page_renders_with_bootstrap_and_passes_axe(page, live_server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Decision support")
    navbar_colour = page.eval_on_selector(".navbar", "e => getComputedStyle(e).backgroundColor")
    assert navbar_colour == "rgb(176, 36, 93)"  # app.css loaded after vendored Bootstrap
    assert failed == []
    assert axe_violations(page) == []
    screenshot(page, "home")
