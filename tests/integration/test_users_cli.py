"""``pinkbreast users create-admin`` and the first administrator made by ``pinkbreast prepare``."""

from __future__ import annotations

import re

import sqlalchemy as sa
from argon2 import PasswordHasher
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.models import User
from pinkbreast.db.session import session_scope

PASSWORD = "a long admin passphrase for tests"


def _admins(database_url: str) -> list[User]:
    with session_scope(database_url) as session:
        return list(session.scalars(sa.select(User).where(User.role == "admin")))


def test_prepare_creates_the_first_admin_once_and_shows_the_password_once(
    env, settings, champion_tracking_uri, monkeypatch
):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)  # no training here
    runner = CliRunner()
    first = runner.invoke(cli, ["prepare"])
    assert first.exit_code == 0, first.output
    shown = re.search(r"username: admin\s+password: (\S+)", first.output)
    assert shown, first.output
    (admin,) = _admins(settings.database_url)
    assert admin.status == "active" and admin.must_change_password
    assert PasswordHasher().verify(admin.password_hash, shown.group(1))
    again = runner.invoke(cli, ["prepare"])
    assert again.exit_code == 0 and "password" not in again.output
    assert len(_admins(settings.database_url)) == 1


def test_create_admin_prompts_for_the_password_twice(env, settings):
    result = CliRunner().invoke(
        cli,
        ["users", "create-admin", "Chief", "--email", "chief@example.org"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Administrator chief created." in result.output
    assert PASSWORD not in result.output
    (admin,) = _admins(settings.database_url)
    assert (admin.username, admin.status, admin.must_change_password) == (
        "chief",
        "active",
        False,
    )


def test_create_admin_never_takes_the_password_as_an_argument(env, settings):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["users", "create-admin", "chief", "--email", "c@example.org", "--password", PASSWORD],
    )
    assert result.exit_code == 2 and "No such option" in result.output


def test_create_admin_refuses_a_weak_password_with_the_reason(env, settings):
    result = CliRunner().invoke(
        cli,
        ["users", "create-admin", "chief", "--email", "c@example.org"],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code == 1 and "password common" in result.output
    assert _admins(settings.database_url) == []


def test_create_makes_an_approved_account_with_the_role_and_audits_it(env, settings):
    """`users create` (the load test's onboarding path): active, given role, audited, no echo."""
    from pinkbreast.db.models import AuditEvent

    answer = f"{PASSWORD}\n{PASSWORD}\n"
    result = CliRunner().invoke(
        cli, ["users", "create", "Dr.Lee", "--email", "lee@example.org"], input=answer
    )
    assert result.exit_code == 0, result.output
    assert "Account dr.lee (clinician) created." in result.output and PASSWORD not in result.output
    auditor = CliRunner().invoke(
        cli,
        ["users", "create", "ana", "--email", "ana@example.org", "--role", "auditor"],
        input=answer,
    )
    assert auditor.exit_code == 0, auditor.output
    again = CliRunner().invoke(
        cli, ["users", "create", "dr.lee", "--email", "other@example.org"], input=answer
    )
    assert again.exit_code == 1 and "Not created" in again.output
    with session_scope(settings.database_url) as session:
        accounts = {u.username: (u.role, u.status) for u in session.scalars(sa.select(User))}
        actions = set(session.scalars(sa.select(AuditEvent.action)))
        lee = session.scalar(sa.select(User).where(User.username == "dr.lee"))
    assert accounts == {"dr.lee": ("clinician", "active"), "ana": ("auditor", "active")}
    assert {"account.create:clinician", "account.create:auditor"} <= actions
    assert PasswordHasher().verify(lee.password_hash, PASSWORD)
