"""FHIR R4 export: what the resources say, that they validate and round-trip, who may read
them, and the batch file of the command line."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem

from pinkbreast.cli import cli
from pinkbreast.db.models import AuditEvent, PredictionRecord, User
from pinkbreast.db.session import session_scope
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.outcomes import record_outcome
from tests.clock import days_ago
from tests.reports.helpers import make_predictions, pdf_text


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_one_prediction_is_a_valid_bundle_that_round_trips(api, clinic_settings):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    response = api.get(f"/predictions/{prediction_id}/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.data)  # every resource validates
    again = Bundle.model_validate_json(bundle.model_dump_json())
    assert again.model_dump() == bundle.model_dump()
    data = json.loads(response.data)
    assert data["type"] == "batch"
    assert all(e["request"]["method"] == "PUT" for e in data["entry"])
    (report,) = _resources(data, "DiagnosticReport")
    observations = {o["code"]["coding"][0]["code"]: o for o in _resources(data, "Observation")}
    (device,) = _resources(data, "Device")
    with session_scope(clinic_settings.database_url) as session:
        record = session.get(PredictionRecord, prediction_id)
        expected = {name: getattr(record, name) for name in FEATURE_NAMES}
        probability, zone, version = record.probability, record.zone, record.model_version
    assert report["status"] == "final"
    assert report["subject"]["identifier"]["value"] == "CYTO-0000"
    assert "alice" not in json.dumps(report["subject"])
    assert len(report["result"]) == 32 == len(observations)
    for name, value in expected.items():
        assert observations[name]["valueQuantity"]["value"] == value
    assert observations["malignancy-probability"]["valueQuantity"]["value"] == round(
        100 * probability, 4
    )
    assert observations["zone"]["valueCodeableConcept"]["coding"][0]["code"] == zone
    assert device["version"][0]["value"] == version
    pdf = base64.b64decode(report["presentedForm"][0]["data"])
    assert report["presentedForm"][0]["contentType"] == "application/pdf"
    assert "CYTO-0000" in pdf_text(pdf)


def test_a_later_confirmed_outcome_amends_the_report(api, clinic_settings, users):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    with session_scope(clinic_settings.database_url) as session:
        record_outcome(
            session=session, user=session.get(User, users["alice"]),
            prediction_id=prediction_id, diagnosis="M", confirmed_on=days_ago(30),
        )  # fmt: skip
    data = json.loads(api.get(f"/predictions/{prediction_id}/fhir?lang=fr").data)
    (report,) = _resources(data, "DiagnosticReport")
    assert report["status"] == "amended"
    assert "Diagnostic confirmé : Malin" in report["conclusion"]
    confirmed = [
        o for o in _resources(data, "Observation") if o["id"].endswith("confirmed-diagnosis")
    ]
    assert confirmed[0]["valueCodeableConcept"]["coding"][0]["code"] == "malignant"


def test_another_clinicians_bundle_is_not_found_and_audited(api_bruno, clinic_settings):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    response = api_bruno.get(f"/predictions/{prediction_id}/fhir")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    with session_scope(clinic_settings.database_url) as session:
        row = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "prediction.fhir")
        ).one()
        assert (row.actor_name, row.outcome) == ("bruno", "denied")


@pytest.mark.sqlite_only  # static documents and argument checks, not SQL
def test_the_code_systems_are_published(client, app):
    response = client.get("/fhir/CodeSystem/wdbc-measurements")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    system = CodeSystem.model_validate_json(response.data)
    assert [c.code for c in system.concept] == list(FEATURE_NAMES)
    assert "no LOINC" in system.description
    base = app.config["PINKBREAST_SETTINGS"].fhir_base
    assert system.url == f"{base}/CodeSystem/wdbc-measurements"
    assert client.get("/fhir/CodeSystem/pinkbreast-results").status_code == 200
    assert client.get("/fhir/CodeSystem/loinc").status_code == 404


def test_many_predictions_export_in_one_bundle_read_in_chunks(
    clinic_settings, users, tmp_path, monkeypatch
):
    """Read in chunks of 5 (three chunks, the last one short, an outcome to load in the middle
    one), with progress on standard error; the export is audited."""
    ids = make_predictions(clinic_settings, "alice", 12, explain=False)
    with session_scope(clinic_settings.database_url) as session:
        record_outcome(
            session=session, user=session.get(User, users["alice"]), prediction_id=ids[6],
            diagnosis="B", confirmed_on=days_ago(30),
        )  # fmt: skip
    monkeypatch.setattr("pinkbreast.services.reports._CHUNK", 5)
    output = tmp_path / "bundle.json"
    result = CliRunner().invoke(
        cli, ["export-fhir", "-o", str(output), "--at", "2026-12-01T08:00:00"]
    )
    assert result.exit_code == 0, result.output
    assert "Exporting" in result.output and "Exported 12 predictions" in result.output
    bundle = Bundle.model_validate_json(output.read_text(encoding="utf-8"))
    reports = [
        e.resource for e in bundle.entry if e.resource.get_resource_type() == "DiagnosticReport"
    ]
    assert [r.identifier[0].value for r in reports] == [str(i) for i in ids]
    assert [r.status for r in reports].count("amended") == 1 and reports[6].status == "amended"
    devices = [e for e in bundle.entry if e.resource.get_resource_type() == "Device"]
    assert len(devices) == 1 and len(bundle.entry) == 12 * 33 + 1 + 1  # + the outcome
    assert bundle.timestamp == datetime(2026, 12, 1, 8, tzinfo=UTC)
    with session_scope(clinic_settings.database_url) as session:
        row = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "predictions.export_fhir")
        ).one()
        assert row.detail == "12 predictions"


def test_since_keeps_only_later_predictions(clinic_settings, users, tmp_path):
    make_predictions(clinic_settings, "alice", 2, explain=False)
    output = tmp_path / "bundle.json"
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    result = CliRunner().invoke(cli, ["export-fhir", "--since", tomorrow, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Exported 0 predictions" in result.output
    assert Bundle.model_validate_json(output.read_text()).entry is None


def test_the_report_command_writes_the_pdf(clinic_settings, users, tmp_path):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    output = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        cli, ["report", str(prediction_id), "-o", str(output), "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "Aide à la décision uniquement" in pdf_text(output.read_bytes())


@pytest.mark.sqlite_only  # static documents and argument checks, not SQL
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "12345", "-o", "x.pdf"], "Error: No prediction 12345."),
        (["report", "0", "-o", "x.pdf"], "0 is not in the range x>=1"),
        (["report", "1"], "Missing option '-o' / '--output'"),
        (["report", "1", "-o", "x.pdf", "--lang", "de"], "'de' is not one of 'en', 'fr'"),
        (["export-fhir", "-o", "b.json", "--since", "2026-13-01"], "'2026-13-01' does not match"),
        (["export-fhir", "-o", "b.json", "--at", "noon"], "'noon' does not match"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(
    clinic_settings, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "b.json").exists()
