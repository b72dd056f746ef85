"""``pinkbreast prepare`` (what ``make run`` does first) and the CLI's error behaviour."""

import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.session import session_scope
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.cases import count_cases


def test_prepare_migrates_and_loads_reference_data_once(
    env, empty_database_url, champion_tracking_uri, monkeypatch
):
    """On each backend, with the run's champion registered (training is the next test's)."""
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)
    runner = CliRunner()
    first = runner.invoke(cli, ["prepare"])
    assert first.exit_code == 0, first.output
    assert "Loaded 569 reference cases." in first.output
    assert "A champion model is registered." in first.output
    second = runner.invoke(cli, ["prepare"])
    assert second.exit_code == 0 and "Cases table holds 569 rows." in second.output
    with session_scope(empty_database_url) as session:
        assert count_cases(session=session) == 569


@pytest.mark.slow
@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_prepare_trains_a_champion_only_when_none_is_registered(
    env, empty_database_url, monkeypatch
):
    """Training does not depend on the database server: SQLite only (it trains, so `slow`)."""
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    runner = CliRunner()
    first = runner.invoke(cli, ["prepare"])
    assert first.exit_code == 0, first.output
    assert "Registered a champion model (quick training" in first.output
    second = runner.invoke(cli, ["prepare"])
    assert second.exit_code == 0 and "A champion model is registered." in second.output
    assert "Registered a champion model" not in second.output


def test_production_without_settings_exits_with_one_line(env, monkeypatch):
    monkeypatch.setenv("PINKBREAST_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    result = CliRunner().invoke(cli, ["prepare"])
    assert result.exit_code == 1
    assert result.output == "Error: Production mode needs SECRET_KEY set in the environment.\n"


def test_help_lists_the_command_groups():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in (
        "data",
        "db",
        "prepare",
        "serve",
        "train",
        "eda",
        "predict",
        "users",
        "tokens",
        "monitor",
        "check-config",
    ):
        assert f"  {command} " in result.output


def test_import_of_a_missing_file_is_a_usage_error(env, tmp_path):
    result = CliRunner().invoke(cli, ["data", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_predict_without_a_champion_says_so_in_one_line(env, tmp_path):
    samples = tmp_path / "samples.csv"
    samples.write_text(",".join(FEATURE_NAMES) + "\n" + ",".join(["1.0"] * 30) + "\n")
    result = CliRunner().invoke(cli, ["predict", str(samples)])
    assert result.exit_code == 1
    assert "Error: No champion model is available" in result.output
    assert "Nothing was scored." in result.output and "Traceback" not in result.output
