"""Importing cases: all-or-nothing, idempotent by id, identical across layouts and databases."""

import io

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.models import AuditEvent, Case
from pinkbreast.db.session import session_scope
from pinkbreast.ml.data import REFERENCE_SOURCE, load_reference, parse_cases
from pinkbreast.services.cases import count_cases, import_cases, load_frame
from tests.factories import kaggle_text, reference, replace_cell, uci_text, write
from tests.workflow import csrf_token


def _run(args, _settings):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_reference_load_gives_569_cases_212_malignant(session):
    report = import_cases(session=session, frame=load_reference(), source=REFERENCE_SOURCE)
    assert (report.new, report.updated, report.unchanged) == (569, 0, 0)
    assert count_cases(session=session) == 569
    malignant = session.scalar(sa.select(sa.func.count()).where(Case.diagnosis == "M"))
    assert malignant == 212


def test_values_round_trip_exactly_through_the_database(session):
    frame = load_reference()
    import_cases(session=session, frame=frame, source=REFERENCE_SOURCE)
    pd.testing.assert_frame_equal(load_frame(session), frame.sort_values("id", ignore_index=True))


def test_reimport_reports_new_unchanged_and_updated_without_duplicates(session):
    frame = reference(50)
    import_cases(session=session, frame=frame.head(30), source="first")
    changed = frame.copy()
    changed.loc[0, "radius_mean"] = 18.5
    changed.loc[1, "diagnosis"] = "B" if changed.loc[1, "diagnosis"] == "M" else "M"
    report = import_cases(session=session, frame=changed, source="second")
    assert (report.new, report.updated, report.unchanged) == (20, 2, 28)
    assert count_cases(session=session) == 50
    stored = session.get(Case, int(frame.loc[0, "id"]))
    assert stored.radius_mean == 18.5 and stored.source == "second"


def _import_audits(session) -> list[tuple]:
    query = sa.select(AuditEvent.actor_name, AuditEvent.detail, AuditEvent.client_address)
    query = query.where(AuditEvent.action == "cases.import").order_by(AuditEvent.id)
    return session.execute(query).tuples().all()


def test_failed_import_writes_nothing(session):
    """Neither the cases nor the audit row of the import: they are one transaction."""
    frame = reference(20)
    frame.loc[19, "diagnosis"] = "Q"  # violates the table's check constraint at flush
    with pytest.raises(sa.exc.DBAPIError):
        import_cases(session=session, frame=frame, source="bad", actor_name="cli")
    session.rollback()
    assert count_cases(session=session) == 0
    assert _import_audits(session) == []


def test_an_import_is_audited_with_what_it_changed(session):
    import_cases(session=session, frame=reference(30), source="first", actor_name="cli")
    assert _import_audits(session) == [("cli", "first: 30 new, 0 updated", None)]


def test_the_administrators_page_import_is_audited_in_its_transaction(app, admin, settings):
    """The page's import and its audit row are committed together: both are there after it;
    a refused file writes neither."""
    token = csrf_token(admin.get("/admin/monitoring/data").get_data(as_text=True))

    def upload(text: str, name: str):
        return admin.post(
            "/admin/monitoring/data",
            data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
            content_type="multipart/form-data",
        )

    bad = replace_cell(kaggle_text(reference(12)), 5, 1, "Q")
    assert upload(bad, "bad.csv").status_code == 400
    with session_scope(settings.database_url) as session:
        assert count_cases(session=session) == 0
        assert _import_audits(session) == []
    assert upload(kaggle_text(reference(12)), "cases.csv").status_code == 303
    with session_scope(settings.database_url) as session:
        assert count_cases(session=session) == 12
        assert _import_audits(session) == [("admin", "cases.csv: 12 new, 0 updated", "127.0.0.1")]


def test_the_command_line_import_is_audited(settings, tmp_path):
    path = write(tmp_path / "cases.csv", kaggle_text(reference(15)))
    assert _run(["data", "import", str(path)], settings).exit_code == 0
    assert _run(["data", "load-reference"], settings).exit_code == 0
    with session_scope(settings.database_url) as session:
        assert _import_audits(session) == [
            ("cli", "cases.csv: 15 new, 0 updated", None),
            ("cli", f"{REFERENCE_SOURCE}: 554 new, 0 updated", None),  # 15 unchanged
        ]


def test_uci_and_kaggle_files_store_identical_rows(settings, tmp_path):
    frame = reference(60)
    uci = write(tmp_path / "wdbc.data", uci_text(frame))
    kaggle = write(tmp_path / "data.csv", kaggle_text(frame))
    assert _run(["data", "import", str(uci)], settings).exit_code == 0
    with session_scope(settings.database_url) as session:
        after_uci = load_frame(session)
    result = _run(["data", "import", str(kaggle)], settings)
    assert result.exit_code == 0
    assert "60 cases from data.csv: 0 new, 0 updated, 60 unchanged" in result.output
    with session_scope(settings.database_url) as session:
        after_kaggle = load_frame(session)
    pd.testing.assert_frame_equal(after_uci, after_kaggle)
    from_file = parse_cases(kaggle.read_text(), name="x").sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(after_kaggle, from_file)


@pytest.mark.parametrize("line", [2, 31, 61])
def test_cli_rejects_a_file_with_one_bad_cell_and_writes_zero_rows(settings, tmp_path, line):
    text = replace_cell(kaggle_text(reference(60)), line, 25, "1e999")
    path = write(tmp_path / "bad.csv", text)
    result = CliRunner().invoke(cli, ["data", "import", str(path)])
    assert result.exit_code == 1
    assert f"bad.csv, line {line}, column 25 (perimeter_worst): expected a finite number" in (
        result.output
    )
    assert "nothing was imported" in result.output
    with session_scope(settings.database_url) as session:
        assert count_cases(session=session) == 0


def test_export_then_import_round_trips(settings, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["data", "load-reference"]).exit_code == 0
    out = tmp_path / "export.csv"
    assert runner.invoke(cli, ["data", "export", "-o", str(out)]).exit_code == 0
    exported = parse_cases(out.read_text(), name="export.csv")
    pd.testing.assert_frame_equal(exported, load_reference().sort_values("id", ignore_index=True))
    result = runner.invoke(cli, ["data", "import", str(out)])
    assert "569 cases from export.csv: 0 new, 0 updated, 569 unchanged" in result.output


def test_load_reference_if_empty_does_not_reload(settings):
    runner = CliRunner()
    assert "569 new" in runner.invoke(cli, ["data", "load-reference", "--if-empty"]).output
    again = runner.invoke(cli, ["data", "load-reference", "--if-empty"])
    assert "already holds 569 rows" in again.output
