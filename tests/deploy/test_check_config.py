"""``pinkbreast check-config``: one line per finding, non-zero exit on any error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli

SECRET = "a" * 64
VARIABLES = (
    "PINKBREAST_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "MLFLOW_TRACKING_URI",
    "PINKBREAST_INSTANCE",
    "PINKBREAST_TRUST_PROXY",
    "PINKBREAST_METRICS_TOKEN",
    "PINKBREAST_METRICS_ALLOW",
    "FORWARDED_ALLOW_IPS",
    "WEB_CONCURRENCY",
)


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A production environment on a temporary instance folder, nothing else set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    values = {
        "PINKBREAST_ENV": "production",
        "PINKBREAST_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pinkbreast.db'}",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def check(*args: str):
    return CliRunner().invoke(cli, ["check-config", *args])


def lines(result, level: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(level)]


def test_missing_secret_key_is_an_error_that_names_it(production):
    """It exits non-zero and says SECRET_KEY is missing."""
    result = check()
    assert result.exit_code == 1
    assert any(line.startswith("error   SECRET_KEY: missing") for line in lines(result, "error"))
    assert "Traceback" not in result.output


def test_short_secret_key_is_an_error(production, monkeypatch):
    """A SECRET_KEY under 32 characters is refused, with its length."""
    monkeypatch.setenv("SECRET_KEY", "too-short")
    result = check()
    assert result.exit_code == 1
    assert "error   SECRET_KEY: only 9 characters" in result.output


def test_complete_environment_passes(production, monkeypatch, champion_tracking_uri):
    """Migrated database, champion registered, metrics token: exit 0, no error line."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)
    monkeypatch.setenv("PINKBREAST_METRICS_TOKEN", "t" * 32)
    monkeypatch.setenv("PINKBREAST_TRUST_PROXY", "1")
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0

    result = check()

    assert result.exit_code == 0, result.output
    assert lines(result, "error") == []
    assert "ok      migrations: schema at head" in result.output
    assert "pinkbreast@champion is version" in result.output
    assert "warning DATABASE_URL" in result.output  # SQLite in production: one server only


def test_bad_worker_count_is_an_error(production, monkeypatch):
    """An empty or non-numeric WEB_CONCURRENCY would crash gunicorn; it is named first."""
    monkeypatch.setenv("WEB_CONCURRENCY", "four")
    assert "error   WEB_CONCURRENCY: must be a whole number" in check().output


def test_schema_behind_head_is_an_error_unless_migrating_next(production, monkeypatch):
    """An empty database fails the check, but only warns under --will-migrate (boot.sh)."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    Path(production["DATABASE_URL"].removeprefix("sqlite:///")).touch()
    assert "error   migrations: database at no schema" in check().output
    assert "warning migrations: database at no schema" in check("--will-migrate").output


def test_unreachable_services_and_unwritable_instance_are_clear(production, monkeypatch):
    """Each problem is one line naming the resource; no traceback."""
    blocker = Path(production["PINKBREAST_INSTANCE"]).parent / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(blocker / "instance"))
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://nobody:x@127.0.0.1:9/none")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    result = check()
    assert result.exit_code == 1
    assert "not writable: Not a directory." in result.output
    assert "error   database: mysql+pymysql://nobody:***@127.0.0.1:9/none unreachable" in (
        result.output
    )
    assert "no pinkbreast@champion at http://127.0.0.1:9: server unreachable" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PINKBREAST_TRUST_PROXY", "many", "must be a whole number from 0 to 5 (got 'many')."),
        ("PINKBREAST_METRICS_ALLOW", "10.0.0.0/8,nowhere", "'nowhere' is not an address"),
    ],
)
def test_a_setting_the_app_refuses_is_one_error_in_the_apps_own_words(
    production, monkeypatch, name, value, message
):
    """check-config parses with the app's parser: the same message, said once."""
    monkeypatch.setenv(name, value)
    result = check()
    assert result.exit_code == 1
    assert [line for line in lines(result, "error") if name in line] == [
        line for line in lines(result, "error") if line.startswith(f"error   settings: {name}")
    ]
    assert message in result.output
    assert result.output.count(name) == 1
