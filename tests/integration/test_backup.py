"""``pinkbreast data export-predictions`` / ``import-predictions``: a lossless round trip from
SQLite to every backend, idempotent re-import, and bad files refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.cli.db import upgrade
from pinkbreast.db.models import AuditEvent, ImageProvenance, Outcome, PredictionRecord, User
from pinkbreast.db.session import session_scope
from pinkbreast.services import outcomes, predictions
from tests.clinic.helpers import BENIGN_ID, MALIGNANT_ID, case_values
from tests.clock import days_ago
from tests.web_fixtures import make_account

PEOPLE = ("alice", "bruno", "admin")


def run(monkeypatch, database_url: str, *args: str):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(cli, ["data", *args])


def _user(session, name: str) -> User:
    return session.scalar(sa.select(User).where(User.username == name))


def _predict(session, tracking_uri, name: str, refs: list[str], **request) -> list[int]:
    cases = [MALIGNANT_ID, BENIGN_ID]
    samples = [
        predictions.Sample(case_values(cases[i % 2]), ref, days_ago(32) if i else None)
        for i, ref in enumerate(refs)
    ]
    stored = predictions.create_predictions(
        session=session,
        submission=predictions.Submission(user=_user(session, name), **request),
        samples=samples,
        tracking_uri=tracking_uri,
    )
    return [record.id for record in stored.records]


def _outcome(session, name: str, prediction_id: int, diagnosis: str, note: str = "") -> None:
    outcomes.record_outcome(
        session=session,
        user=_user(session, name),
        prediction_id=prediction_id,
        diagnosis=diagnosis,
        confirmed_on=days_ago(14),
        note=note,
    )


@pytest.fixture
def source(tmp_path, env, champion_tracking_uri) -> str:
    """A SQLite database with form, API and batch predictions, outcomes and a correction."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(url)
    for name in PEOPLE:
        make_account(url, name, role="admin" if name == "admin" else "clinician")
    with session_scope(url) as session:
        form = _predict(session, champion_tracking_uri, "alice", ["S-1"], idempotency_key="k1")
        api = _predict(session, champion_tracking_uri, "bruno", ["A-1"], source="api")
        batch = _predict(
            session,
            champion_tracking_uri,
            "alice",
            ["B-1", "B-2", "B-3"],
            source="batch",
            explain=False,
        )
        _outcome(session, "alice", form[0], "B")
        _outcome(session, "admin", form[0], "M", note="corrected after review — révisé")
        _outcome(session, "bruno", api[0], "M")
        _outcome(session, "alice", batch[1], "B")
        session.add(  # the API prediction was measured on an image (its provenance)
            ImageProvenance(
                prediction_id=api[0], image_sha256="ab" * 32, image_name="aspirate.png",
                width=640, height=480, pixel_size_um=0.25, method_version="1",
                code_version="0.1.0", nuclei=2,
                contours="[[[1.5, 2.0], [3.0, 4.25]], [[5.0, 6.0]]]",
            )
        )  # fmt: skip
        session.commit()
    return url


def _counts(url: str) -> tuple[int, int]:
    with session_scope(url) as session:
        return (
            session.scalar(sa.select(sa.func.count()).select_from(PredictionRecord)),
            session.scalar(sa.select(sa.func.count()).select_from(Outcome)),
        )


def test_round_trip_is_identical_and_reimport_changes_nothing(
    source, database_url, tmp_path, monkeypatch, champion_tracking_uri
):
    """SQLite -> this backend -> export: byte for byte the same file; importing it again adds
    nothing; ids keep working for new predictions afterwards."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    exported = run(monkeypatch, source, "export-predictions", "-o", str(first))
    assert exported.exit_code == 0, exported.output
    lines = first.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "pinkbreast-predictions", "version": 1}
    assert len(lines) == 1 + 5
    record = json.loads(lines[1])
    assert record["user"] == "alice" and len(record["measurements"]) == 30
    assert [o["recorded_by"] for o in record["outcomes"]] == ["alice", "admin"]

    for name in reversed(PEOPLE):  # other ids for the same people in the target
        make_account(database_url, name)
    imported = run(monkeypatch, database_url, "import-predictions", str(first))
    assert imported.exit_code == 0, imported.output
    assert "5 new predictions (0 already stored), 4 new outcomes" in imported.output
    assert run(monkeypatch, database_url, "export-predictions", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    (measured,) = [json.loads(line) for line in lines[1:] if "image" in json.loads(line)]
    assert measured["image"]["sha256"] == "ab" * 32 and len(measured["image"]["contours"]) == 2
    with session_scope(database_url) as session:
        (row,) = session.scalars(sa.select(ImageProvenance)).all()
        assert row.prediction_id == measured["id"] and row.nuclei == 2

    again = run(monkeypatch, database_url, "import-predictions", str(first))
    assert again.exit_code == 0, again.output
    assert "0 new predictions (5 already stored), 0 new outcomes (4 already stored)" in again.output
    assert _counts(database_url) == (5, 4)
    with session_scope(database_url) as session:
        (fresh,) = _predict(session, champion_tracking_uri, "bruno", ["NEW-1"])
    assert fresh > max(json.loads(line)["id"] for line in lines[1:])


def test_a_bad_file_is_refused_whole_with_each_problem_located(
    source, database_url, tmp_path, monkeypatch
):
    """Good lines and bad ones: every problem named by line and field, and nothing stored."""
    exported = tmp_path / "export.jsonl"
    assert run(monkeypatch, source, "export-predictions", "-o", str(exported)).exit_code == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    third = json.loads(lines[2])
    third["measurements"]["radius_mean"] = -1.0
    third["outcomes"] = [{**third["outcomes"][0], "diagnosis": "X"}]
    lines[2] = json.dumps(third)
    fourth = json.loads(lines[3])
    fourth["user"] = "nobody"
    lines[3] = json.dumps(fourth)
    lines[4] = lines[4][:40]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in PEOPLE:
        make_account(database_url, name)

    result = run(monkeypatch, database_url, "import-predictions", str(bad))
    assert result.exit_code == 1
    assert "bad.jsonl, line 3, column measurements.radius_mean: Input should be greater" in (
        result.output
    )
    assert "bad.jsonl, line 3, column outcomes[0].diagnosis: Input should be 'M' or 'B'" in (
        result.output
    )
    assert "bad.jsonl, line 5: not JSON" in result.output
    assert "bad.jsonl rejected: nothing was imported." in result.output
    assert "Traceback" not in result.output
    assert _counts(database_url) == (0, 0)

    lines = exported.read_text(encoding="utf-8").splitlines()  # valid JSON, unknown account
    lines[3] = json.dumps(fourth)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    unknown = run(monkeypatch, database_url, "import-predictions", str(bad))
    assert unknown.exit_code == 1
    assert "line 4, column user: no account named 'nobody': create it first" in unknown.output
    assert _counts(database_url) == (0, 0)
    with session_scope(database_url) as session:
        imports = sa.select(AuditEvent).where(AuditEvent.action == "predictions.import")
        assert session.scalars(imports).all() == []


def test_an_id_stored_with_other_content_is_a_conflict(source, database_url, tmp_path, monkeypatch):
    """Re-import skips identical rows only: a changed probability under a known id is refused."""
    exported = tmp_path / "export.jsonl"
    assert run(monkeypatch, source, "export-predictions", "-o", str(exported)).exit_code == 0
    for name in PEOPLE:
        make_account(database_url, name)
    assert run(monkeypatch, database_url, "import-predictions", str(exported)).exit_code == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[2])
    changed["probability"] = 0.5 if changed["probability"] != 0.5 else 0.25
    lines[2] = json.dumps(changed)
    edited = Path(tmp_path / "edited.jsonl")
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(monkeypatch, database_url, "import-predictions", str(edited))
    assert result.exit_code == 1
    assert f"line 3, column id: prediction {changed['id']} exists with different content" in (
        result.output
    )
    assert _counts(database_url) == (5, 4)


def test_a_backup_with_a_patient_name_as_reference_is_refused(
    source, database_url, tmp_path, monkeypatch
):
    """The sample-reference rule of the form and the API holds for backup imports too."""
    exported = tmp_path / "export.jsonl"
    assert run(monkeypatch, source, "export-predictions", "-o", str(exported)).exit_code == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    second["sample_ref"] = "Jane DOE, born 1970-01-01"
    lines[1] = json.dumps(second)
    bad = tmp_path / "named.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in PEOPLE:
        make_account(database_url, name)
    result = run(monkeypatch, database_url, "import-predictions", str(bad))
    assert result.exit_code == 1 and "line 2, column sample_ref" in result.output
    assert _counts(database_url) == (0, 0)
