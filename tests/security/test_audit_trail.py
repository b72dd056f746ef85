"""The audit trail: same-transaction writes, filters, CSV export safe for spreadsheets."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, User
from pinkbreast.db.session import session_scope, transaction
from pinkbreast.services import audit
from pinkbreast.services.accounts import AccountError, register
from pinkbreast.services.passwords import make_hasher
from tests.web_fixtures import PASSWORD, TEST_HASH


def _count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_a_failed_action_leaves_neither_its_change_nor_its_audit_row(session):
    hasher = make_hasher(TEST_HASH)
    register(session=session, hasher=hasher, username="one", email="o@ex.org", password=PASSWORD)
    with pytest.raises(AccountError):
        register(session=session, hasher=hasher, username="two", email="x@e.org", password="short")
    assert _count(session) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (";=1+1", ";'=1+1"),  # a spreadsheet splitting on ";" (French Excel)
        ("ref,@SUM(A1)", "ref,'@SUM(A1)"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("\uff0b1", "'\uff0b1"),
        ("Jane-2 7", "Jane-2 7"),
        (None, ""),
    ],
)
def test_spreadsheet_formulas_are_neutralised(value, cell):
    assert audit.spreadsheet_safe(value) == cell


def test_auditors_filter_and_export_the_trail(app, auth, actors, settings):
    attacker = app.test_client()
    auth.login(attacker, "=cmd|' /C calc'!A0", "whatever it is here")
    auditor = auth.client_for("auditor")
    page = auditor.get("/admin/audit?outcome=denied&action=login.")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "login.failed" in text and "login.succeeded" not in text
    export = auditor.get("/admin/audit.csv?outcome=denied")
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [row["action"] for row in rows] == ["login.failed"]
    # the typed unknown name is not stored at all (spreadsheet_safe is tested above)
    assert rows[0]["actor_name"] == "" and rows[0]["detail"] == "unknown account"
    with session_scope(settings.database_url) as session:
        exported = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "audit.export")
        ).one()
    assert exported.actor_id == actors["auditor"]


def test_a_denied_access_is_recorded(auth, actors, settings):
    auth.client_for("clinician_b").get("/admin/audit")
    with session_scope(settings.database_url) as session:
        event = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).one()
    assert (event.actor_id, event.outcome, event.record_id) == (
        actors["clinician_b"],
        "denied",
        "admin.audit_events",
    )


def test_a_bad_date_filter_shows_an_error_and_everything(auth, actors):
    auditor = auth.client_for("auditor")
    page = auditor.get("/admin/audit?since=yesterday")
    assert page.status_code == 400 and "is-invalid" in page.get_data(as_text=True)


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(session):
    with transaction(session):
        event = audit.record(session=session, action="test.event", actor_name="someone")
    event.outcome = "denied"
    with pytest.raises(audit.AppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(audit.AppendOnly):
        session.flush()
    session.rollback()
    assert session.get(AuditEvent, event.id).outcome == "allowed"
