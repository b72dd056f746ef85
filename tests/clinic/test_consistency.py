"""One prediction service: the form, the batch upload, the API and the CLI agree exactly."""

import csv
import io
import re

from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES
from tests.clinic.helpers import prediction_rows, submit_form
from tests.clinic.test_batch import upload
from tests.factories import kaggle_text, reference, write
from tests.workflow import csrf_token


def test_twenty_wdbc_rows_agree_across_form_batch_api_and_cli(
    alice, api, settings, clinic_settings, tmp_path, monkeypatch
):
    frame = reference().sample(20, random_state=7).reset_index(drop=True)
    for _, row in frame.iterrows():
        values = {name: float(row[name]) for name in FEATURE_NAMES}
        assert submit_form(alice, values, sample_ref=str(row["id"])).status_code == 303
    by_form = {
        r.sample_ref: (r.probability, r.zone) for r in prediction_rows(settings.database_url)
    }
    text = kaggle_text(frame)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", clinic_settings.mlflow_tracking_uri)
    by_cli, _ = _by_cli(tmp_path, text)

    assert len(by_form) == 20
    assert by_form == _by_batch(alice, text) == _by_api(api, frame) == by_cli


def test_decimal_comma_inputs_agree_across_form_batch_api_and_cli(
    alice, api, settings, clinic_settings, tmp_path, monkeypatch
):
    """The same five samples written the French way (decimal commas; semicolons between
    cells) through the French form, a French Excel CSV upload and the CLI, and as JSON numbers
    through the API: identical probabilities and zones."""
    frame = reference().sample(5, random_state=11).reset_index(drop=True)
    french = {"Accept-Language": "fr"}
    for _, row in frame.iterrows():
        page = alice.get("/predict", headers=french).get_data(as_text=True)
        data = {name: repr(float(row[name])).replace(".", ",") for name in FEATURE_NAMES}
        token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
        data.update(csrf_token=csrf_token(page), sample_ref=f"FR-{row['id']}", token=token)
        assert alice.post("/predict", data=data, headers=french).status_code == 303
    by_form = {
        r.sample_ref.removeprefix("FR-"): (r.probability, r.zone)
        for r in prediction_rows(settings.database_url)
    }
    english = kaggle_text(frame, trailing_empty_column=False)
    excel = "\n".join(
        ";".join(cell.replace(".", ",") for cell in line.split(","))
        for line in english.splitlines()
    )
    monkeypatch.setenv("MLFLOW_TRACKING_URI", clinic_settings.mlflow_tracking_uri)
    by_cli, said = _by_cli(tmp_path, excel)
    assert "decimal commas" in said  # the CLI says how it read the file

    assert len(by_form) == 5
    assert by_form == _by_batch(alice, excel, "fr.csv") == _by_api(api, frame) == by_cli


def _by_batch(client, text: str, name: str = "samples.csv") -> dict:
    """Upload ``text`` through the batch page and read back its results CSV."""
    response = upload(client, text, name)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="batch-download" href="([^"]+)"', page).group(1)
    return _from_csv(client.get(link).get_data(as_text=True))


def _by_api(api, frame) -> dict:
    samples = [
        {"sample_ref": str(row["id"]), "measurements": {n: float(row[n]) for n in FEATURE_NAMES}}
        for _, row in frame.iterrows()
    ]
    created = api.post("/predictions", json={"samples": samples}).get_json()["predictions"]
    return {p["sample_ref"]: (p["probability"], p["zone"]) for p in created}


def _by_cli(tmp_path, text: str) -> tuple[dict, str]:
    """``pinkbreast predict`` on ``text``: its results and what it said."""
    path = write(tmp_path / "in.csv", text)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["predict", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return _from_csv(out.read_text()), result.output


def _from_csv(text: str) -> dict[str, tuple[float, str]]:
    rows = csv.DictReader(io.StringIO(text))
    return {r["sample_ref"]: (float(r["probability_malignant"]), r["zone"]) for r in rows}
