"""Batch CSV scoring: all-or-nothing, located errors, large files, safe CSV output."""

import csv
import io
import re

import pandas as pd

from pinkbreast.ml.names import ZONES
from tests.clinic.helpers import prediction_rows
from tests.factories import kaggle_text, reference, replace_cell
from tests.workflow import csrf_token


def upload(client, text: str, name: str = "samples.csv"):
    token = csrf_token(client.get("/batch").get_data(as_text=True))
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), name)}
    return client.post("/batch", data=data, content_type="multipart/form-data")


def test_a_file_with_one_bad_cell_is_rejected_with_line_and_column(alice, settings):
    text = replace_cell(kaggle_text(reference(30)), 21, 9, "-0.2")
    response = upload(alice, text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "samples.csv, line 21, column 9 (concavity_mean): expected a value &gt;= 0" in page
    assert "nothing was stored" in page
    assert prediction_rows(settings.database_url) == []


def test_ten_thousand_rows_are_scored_stored_and_downloadable(alice, settings):
    frame = pd.concat([reference()] * 18, ignore_index=True).head(10_000)
    frame["id"] = range(1, len(frame) + 1)
    response = upload(alice, kaggle_text(frame, trailing_empty_column=False))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = alice.get(response.headers["Location"]).get_data(as_text=True)
    assert "10000 samples scored" in page or "10,000 samples scored" in page
    link = re.search(r'id="batch-download" href="([^"]+)"', page).group(1)
    download = alice.get(link)
    assert download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert len(rows) == 10_000 and rows[-1]["sample_ref"] == "10000"
    assert {row["zone"] for row in rows} <= set(ZONES)
    assert len(prediction_rows(settings.database_url)) == 10_000


def test_a_formula_reference_is_refused_by_the_sample_reference_rule(alice):
    """Formulas never reach a stored reference (the rule of the form and the API); the download
    neutralises formulas anyway (``tests/unit/test_batch_output.py``)."""
    frame = reference(2)
    text = kaggle_text(frame).replace(str(frame.loc[0, "id"]), "1", 1)
    text = "sample_ref" + text[2:]  # header "id" -> "sample_ref"
    text = text.replace("\n1,", "\n=HYPERLINK(x),", 1)
    response = upload(alice, text)
    assert response.status_code == 400
    assert "expected a pseudonymous reference" in response.get_data(as_text=True)


def test_another_clinician_cannot_open_or_download_a_batch(alice, bruno):
    response = upload(alice, kaggle_text(reference(3)))
    location = response.headers["Location"]
    assert bruno.get(location).status_code == 404
    assert bruno.get(location + "/results.csv").status_code == 404


def test_a_french_excel_file_gives_the_results_of_its_english_twin(alice, settings):
    """Semicolons between values and decimal commas, as French Excel saves a CSV."""
    frame = reference(20)
    english = kaggle_text(frame, trailing_empty_column=False)
    french = "\n".join(
        ";".join(cell.replace(".", ",") for cell in line.split(","))
        for line in english.splitlines()
    )
    first = upload(alice, english, "en.csv")
    second = upload(alice, french, "fr.csv")
    assert first.status_code == second.status_code == 303, second.get_data(as_text=True)[:3000]
    page = alice.get(second.headers["Location"]).get_data(as_text=True)
    assert "semicolon-separated values with decimal commas" in page
    rows = prediction_rows(settings.database_url)
    by_batch: dict = {}
    for row in rows:
        by_batch.setdefault(row.batch_id, []).append(
            (row.sample_ref, row.probability, row.zone, row.feature_values())
        )
    english_rows, french_rows = by_batch.values()
    assert english_rows == french_rows


def test_the_batch_result_lists_the_30_values_of_each_row_with_flags(alice):
    frame = reference(3)
    frame.loc[1, "area_mean"] = 3000.0  # above the reference range
    response = upload(alice, kaggle_text(frame))
    page = alice.get(response.headers["Location"]).get_data(as_text=True)
    table = page[page.index('id="batch-table"') :]
    assert table.count('<details class="pb-batch-values">') == 3
    assert table.count("30 values, 1 outside the range") == 1
    assert table.count("30 values, 0 outside the range") == 2
    assert table.count("above the range") == 1 and "3000" in table
