"""One case gets the same explanation through the result page, the API, the batch CSV and
``pinkbreast predict --explain``, with the method line; and every row of a batch is explained."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES
from tests.clinic.helpers import MALIGNANT_ID, case_values, prediction_rows, submit_form
from tests.clinic.test_batch import upload
from tests.factories import reference

ROWS = 30  # more than the 20 rows batches used to be explained up to


def _reasons(top) -> str:
    """The batch CSV's ``top_reasons`` cell for contributions ``[(name, value), ...]``."""
    return "; ".join(f"{name} {value:+.3f}" for name, value in top)


def _file() -> pd.DataFrame:
    """``ROWS`` samples, the first of them the case checked everywhere."""
    first = pd.DataFrame([case_values(MALIGNANT_ID)])
    frame = pd.concat([first, reference(ROWS - 1)[list(FEATURE_NAMES)]], ignore_index=True)
    return frame.assign(sample_ref=[f"R{i}" for i in range(len(frame))])


def test_page_api_batch_csv_and_cli_give_the_same_explanation(
    alice, api, settings, tmp_path, monkeypatch, trained_champion
):
    values = case_values(MALIGNANT_ID)
    answer = api.post("/predictions", json={"samples": [{"measurements": values}]})
    (body,) = answer.get_json()["predictions"]
    top = [(c["feature"], c["contribution"]) for c in body["top_contributions"]]
    method = body["explanation_method"]
    assert len(top) == 5 and method.startswith("exact interventional Shapley values")

    page = alice.get(submit_form(alice, values).headers["Location"]).get_data(as_text=True)
    assert f'<span lang="en">{method}</span>' in page.replace("&#39;", "'")
    for _, value in top:  # the page's format: one decimal, a true minus sign
        assert f"{100 * value:+.1f} points".replace("-", "\u2212") in page

    upload(alice, _file().to_csv(index=False))
    batch = [r for r in prediction_rows(settings.database_url) if r.source == "batch"]
    download = alice.get(f"/batch/{batch[0].batch_id}/results.csv").get_data(as_text=True)
    csv = pd.read_csv(io.StringIO(download), keep_default_na=False)
    assert len(csv) == ROWS and (csv["top_reasons"] != "").all()  # every row explained
    assert csv["top_reasons"][0] == _reasons(top)

    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_champion[0])
    (tmp_path / "in.csv").write_text(_file().to_csv(index=False))
    result = CliRunner().invoke(
        cli, ["predict", str(tmp_path / "in.csv"), "--explain", "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 0, result.output
    assert f"Reasons: {method}." in result.output
    out = pd.read_csv(tmp_path / "o.csv", keep_default_na=False)
    assert out["top_reasons"].tolist() == csv["top_reasons"].tolist()
