"""No definite answer for the usual input mistakes, through the form, the batch CSV, the API and
``pinkbreast predict``: each row is refused (an impossible value, named) or gets the zone
``check_input`` with no label. (``mlflow.pyfunc`` and ``mlflow models serve``:
tests/model/test_guard_served.py.)"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES, FEATURES
from tests.clinic.helpers import prediction_rows, submit_form
from tests.clinic.test_batch import upload
from tests.factories import reference
from tests.perturbations import MISTAKES, all_mistakes

# Input checks: storing a prediction is covered by the matrix in test_api and test_prediction_form.
pytestmark = pytest.mark.sqlite_only

HARD_MAX = {f.name: f.maximum for f in FEATURES}
POSITIVE = [f.name for f in FEATURES if f.positive]
FORM_CASES = 8  # per mistake through the form (a page each); every case through the others


@pytest.fixture(scope="module")
def mistakes():
    """``{mistake: (possible rows, impossible rows)}`` for the 569 reference cases."""
    split = {}
    for name, frame in all_mistakes(reference()).items():
        values = frame[list(FEATURE_NAMES)]
        impossible = (values > frame.columns.map(HARD_MAX)).any(axis=1)
        impossible |= (values[POSITIVE] == 0).any(axis=1)
        split[name] = (frame[~impossible], frame[impossible])
    return split


def _csv(frame) -> str:
    return frame.assign(sample_ref=[f"R{i}" for i in range(len(frame))]).to_csv(index=False)


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_form_gives_no_definite_answer(alice, settings, mistakes, mistake):
    possible, impossible = mistakes[mistake]
    for values in possible.head(FORM_CASES).to_dict(orient="records"):
        assert submit_form(alice, values).status_code == 303
    for values in impossible.head(2).to_dict(orient="records"):
        response = submit_form(alice, values)
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "expected a number between 0 and" in text or "0 is impossible here" in text
    stored = prediction_rows(settings.database_url)
    assert len(stored) == min(FORM_CASES, len(possible))
    assert {(r.zone, r.label) for r in stored} <= {("check_input", None)}


def test_the_result_page_says_what_to_check(alice, settings, mistakes):
    values = mistakes["rescaled to 0-1"][0].iloc[0].to_dict()
    page = alice.get(submit_form(alice, values).headers["Location"]).get_data(as_text=True)
    assert "Indeterminate — check the input" in page
    assert 'id="input-check"' in page and "rescaled to 0–1" in page
    assert "an extrapolation, not a result" in page
    swapped = mistakes["two fields swapped"][0].iloc[0].to_dict()
    page = alice.get(submit_form(alice, swapped).headers["Location"]).get_data(as_text=True)
    assert "“Perimeter (mean)” and “Area (mean)” look swapped" in page


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_batch_file_gives_no_definite_answer(alice, settings, mistakes, mistake):
    possible, impossible = mistakes[mistake]
    if len(impossible):
        refused = upload(alice, _csv(pd.concat([possible, impossible])))
        assert refused.status_code == 400 and "nothing was stored" in refused.get_data(True)
    if len(possible):
        assert upload(alice, _csv(possible)).status_code == 303
    stored = prediction_rows(settings.database_url)
    assert len(stored) == len(possible)
    assert {(r.zone, r.label) for r in stored} <= {("check_input", None)}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_api_gives_no_definite_answer(api, mistakes, mistake):
    possible, impossible = mistakes[mistake]
    for start in range(0, len(possible), 1000):
        rows = possible.iloc[start : start + 1000].to_dict(orient="records")
        response = api.post("/predictions", json={"samples": [{"measurements": r} for r in rows]})
        assert response.status_code == 201, response.get_json()
        answers = response.get_json()["predictions"]
        assert {(a["zone"], a["label"]) for a in answers} == {("check_input", None)}
    if len(impossible):
        row = impossible.iloc[0].to_dict()
        response = api.post("/predictions", json={"samples": [{"measurements": row}]})
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "Input should be less than or equal to" in text or "greater than 0" in text


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_cli_gives_no_definite_answer(
    tmp_path, monkeypatch, trained_champion, mistakes, mistake
):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_champion[0])
    possible, impossible = mistakes[mistake]
    if len(possible):
        (tmp_path / "in.csv").write_text(_csv(possible))
        out_path = tmp_path / "out.csv"
        result = CliRunner().invoke(cli, ["predict", str(tmp_path / "in.csv"), "-o", str(out_path)])
        assert result.exit_code == 0, result.output

        out = pd.read_csv(out_path, keep_default_na=False)
        assert set(out["zone"]) == {"check_input"}
        assert f"{len(possible)} check_input" in result.output
    if len(impossible):
        (tmp_path / "bad.csv").write_text(_csv(impossible))
        result = CliRunner().invoke(cli, ["predict", str(tmp_path / "bad.csv")])
        assert result.exit_code != 0
        assert "expected a value <=" in result.output or "expected a value > 0" in result.output


def test_the_api_says_what_to_check(api, mistakes):
    row = mistakes["rescaled to 0-1"][0].iloc[0].to_dict()
    response = api.post("/predictions", json={"samples": [{"measurements": row}]})
    (answer,) = response.get_json()["predictions"]
    assert answer["zone"] == "check_input" and answer["label"] is None
    assert answer["input_check"]["cause"] == "rescaled"
    assert "area_worst" in answer["input_check"]["unusual"]
    again = api.get(f"/predictions/{answer['id']}").get_json()
    assert again["input_check"] == answer["input_check"]


def test_every_answer_carries_the_evidence_line(alice, api, settings, tmp_path, monkeypatch):
    from tests.clinic.helpers import MALIGNANT_ID, case_values

    page = alice.get(submit_form(alice, case_values(MALIGNANT_ID)).headers["Location"])
    text = page.get_data(as_text=True)
    assert 'id="evidence"' in text and "569 retrospective cases" in text
    assert "external validation: none" in text and "PPV" in text
    body = api.post("/predictions", json={"samples": [{"measurements": case_values(MALIGNANT_ID)}]})
    evidence = body.get_json()["predictions"][0]["evidence"]
    assert evidence["cases"] == 569 and evidence["external_validation"] == "none"
    assert 0 < evidence["npv"] <= 1 and evidence["line"] in text
    upload(alice, _csv(reference(3)[list(FEATURE_NAMES)]))
    batch = [r for r in prediction_rows(settings.database_url) if r.source == "batch"]
    download = alice.get(f"/batch/{batch[0].batch_id}/results.csv").get_data(as_text=True)
    assert download.splitlines()[0].split(",")[-2:] == ["evidence", "top_reasons"]
    assert evidence["line"] in download


def test_the_cli_prints_the_evidence_at_the_local_prevalence(
    tmp_path, monkeypatch, trained_champion
):
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_champion[0])
    monkeypatch.setenv("PINKBREAST_LOCAL_PREVALENCE", "0.05")
    (tmp_path / "in.csv").write_text(_csv(reference(2)[list(FEATURE_NAMES)]))
    result = CliRunner().invoke(
        cli, ["predict", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "Evidence: Learnt from 569 retrospective cases" in result.output
    assert "At a prevalence of 5.0%" in result.output
    assert "At a prevalence of 5.0%" in (tmp_path / "o.csv").read_text()
