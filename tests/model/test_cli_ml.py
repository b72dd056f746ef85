"""``pinkbreast eda`` and ``pinkbreast train`` from the command line, on a fresh instance."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from mlflow import MlflowClient

from pinkbreast.cli import cli
from pinkbreast.ml import serving
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


@pytest.mark.slow
def test_train_quick_registers_a_champion_under_the_instance(instance):
    folder, runner = instance
    result = runner.invoke(cli, ["train", "--quick", "--repeats", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "original_recipe" in result.output and "Champion:" in result.output
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    version = MlflowClient(tracking_uri=uri).get_model_version_by_alias("pinkbreast", "champion")
    assert str(version.version) == "1"
    assert any((folder / "mlartifacts").iterdir())
    serving.forget()


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


def _samples_file(folder, reference, rows: int):
    from pinkbreast.features import FEATURE_NAMES

    frame = reference.sample(rows, replace=True, random_state=3)[list(FEATURE_NAMES)]
    path = folder / "samples.csv"
    frame.assign(sample_ref=[f"S{i}" for i in range(rows)]).to_csv(path, index=False)
    return path


def test_predict_gives_the_same_file_on_one_thread_or_several(
    trained, reference, tmp_path, monkeypatch
):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained[0])
    path = _samples_file(tmp_path, reference, 5_500)  # six blocks of rows
    outputs = []
    for threads in ("1", "3"):
        out = tmp_path / f"out-{threads}.csv"
        result = CliRunner().invoke(
            cli, ["predict", str(path), "-o", str(out), "--threads", threads]
        )
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\r\n") == 5_501
    result = CliRunner().invoke(cli, ["predict", str(path), "--threads", "0"])
    assert result.exit_code == 2 and "Invalid value for '--threads'" in result.output


def test_predict_loads_no_database_or_mlflow_code(trained, reference, tmp_path):
    """The command's start is most of its time on a small file: it imports what it uses."""
    path = _samples_file(tmp_path, reference, 10)
    script = (
        "import sys; from pinkbreast.cli import cli\n"
        f"try: cli(['predict', {str(path)!r}, '-o', {str(tmp_path / 'out.csv')!r}])\n"
        "except SystemExit as exit: assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in ('sqlalchemy', 'mlflow', 'alembic', 'sklearn', 'flask') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "PINKBREAST_INSTANCE": str(tmp_path), "MLFLOW_TRACKING_URI": trained[0]}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[]"
    assert (tmp_path / "out.csv").read_text().count("\n") == 11


def test_every_command_loads_under_its_own_name():
    from pinkbreast.cli import COMMANDS

    with cli.make_context("pinkbreast", ["--help"], resilient_parsing=True) as context:
        for name in COMMANDS:
            assert cli.get_command(context, name).name == name


def test_predict_reads_a_french_csv_like_its_english_twin(
    trained, reference, tmp_path, monkeypatch
):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained[0])
    english = _samples_file(tmp_path, reference, 40)
    french = tmp_path / "fr.csv"
    french.write_text(english.read_text().replace(",", ";").replace(".", ","))
    outputs = []
    for path, options in ((english, []), (french, []), (french, ["--sep", ";", "--decimal", ","])):
        out = tmp_path / f"out-{len(outputs)}.csv"
        result = CliRunner().invoke(cli, ["predict", str(path), "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert "as semicolon-separated values with decimal commas" in result.output
    wrong = CliRunner().invoke(cli, ["predict", str(french), "--sep", ","])
    assert wrong.exit_code != 0 and "fr.csv" in wrong.output
    both = CliRunner().invoke(cli, ["predict", str(english), "--sep", ",", "--decimal", ","])
    assert both.exit_code == 2 and "cannot go together" in both.output
