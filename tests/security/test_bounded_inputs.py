"""Bounded inputs and errors (issue 17, item 5): far dates and pages are refused with the field
named, a header of millions of columns is answered at once with a small page, problems are
capped with "and N more", and the administrator's import refuses an over-limit file whole."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import Case
from pinkbreast.db.session import session_scope
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.tables import MAX_PROBLEMS, SAMPLES, FileRejected, parse_table
from tests.factories import reference
from tests.workflow import csrf_token

FAR = ["until=9999-12-31", "since=0001-01-01", "page=99999999999999999999", "page=0"]


@pytest.mark.parametrize("query", FAR)
def test_far_dates_and_pages_are_refused_naming_the_field(auth, actors, query):
    field = query.split("=")[0]
    clinician = auth.client_for("clinician_a")
    history = clinician.get(f"/predictions?{query}")
    assert history.status_code == 400 and f"{field}: expected" in history.get_data(as_text=True)
    auditor = auth.client_for("auditor")
    assert auditor.get(f"/admin/audit?{query}").status_code == 400
    if field != "page":  # the export has no pages
        export = auditor.get(f"/admin/audit.csv?{query}")
        assert export.status_code == 400 and field in export.get_data(as_text=True)


@pytest.mark.parametrize("query", FAR)
def test_far_dates_and_pages_are_refused_by_the_api(api, query):
    response = api.get(f"/predictions?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == query.split("=")[0]


def test_a_four_million_column_header_is_refused_at_once_with_a_small_answer(alice):
    data = ("a," * 4_000_000 + "\n").encode()  # 8 MB: 4 million columns
    token = csrf_token(alice.get("/batch").get_data(as_text=True))
    tracemalloc.start()
    start = time.perf_counter()
    response = alice.post(
        "/batch",
        data={"csrf_token": token, "file": (io.BytesIO(data), "wide.csv")},
        content_type="multipart/form-data",
    )
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "4000001 cells; at most 256" in page
    print(f"4M columns: {elapsed:.3f} s, page {len(page)} B, peak {peak / 2**20:.0f} MiB")
    assert elapsed < 1.0, elapsed
    assert len(page) < 50_000 and peak < 200 * 1024 * 1024, (len(page), peak)


def test_problems_are_capped_with_and_n_more():
    frame = reference().head(300)
    lines = [",".join(FEATURE_NAMES)]
    values = frame[list(FEATURE_NAMES)].values
    lines += [",".join(["-1"] + [str(v) for v in row[1:]]) for row in values]
    with pytest.raises(FileRejected) as rejected:
        parse_table("\n".join(lines) + "\n", SAMPLES, name="bad.csv")
    error = rejected.value
    assert len(error.problems) == MAX_PROBLEMS and error.omitted == 100
    assert error.lines()[-1] == "and 100 more problems"


def test_a_huge_cell_is_quoted_short():
    text = ",".join(FEATURE_NAMES) + "\n" + ",".join(["x" * 1_000_000] * 30) + "\n"
    with pytest.raises(FileRejected) as rejected:
        parse_table(text, SAMPLES, name="big-cells.csv")
    assert sum(len(line) for line in rejected.value.lines()) < 10_000


def _cases_csv(count: int) -> bytes:
    frame = reference()
    rows = [",".join(["id", "diagnosis", *FEATURE_NAMES])]
    values = [
        [diagnosis, *(f"{value:.6f}" for value in features)]
        for diagnosis, *features in frame[["diagnosis", *FEATURE_NAMES]].values.tolist()
    ]
    for n in range(count):
        rows.append(",".join([str(10_000_000 + n), *values[n % len(values)]]))
    return ("\n".join(rows) + "\n").encode()


def test_the_administrators_import_refuses_an_over_limit_file_whole(app, admin, settings):
    data = _cases_csv(36_766)
    assert len(data) > 8 * 1024 * 1024
    with session_scope(settings.database_url) as session:
        before = session.scalar(sa.select(sa.func.count(Case.id)))
    token = csrf_token(admin.get("/admin/monitoring/data").get_data(as_text=True))
    response = admin.post(
        "/admin/monitoring/data",
        data={"csrf_token": token, "file": (io.BytesIO(data), "big.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "larger than 8 MiB" in page
    with session_scope(settings.database_url) as session:
        assert session.scalar(sa.select(sa.func.count(Case.id))) == before
