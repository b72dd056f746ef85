"""``pinkbreast eda`` and ``pinkbreast train`` from the command line, on a fresh instance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from mlflow import MlflowClient

from pinkbreast.cli import cli
from pinkbreast.ml import registry
from pinkbreast.ml.train import ensure_champion


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    runner = CliRunner()
    for args in (["db", "upgrade"], ["data", "load-reference"]):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return tmp_path, runner


def test_eda_writes_the_report_where_asked(instance):
    folder, runner = instance
    result = runner.invoke(cli, ["eda", "--output", str(folder / "out.html")])
    assert result.exit_code == 0, result.output
    assert (folder / "out.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_train_quick_registers_a_champion_under_the_instance(instance):
    folder, runner = instance
    result = runner.invoke(cli, ["train", "--quick", "--repeats", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "original_recipe" in result.output and "Champion:" in result.output
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    version = MlflowClient(tracking_uri=uri).get_model_version_by_alias("pinkbreast", "champion")
    assert str(version.version) == "1"
    assert any((folder / "mlartifacts").iterdir())
    registry.forget()


def test_train_refuses_an_empty_cases_table(tmp_path, monkeypatch):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    runner.invoke(cli, ["db", "upgrade"], catch_exceptions=False)
    result = runner.invoke(cli, ["train", "--quick"])
    assert result.exit_code == 1
    assert "load-reference" in result.output


def test_ensure_champion_does_nothing_when_one_exists(trained, reference, tmp_path):
    uri, _ = trained
    assert not ensure_champion(reference, tracking_uri=uri, artifact_location=tmp_path)
