"""Browser tests in real headless Chromium (Debian's package), driven by Playwright.

The browser is never downloaded: Playwright launches ``/usr/bin/chromium``. Without it the browser
tests are skipped with a message; with ``CI=true`` a missing browser is a failure.

Every test here is marked ``e2e`` (``tests/conftest.py``): ``make test`` leaves them out, ``make
test-slow`` (and so ``.ci/run``) runs them, ``pytest -m e2e`` runs them alone. Screenshots go
to the run's temporary folder; ``make screenshots`` sets ``PINKBREAST_SCREENSHOTS_DIR`` to
``docs/screenshots`` to refresh the committed ones.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pinkbreast.web import create_app

CHROMIUM = os.environ.get("PINKBREAST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS_ENV = "PINKBREAST_SCREENSHOTS_DIR"
_screenshots: list[Path] = []  # the folder of this run, set by the fixture below


@pytest.fixture(scope="session", autouse=True)
def _screenshots_folder(tmp_path_factory) -> Path:
    """Where ``screenshot`` writes: $PINKBREAST_SCREENSHOTS_DIR, else the run's temporary
    folder (tests never rewrite the committed files in docs/screenshots)."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    _screenshots[:] = [folder]
    return folder


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI=true requires it", pytrace=False)
        pytest.skip(f"{message}; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(settings):
    """The real app on a free localhost port, served by a thread for the browser."""
    yield from _serve(create_app(settings))


def _serve(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(params=["sqlite"])
def empty_database_url(request, tmp_path):
    """A browser journey needs one database; the service tests cover the three backends."""
    return f"sqlite:///{tmp_path / 'browser.db'}"


@pytest.fixture
def clinic_server(app, users):
    """The test app (with its accounts) on a free localhost port, served by a thread."""
    yield from _serve(app)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core in the page; return violations of the given impacts.

    axe is evaluated through the DevTools protocol, which the page's strict CSP (rightly) does
    not let a ``<script>`` tag do.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> Path:
    (folder,) = _screenshots
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
