"""Propose -> approve -> roll back in real headless Chromium, in English and in French, with
the validation report and the comparison page (`make screenshots` writes their screenshots to
docs/screenshots/).

The registry is trained once for the module (quick mode, one repeat of three folds): champion
version 1 on the reference cases, challenger version 2 with the simulated site's cases.
"""

import dataclasses

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, User
from pinkbreast.db.session import session_factory
from pinkbreast.ml import aliases, serving
from pinkbreast.ml.challenger import train_challenger
from pinkbreast.ml.data import load_reference
from pinkbreast.ml.evaluate import CVConfig
from pinkbreast.ml.train import train
from pinkbreast.services.site_cases import adopt_confirmed, load_site_frame
from tests.e2e.conftest import axe_violations, screenshot
from tests.site.simulation import scored_and_confirmed, shifted_site
from tests.web_fixtures import PASSWORD, TEST_HASH, make_account

CHEAP = CVConfig(repeats=1, folds=3)
TEXT = {
    "en": {"four_eyes": "A second administrator must approve", "served": "Champion (served): "
           "version 2", "back": "Champion (served): version 1"},
    "fr": {"four_eyes": "Un second administrateur doit approuver", "served": "Champion (servi) : "
           "version 2", "back": "Champion (servi) : version 1"},
}  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("promotion-registry")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    reference = load_reference()
    train(reference, tracking_uri=uri, artifact_location=folder / "art", config=CHEAP, quick=True)
    site = shifted_site().assign(origin="imported")
    site["id"] = 10**12 + site.index
    train_challenger(reference, site, tracking_uri=uri, artifact_location=folder / "art",
                     config=CHEAP, quick=True)  # fmt: skip
    serving.forget()
    yield uri
    serving.forget()


@pytest.fixture
def server(settings, store, monkeypatch):
    import threading

    from werkzeug.serving import make_server

    from pinkbreast.web import create_app

    monkeypatch.setattr(serving, "RECHECK_SECONDS", 0.0)
    config = dataclasses.replace(settings, password_hash=TEST_HASH, mlflow_tracking_uri=store)
    for name in ("anna", "boris"):
        make_account(config.database_url, name, "admin")
    session = session_factory(config.database_url)()
    anna = session.scalar(sa.select(User).where(User.username == "anna"))
    scored_and_confirmed(session, anna, shifted_site(), store)
    adopt_confirmed(session=session, actor=anna)
    assert len(load_site_frame(session)) == 200
    app = create_app(config)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", session
    http.shutdown()
    thread.join(timeout=10)
    session.close()


def _log_in(page, base, username):
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_propose_approve_and_roll_back_in_the_browser(browser, server, store, lang):
    base, session = server
    text, locale = TEXT[lang], ("fr-FR" if lang == "fr" else "en-GB")
    suffix = "" if lang == "en" else "-fr"
    anna_ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    boris_ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    anna, boris = anna_ctx.new_page(), boris_ctx.new_page()
    _log_in(anna, base, "anna")
    _log_in(boris, base, "boris")

    anna.goto(base + "/admin/validation")
    assert anna.locator("html").get_attribute("lang") == lang
    assert anna.locator("#validation-table").is_visible()
    assert axe_violations(anna) == []
    screenshot(anna, "site-validation" + suffix)

    anna.goto(base + "/admin/challenger")
    assert anna.locator("#comparison-table").is_visible()
    assert axe_violations(anna) == []
    screenshot(anna, "challenger" + suffix)
    anna.locator("#propose").click()
    anna.locator("#approve").click()
    assert text["four_eyes"] in anna.inner_text("main")
    assert aliases.version_of(store, "champion") == "1"

    boris.goto(base + "/admin/challenger")
    boris.locator("#approve").click()
    assert text["served"] in boris.inner_text("main")
    assert serving.champion(store).version == "2"
    if lang == "en":
        screenshot(boris, "promotion-approved")

    anna.goto(base + "/admin/challenger")
    anna.locator("#rollback").click()
    assert text["back"] in anna.inner_text("main")
    assert serving.champion(store).version == "1"

    actions = session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action.startswith("model."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["model.propose", "model.promote", "model.promote", "model.rollback"]
    anna_ctx.close()
    boris_ctx.close()
