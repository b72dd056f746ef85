"""The input guard travels with the model: ``mlflow.pyfunc.load_model`` and
``mlflow models serve`` refuse impossible values and give no definite zone to unusual samples."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException

from pinkbreast.features import FEATURE_NAMES, FEATURES
from tests.perturbations import all_mistakes, features

BIN = Path(sys.executable).parent
DEFINITE = {"malignant", "benign"}


@pytest.fixture(scope="module")
def pyfunc(trained):
    uri, report = trained
    mlflow.set_tracking_uri(uri)
    return mlflow.pyfunc.load_model(f"models:/pinkbreast/{report.version}")


def _outcomes(pyfunc, frame: pd.DataFrame) -> list[str]:
    """Per row: its zone, or "refused" when the model raises for it."""
    found = []
    for start in range(0, len(frame), 50):
        block = frame.iloc[start : start + 50]
        try:
            found += pyfunc.predict(block)["zone"].tolist()
        except MlflowException:
            for index in range(len(block)):
                try:
                    found += pyfunc.predict(block.iloc[[index]])["zone"].tolist()
                except MlflowException as exc:
                    assert "invalid input: row 0," in str(exc)
                    found.append("refused")
    return found


@pytest.mark.parametrize("mistake", ["rescaled to 0-1", "z-scores", "x10", "two fields swapped"])
def test_pyfunc_gives_no_definite_answer_to_an_input_mistake(pyfunc, reference, mistake):
    outcomes = _outcomes(pyfunc, all_mistakes(reference)[mistake])
    assert len(outcomes) == 569
    assert not DEFINITE & set(outcomes), {z: outcomes.count(z) for z in set(outcomes)}


def test_pyfunc_unusual_rows_carry_no_label_and_name_the_values(pyfunc, reference):
    scaled = all_mistakes(reference)["rescaled to 0-1"].head(3)
    out = pyfunc.predict(scaled)
    assert out["zone"].tolist() == ["check_input"] * 3
    assert out["label"].isna().all()
    assert "area_worst" in out["outside_reference"].iloc[0].split(",")


def test_pyfunc_trips_on_few_unmodified_reference_cases(pyfunc, reference):
    out = pyfunc.predict(features(reference))
    share = float(np.mean(out["zone"] == "check_input"))
    assert share <= 0.02  # in sample; out of fold it is about 1% (tests/unit/test_guard.py)
    assert out["label"].notna().sum() == (out["zone"] != "check_input").sum()


@pytest.mark.parametrize(
    ("value", "message"), [(-5.0, "expected a value >= 0"), (1e6, "expected a value <= 100")]
)
def test_pyfunc_refuses_impossible_values_naming_the_feature(pyfunc, reference, value, message):
    row = features(reference).head(1).copy()
    row["radius_mean"] = value
    with pytest.raises(MlflowException, match=f"row 0, radius_mean: {message}"):
        pyfunc.predict(row)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(trained, tmp_path_factory):
    """``mlflow models serve`` of the champion, run as the README shows it (``make serve-model``:
    the venv's ``bin`` on PATH, the tracking URI in the environment)."""
    uri, _ = trained
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_TRACKING_URI": uri,
    }
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(BIN / "mlflow"), "models", "serve", "-m", "models:/pinkbreast@champion",
             "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/ping", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"mlflow models serve did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _invoke(base: str, records: list[dict]) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/invocations",
        data=json.dumps({"dataframe_records": records}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.subprocess
def test_models_serve_gives_no_definite_answer_to_rescaled_values(served, reference):
    scaled = all_mistakes(reference)["rescaled to 0-1"]
    sizes = [f.name for f in FEATURES if f.positive]
    records = scaled[(scaled[sizes] > 0).all(axis=1)].to_dict(orient="records")  # 0 is refused
    assert len(records) >= 560
    status, body = _invoke(served, records)
    assert status == 200
    zones = {row["zone"] for row in body["predictions"]}
    assert zones == {"check_input"}


@pytest.mark.subprocess
def test_models_serve_answers_4xx_naming_the_feature(served, reference):
    row = features(reference).head(1).to_dict(orient="records")[0]
    for value, message in ((-5.0, "expected a value >= 0"), (1e6, "expected a value <= 100")):
        status, body = _invoke(served, [{**row, "radius_mean": value}])
        assert status == 400, body
        assert f"radius_mean: {message}" in body["message"]
    status, body = _invoke(served, [{name: -5.0 for name in FEATURE_NAMES}])
    assert status == 400 and "expected a value >= 0" in body["message"]


@pytest.mark.subprocess
def test_models_serve_scores_an_unmodified_case(served, reference):
    row = features(reference).head(1).to_dict(orient="records")
    status, body = _invoke(served, row)
    assert status == 200
    assert body["predictions"][0]["zone"] in {"malignant", "indeterminate", "benign"}
