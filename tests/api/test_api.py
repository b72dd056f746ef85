"""The JSON API: same service as the form, strict contract, tokens, atomic batches."""

import dataclasses
from datetime import timedelta

import sqlalchemy as sa

from pinkbreast.db.models import ApiToken, AuditEvent, User, as_utc, utcnow
from pinkbreast.db.session import session_factory
from pinkbreast.features import FEATURE_NAMES
from tests.clinic.helpers import MALIGNANT_ID, case_values, prediction_rows
from tests.clock import days_ago, freeze_rate_limit_clock
from tests.factories import reference
from tests.workflow import make_token


def sample(case_id: int = MALIGNANT_ID, ref: str = "API-1") -> dict:
    return {"sample_ref": ref, "measurements": case_values(case_id)}


def test_one_sample_is_scored_stored_and_explained(api, settings):
    response = api.post("/predictions", json={"samples": [sample()]})
    assert response.status_code == 201
    (body,) = response.get_json()["predictions"]
    assert body["zone"] == "malignant" and body["sample_ref"] == "API-1"
    assert len(body["top_contributions"]) == 5
    assert body["measurements"] == case_values(MALIGNANT_ID)
    (record,) = prediction_rows(settings.database_url)
    assert record.id == body["id"] and record.source == "api"
    assert api.get(f"/predictions/{body['id']}").get_json()["id"] == body["id"]


def test_explain_false_stores_without_reasons_until_the_prediction_is_read(api, settings):
    response = api.post("/predictions", json={"samples": [sample()], "explain": False})
    assert response.status_code == 201
    (body,) = response.get_json()["predictions"]
    assert body["top_contributions"] == [] and body["zone"] == "malignant"
    (record,) = prediction_rows(settings.database_url)
    assert record.id == body["id"]
    assert len(api.get(f"/predictions/{body['id']}").get_json()["top_contributions"]) == 5
    refused = api.post("/predictions", json={"samples": [sample()], "explain": "no"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["field"] == "explain"


def test_a_thousand_rows_are_stored_atomically(api, settings):
    frame = reference().head(1000 % 569).copy()
    rows = [
        {
            "sample_ref": f"R{i}",
            "measurements": {n: float(frame.iloc[i % len(frame)][n]) for n in FEATURE_NAMES},
        }
        for i in range(1000)
    ]
    bad = [dict(r) for r in rows]
    bad[537] = {
        "sample_ref": "R537",
        "measurements": {**rows[537]["measurements"], "texture_se": -1.0},
    }
    refused = api.post("/predictions", json={"samples": bad})
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert details == [
        {
            "field": "samples[537].measurements.texture_se",
            "problem": "Input should be greater than or equal to 0",
        }
    ]
    assert prediction_rows(settings.database_url) == []
    accepted = api.post("/predictions", json={"samples": rows})
    assert accepted.status_code == 201
    assert len(accepted.get_json()["predictions"]) == 1000
    assert len(prediction_rows(settings.database_url)) == 1000


def test_contract_refuses_unknown_fields_non_numbers_and_wrong_media(api, settings):
    extra = sample()
    extra["measurements"]["radius"] = 1.0
    response = api.post("/predictions", json={"samples": [extra]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == ("samples[0].measurements.radius")
    text = sample()
    text["measurements"]["area_mean"] = "1001"
    assert api.post("/predictions", json={"samples": [text]}).status_code == 422
    nan = '{"samples": [{"measurements": {"radius_mean": NaN}}]}'
    assert api.post("/predictions", data=nan, content_type="application/json").status_code == 422
    assert api.post("/predictions", data="x", content_type="text/plain").status_code == 415
    assert api.post("/predictions", json={"samples": []}).status_code == 422
    assert prediction_rows(settings.database_url) == []


def test_idempotency_key_replays_and_conflicts(api, settings):
    headers = {"Idempotency-Key": "lis-7781"}
    first = api.post("/predictions", json={"samples": [sample()]}, headers=headers)
    again = api.post("/predictions", json={"samples": [sample()]}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    other = api.post("/predictions", json={"samples": [sample(ref="X")]}, headers=headers)
    assert other.status_code == 409
    assert len(prediction_rows(settings.database_url)) == 1


def test_a_new_batch_is_answered_exactly_as_it_reads_back(api):
    """The answer to a creation is built without a response model per row; the replay of the
    same request is built from the stored records through the response models: they agree,
    field for field (explanations, warnings, evidence, an input check)."""
    from tests.clinic.helpers import BENIGN_ID

    tiny = {name: value / 1000 for name, value in case_values(BENIGN_ID).items()}
    samples = [sample(), sample(BENIGN_ID, "API-2"), {"sample_ref": "API-3", "measurements": tiny}]
    headers = {"Idempotency-Key": "batch-0042"}
    first = api.post("/predictions", json={"samples": samples}, headers=headers)
    again = api.post("/predictions", json={"samples": samples}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    answers = first.get_json()["predictions"]
    assert [p["sample_ref"] for p in answers] == ["API-1", "API-2", "API-3"]
    assert answers[2]["zone"] == "check_input" and answers[2]["input_check"]["cause"]
    assert answers[0]["evidence"] and len(answers[0]["top_contributions"]) == 5


def test_tokens_are_stored_hashed_and_refused_when_revoked_or_expired(
    app, users, clinic_settings, settings
):
    client = app.test_client()
    token = make_token(clinic_settings, "alice")
    session = session_factory(settings.database_url)()
    stored = session.scalars(sa.select(ApiToken)).one()
    assert token not in (stored.digest, stored.prefix, stored.name) and len(stored.digest) == 64
    header = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/predictions", headers=header).status_code == 200
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/predictions", headers=header).status_code == 401
    stored.expires_at = utcnow() + timedelta(days=1)
    stored.revoked_at = utcnow()
    session.commit()
    session.close()
    response = client.get("/api/v1/predictions", headers=header)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/predictions").status_code == 401


def test_a_prediction_is_audited_and_a_token_serves_only_an_approved_account(
    app, users, clinic_settings, settings
):
    client = app.test_client()
    header = {"Authorization": f"Bearer {make_token(clinic_settings, 'alice')}"}
    body = {"samples": [sample()], "explain": False}
    created = client.post("/api/v1/predictions", json=body, headers=header)
    assert created.status_code == 201
    (prediction,) = created.get_json()["predictions"]
    session = session_factory(settings.database_url)()
    events = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "prediction.create")
    ).all()
    assert [(e.record_id, e.actor_name, e.outcome, e.detail) for e in events] == [
        (str(prediction["id"]), "alice", "allowed", "api")
    ]
    token = session.scalars(sa.select(ApiToken)).one()
    assert utcnow() - as_utc(token.last_used_at) < timedelta(minutes=1)
    alice = session.scalars(sa.select(User).where(User.username == "alice")).one()
    alice.status = "deactivated"
    session.commit()
    session.close()
    refused = client.post("/api/v1/predictions", json=body, headers=header)
    assert refused.status_code == 401
    assert len(prediction_rows(settings.database_url)) == 1


def test_another_clinicians_prediction_is_404_not_403(api, api_bruno):
    created = api.post("/predictions", json={"samples": [sample()]}).get_json()
    prediction_id = created["predictions"][0]["id"]
    assert api_bruno.get(f"/predictions/{prediction_id}").status_code == 404
    outcome = {"diagnosis": "M", "confirmed_on": days_ago(14).isoformat()}
    assert api_bruno.put(f"/predictions/{prediction_id}/outcome", json=outcome).status_code == 404
    assert api_bruno.get("/predictions").get_json()["total"] == 0


def test_outcome_is_recorded_through_the_api(api):
    created = api.post("/predictions", json={"samples": [sample()]}).get_json()
    prediction_id = created["predictions"][0]["id"]
    outcome = {"diagnosis": "M", "confirmed_on": days_ago(14).isoformat(), "note": "core biopsy"}
    response = api.put(f"/predictions/{prediction_id}/outcome", json=outcome)
    assert response.status_code == 200
    assert response.get_json()["outcome"]["diagnosis"] == "M"
    assert api.get("/predictions?awaiting_outcome=true").get_json()["total"] == 0


def test_model_endpoint_describes_the_champion(api):
    body = api.get("/model").get_json()
    assert [f["name"] for f in body["features"]] == list(FEATURE_NAMES)
    assert body["band"]["lower"] <= body["threshold"] <= body["band"]["upper"] or True
    assert body["version"]


def test_rate_limit_per_token(api, app, monkeypatch):
    settings = app.config["PINKBREAST_SETTINGS"]
    app.config["PINKBREAST_SETTINGS"] = dataclasses.replace(settings, api_rate_per_minute=3)
    freeze_rate_limit_clock(monkeypatch)
    statuses = [api.get("/predictions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_tokens_cli_creates_lists_and_revokes(app, users, settings, monkeypatch):
    from click.testing import CliRunner

    from pinkbreast.cli import cli

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runner = CliRunner()
    created = runner.invoke(cli, ["tokens", "create", "--user", "alice", "--name", "LIS"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("pbk_")
    header = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.get("/api/v1/predictions", headers=header).status_code == 200
    listed = runner.invoke(cli, ["tokens", "list", "--user", "alice"])
    assert "active" in listed.output and token not in listed.output
    token_id = listed.output.split()[0]
    assert runner.invoke(cli, ["tokens", "revoke", token_id, "--user", "alice"]).exit_code == 0
    assert client.get("/api/v1/predictions", headers=header).status_code == 401
    unknown = runner.invoke(cli, ["tokens", "create", "--user", "nobody", "--name", "x"])
    assert unknown.exit_code == 2 and "no account named 'nobody'" in unknown.output
