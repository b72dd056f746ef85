"""The access-control matrix: every route × every kind of visitor → the expected status.

The matrix is built against ``app.url_map``: a route without a row here fails the test, so each
new route must say who may use it. Later issues add rows (and ``TARGETS`` for new URL
parameters, e.g. a prediction owned by clinician A that clinician B must not reach).

``LOGIN`` means "redirected to the login page"; other 302s are ordinary redirects. POST rows
send an empty form with CSRF checks off (CSRF has its own test): the point is who gets in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pinkbreast.db.models import User
from pinkbreast.db.session import session_scope
from pinkbreast.services.predictions import Sample, Submission, create_predictions
from pinkbreast.services.tokens import create_token
from tests.clinic.helpers import case_values
from tests.web_fixtures import ACTORS, make_account

LOGIN = "login"
EVERYONE = lambda status: (status,) * len(ACTORS)  # noqa: E731
#            anonymous pending clinician_a clinician_b auditor admin
SIGNED_IN = (LOGIN, 403, 200, 200, 200, 200)
ADMIN_ONLY = (LOGIN, 403, 403, 403, 403, 200)
ADMIN_ACTION = (LOGIN, 403, 403, 403, 403, 302)
AUDIT = (LOGIN, 403, 403, 403, 200, 200)
ANONYMOUS_ONLY = (200, 302, 302, 302, 302, 302)
CLINICAL = (LOGIN, 403, 200, 200, 403, 200)
CLINICAL_FORM = (LOGIN, 403, 400, 400, 403, 400)  # an empty form is refused with its errors
OWN_RECORD = (LOGIN, 403, 200, 404, 403, 200)  # clinician A's record: B gets 404, not 403
OWN_DRAFT = (LOGIN, 403, 200, 404, 403, 404)  # an image being measured: its uploader's only
API = EVERYONE(401)  # the API takes bearer tokens only; a session cookie is not enough

MATRIX: dict[tuple[str, str], tuple] = {
    ("GET", "main.home"): EVERYONE(200),
    ("GET", "main.guide"): EVERYONE(200),
    ("GET", "main.healthz"): EVERYONE(200),
    ("GET", "main.readyz"): EVERYONE(200),
    ("POST", "main.language"): EVERYONE(302),
    ("GET", "auth.register"): ANONYMOUS_ONLY,
    ("POST", "auth.register"): ANONYMOUS_ONLY,
    ("GET", "auth.login"): ANONYMOUS_ONLY,
    ("POST", "auth.login"): ANONYMOUS_ONLY,
    ("POST", "auth.logout"): (LOGIN, 302, 302, 302, 302, 302),
    ("GET", "auth.account"): SIGNED_IN,
    ("GET", "auth.change_password"): SIGNED_IN,
    ("POST", "auth.change_password"): SIGNED_IN,
    ("GET", "admin.accounts"): ADMIN_ONLY,
    ("GET", "admin.account"): ADMIN_ONLY,
    ("POST", "admin.approve"): ADMIN_ACTION,
    ("POST", "admin.deactivate"): ADMIN_ACTION,
    ("POST", "admin.reactivate"): ADMIN_ACTION,
    ("POST", "admin.change_role"): ADMIN_ACTION,
    ("POST", "admin.reset_password"): (LOGIN, 403, 403, 403, 403, 200),
    ("POST", "admin.revoke_token"): (LOGIN, 403, 403, 403, 403, 303),
    ("GET", "admin.audit_events"): AUDIT,
    ("GET", "admin.validation"): ADMIN_ONLY,
    ("POST", "admin.adopt"): (LOGIN, 403, 403, 403, 403, 303),
    ("GET", "admin.challenger"): ADMIN_ONLY,
    ("POST", "admin.promotion_propose"): (LOGIN, 403, 403, 403, 403, 303),
    ("POST", "admin.promotion_approve"): (LOGIN, 403, 403, 403, 403, 303),
    ("POST", "admin.promotion_reject"): (LOGIN, 403, 403, 403, 403, 303),
    ("POST", "admin.promotion_rollback"): (LOGIN, 403, 403, 403, 403, 303),
    ("POST", "admin.train_challenger"): (LOGIN, 403, 403, 403, 403, 400),  # no CSRF token
    ("GET", "admin.audit_export"): AUDIT,
    ("GET", "metrics.scrape"): EVERYONE(200),  # the test client is 127.0.0.1, on the allow-list
    ("GET", "clinic.predict"): CLINICAL,
    ("POST", "clinic.predict"): CLINICAL_FORM,
    ("GET", "clinic.result"): OWN_RECORD,
    ("GET", "clinic.report_pdf"): OWN_RECORD,
    ("GET", "clinic.prediction_image"): (LOGIN, 403, 404, 404, 403, 404),  # none: no image
    ("POST", "clinic.record_outcome"): (LOGIN, 403, 400, 404, 403, 400),
    ("GET", "clinic.history_page"): CLINICAL,
    ("GET", "clinic.batch"): CLINICAL,
    ("POST", "clinic.batch"): CLINICAL_FORM,
    ("GET", "clinic.batch_result"): OWN_RECORD,
    ("GET", "clinic.batch_download"): OWN_RECORD,
    ("GET", "clinic.batch_template"): CLINICAL,
    ("GET", "clinic.measure_upload"): CLINICAL,
    ("POST", "clinic.measure_upload"): CLINICAL_FORM,
    ("GET", "clinic.measure_review"): OWN_DRAFT,
    ("POST", "clinic.measure_update"): (LOGIN, 403, 400, 404, 403, 404),  # empty body: 400
    ("GET", "clinic.measure_image"): OWN_DRAFT,
    ("GET", "tokens.index"): CLINICAL,
    ("POST", "tokens.index"): CLINICAL_FORM,
    ("POST", "tokens.revoke"): (LOGIN, 403, 303, 404, 403, 303),
    ("GET", "monitoring.dashboard"): ADMIN_ONLY,
    ("GET", "monitoring.data"): ADMIN_ONLY,
    ("POST", "monitoring.data"): (LOGIN, 403, 403, 403, 403, 400),
    ("GET", "monitoring.eda"): ADMIN_ONLY,
    ("GET", "api.openapi_json"): EVERYONE(200),
    ("GET", "api_docs.index"): (LOGIN, 403, 200, 200, 200, 200),
    ("POST", "api.create_predictions"): API,
    ("POST", "api.create_measurement"): API,
    ("GET", "api.list_predictions"): API,
    ("GET", "api.get_prediction"): API,
    ("PUT", "api.put_outcome"): API,
    ("GET", "api.model"): API,
    ("GET", "api.get_report_pdf"): API,
    ("GET", "api.get_fhir"): API,
    ("GET", "fhir.code_system"): EVERYONE(200),
}


class Targets:
    """Values for URL parameters. ``user_id`` is clinician A's account (IDOR: B must not reach
    it), or a throw-away account for routes that change the account they name; predictions,
    batches and API tokens belong to clinician A."""

    def __init__(self, settings, actors: dict[str, int]):
        self.settings = settings
        self.database_url = settings.database_url
        self.actors = actors
        self.made = 0

    def prediction_id(self, method: str) -> int:
        return self._predictions(1)[0].id

    def batch_id(self, method: str) -> str:
        return self._predictions(2)[0].batch_id

    def token_id(self, method: str) -> int:
        with session_scope(self.database_url) as session:
            user = session.get(User, self.actors["clinician_a"])
            _, record = create_token(session=session, user=user, name="matrix")
            return record.id

    def _predictions(self, n: int):
        with session_scope(self.database_url) as session:
            user = session.get(User, self.actors["clinician_a"])
            submission = Submission(user=user, explain=False)
            samples = [Sample(values=case_values(842302), sample_ref="A-1")] * n
            return create_predictions(
                session=session,
                submission=submission,
                samples=samples,
                tracking_uri=self.settings.mlflow_tracking_uri,
            ).records

    def measurement_token(self, method: str) -> str:
        """An image clinician A uploaded for measuring."""
        from pinkbreast.services.measure_drafts import save_draft
        from tests.imaging_scenes import encode, many_nuclei

        data = encode(many_nuclei(0, size=(200, 200), count=3))
        draft = save_draft(instance=self.settings.instance_path,
                           user_id=self.actors["clinician_a"], name="a.png", data=data,
                           pixel_size_um=0.35)  # fmt: skip
        return draft.token

    def user_id(self, method: str) -> int:
        if method == "GET":
            return self.actors["clinician_a"]
        self.made += 1
        return make_account(self.database_url, f"target-{self.made}", status="pending")


TARGETS = {
    "user_id": Targets.user_id,
    "prediction_id": Targets.prediction_id,
    "batch_id": Targets.batch_id,
    "token_id": Targets.token_id,
    "code_system": lambda targets, method: "wdbc-measurements",
    "token": Targets.measurement_token,
    "promotion_id": lambda targets, method: 1,  # none exists: refused, redirected
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


@pytest.mark.sqlite_only  # the route table, not SQL
def test_every_route_has_a_row_in_the_matrix(app):
    routes = _routes(app)
    assert sorted(routes - set(MATRIX)) == [], "new routes need a row in MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "rows for routes that no longer exist"


@pytest.mark.sqlite_only  # the route table, not SQL
def test_every_route_declares_who_may_use_it(app):
    from pinkbreast.web.access import declared_access

    undeclared = sorted(e for _, e in _routes(app) if declared_access(app, e) is None)
    assert undeclared == []


def _url(app, endpoint: str, method: str, targets: Targets) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint) if method in r.methods)
    values = {name: TARGETS[name](targets, method) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _outcome(response) -> int | str:
    if response.status_code == 302 and urlsplit(response.location).path == "/login":
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(app, app_settings, auth, actors, actor):
    """Each actor gets exactly the expected answer from every route (all mismatches listed)."""
    app.config["WTF_CSRF_ENABLED"] = False
    column = ACTORS.index(actor)
    targets = Targets(app_settings, actors)
    mismatches = []
    for (method, endpoint), expected in sorted(MATRIX.items()):
        client = auth.client_for(actor)
        url = _url(app, endpoint, method, targets)
        got = _outcome(client.open(url, method=method, data={}))
        if got != expected[column]:
            mismatches.append(
                f"{method} {url} ({endpoint}): expected {expected[column]}, got {got}"
            )
    assert mismatches == []


def test_clinician_b_cannot_reach_clinician_a_account_pages(app, auth, actors):
    """No IDOR on accounts: B gets 403 for A's account page and any change to it."""
    client = auth.client_for("clinician_b")
    a = actors["clinician_a"]
    assert client.get(f"/admin/accounts/{a}").status_code == 403
    token = auth.csrf_token(client)
    for action in ("deactivate", "reset-password", "role"):
        url = f"/admin/accounts/{a}/{action}"
        assert client.post(url, data={"csrf_token": token, "role": "admin"}).status_code == 403
    own = client.get("/account").get_data(as_text=True)
    assert "clinician-b" in own and "clinician-a" not in own
