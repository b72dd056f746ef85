"""One sample-reference rule at every entry point, and private instance files (issue 17,
item 6)."""

from __future__ import annotations

import io
import stat

import pytest
import sqlalchemy as sa

from pinkbreast.config import load_settings
from pinkbreast.db.session import make_engine
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.batch import read_samples
from pinkbreast.tables import FileRejected
from tests.clinic.helpers import case_values, prediction_rows
from tests.workflow import csrf_token

NAMED = "Jane DOE, born 1970-01-01"


def _batch_text(ref: str) -> str:
    values = case_values(842302)
    header = ",".join(["sample_ref", *FEATURE_NAMES])
    quoted = '"' + ref.replace('"', '""') + '"'
    return header + "\n" + ",".join([quoted, *(str(values[n]) for n in FEATURE_NAMES)]) + "\n"


@pytest.mark.parametrize("ref", [NAMED, "Dupont (Marie)", "=1+1", "x" * 65])
def test_batch_and_cli_files_refuse_references_that_break_the_rule(ref):
    with pytest.raises(FileRejected) as rejected:
        read_samples(_batch_text(ref), name="named.csv")
    assert "column 1 (sample_ref): expected a pseudonymous reference" in rejected.value.lines()[0]


def test_a_valid_reference_is_accepted_by_the_batch_reader():
    frame = read_samples(_batch_text("LAB-2026/001 a"), name="ok.csv")
    assert frame["sample_ref"].tolist() == ["LAB-2026/001 a"]


def test_the_batch_page_stores_nothing_for_a_named_reference(alice, clinic_settings):
    token = csrf_token(alice.get("/batch").get_data(as_text=True))
    response = alice.post(
        "/batch",
        data={"csrf_token": token, "file": (io.BytesIO(_batch_text(NAMED).encode()), "n.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "no patient names" in response.get_data(as_text=True)
    assert prediction_rows(clinic_settings.database_url) == []


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_folder_and_embedded_database_are_private(tmp_path):
    instance = tmp_path / "fresh" / "instance"
    settings = load_settings({"PINKBREAST_INSTANCE": str(instance)})
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    assert _mode(instance) == 0o700
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(instance / "pinkbreast.db") == 0o600
    for extra in instance.glob("pinkbreast.db-*"):
        assert _mode(extra) == 0o600, extra
