"""Every read of patient data is audited, lists included (issue 17, item 2): one audit row per
list request with the actor, the filters and the ids returned; the audit page filters on it."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, User
from pinkbreast.db.session import session_scope
from pinkbreast.services import tokens
from pinkbreast.services.predictions import Sample, Submission, create_predictions
from tests.clinic.helpers import case_values
from tests.workflow import ApiClient


def _predict(settings, user_id: int, refs: list[str]) -> list[int]:
    with session_scope(settings.database_url) as session:
        user = session.get(User, user_id)
        samples = [Sample(values=case_values(842302), sample_ref=ref) for ref in refs]
        records = create_predictions(
            session=session,
            submission=Submission(user=user, explain=False),
            samples=samples,
            tracking_uri=settings.mlflow_tracking_uri,
        ).records
        return [record.id for record in records]


def _lists(settings) -> list[AuditEvent]:
    with session_scope(settings.database_url) as session:
        query = sa.select(AuditEvent).where(AuditEvent.action == "prediction.list")
        return list(session.scalars(query.order_by(AuditEvent.id)))


def _ids(event: AuditEvent) -> list[int]:
    return [int(part) for part in event.record_ids.split(",") if part]


def test_the_history_page_audits_what_it_showed(app, auth, actors, app_settings):
    own = _predict(app_settings, actors["clinician_a"], ["A-1", "A-2"])
    other = _predict(app_settings, actors["clinician_b"], ["B-1"])
    client = auth.client_for("clinician_a")
    assert client.get("/predictions").status_code == 200
    assert client.get("/predictions?sample_ref=A-2&zone=malignant").status_code == 200
    unfiltered, filtered = _lists(app_settings)
    assert unfiltered.actor_id == actors["clinician_a"] and unfiltered.client_address
    assert sorted(_ids(unfiltered)) == sorted(own)
    assert unfiltered.detail == "web own page=1"
    assert _ids(filtered) == [own[1]]
    assert filtered.detail == "web own page=1 zone=malignant sample_ref=A-2"
    admin = auth.client_for("admin")
    assert admin.get("/predictions").status_code == 200
    everyone = _lists(app_settings)[-1]
    assert everyone.actor_id == actors["admin"] and everyone.detail == "web all users page=1"
    assert sorted(_ids(everyone)) == sorted(own + other)


def test_the_api_list_is_audited(app, actors, app_settings):
    ids = _predict(app_settings, actors["clinician_a"], ["A-1"])
    with session_scope(app_settings.database_url) as session:
        user = session.get(User, actors["clinician_a"])
        plain, _ = tokens.create_token(session=session, user=user, name="lab")
    api = ApiClient(app.test_client(), plain)
    assert api.get("/predictions?since=2020-01-01").status_code == 200
    (event,) = _lists(app_settings)
    assert event.actor_id == actors["clinician_a"] and _ids(event) == ids
    assert event.detail == "api own page=1 since=2020-01-01"


def test_an_empty_list_is_audited_too(auth, actors, app_settings):
    auth.client_for("clinician_a").get("/predictions")
    (event,) = _lists(app_settings)
    assert event.record_ids == ","


def test_auditors_find_who_read_a_record_in_a_list(auth, actors, app_settings):
    first, second = _predict(app_settings, actors["clinician_a"], ["A-1", "A-2"])
    client = auth.client_for("clinician_a")
    client.get("/predictions?sample_ref=A-1")
    client.get("/predictions?sample_ref=A-2")
    auditor = auth.client_for("auditor")
    page = auditor.get(f"/admin/audit?action=prediction.list&prediction={first}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "sample_ref=A-1" in text and "sample_ref=A-2" not in text
    export = auditor.get(f"/admin/audit.csv?prediction={second}")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [row["detail"] for row in rows] == ["web own page=1 sample_ref=A-2"]
    assert rows[0]["record_ids"] == str(second)
