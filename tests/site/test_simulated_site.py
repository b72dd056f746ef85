"""A simulated site, end to end: its image pipeline measures every nuclear size feature 15%
too large; the champion's site sensitivity collapses (its input guard sends the cases to
"check the input"); the confirmed cases are adopted; a challenger trained with them recovers
site sensitivity, and the paired comparison says so with intervals; promotion needs a second
administrator; after approval the served version changes without a restart, existing
predictions keep the version that made them; rollback restores the previous champion. Every
step is audited.

Two quick trainings (about a minute each): SQLite only. The same services are tested on the
three backends in ``test_adoption.py`` and ``test_promotions.py``.
"""

import dataclasses
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.models import AuditEvent, PredictionRecord
from pinkbreast.db.session import session_factory
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import aliases, serving
from pinkbreast.ml.challenger import load_comparison
from pinkbreast.ml.data import load_reference
from pinkbreast.ml.train import train
from pinkbreast.services import predictions
from pinkbreast.services.cases import import_cases
from pinkbreast.services.validation import site_validation
from pinkbreast.web import create_app
from tests.clinic.test_french_pages import DOT_DECIMAL, visible_text
from tests.site.simulation import scored_and_confirmed, shifted_site
from tests.web_fixtures import TEST_HASH, Auth, make_account


@pytest.fixture
def site_store(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    train(load_reference(), tracking_uri=uri, artifact_location=tmp_path / "art", quick=True)
    serving.forget()
    yield uri
    serving.forget()


def _flashes(page: str) -> str:
    return " ".join(re.findall(r'role="alert"[^>]*>(.*?)<', page, flags=re.S))


@pytest.mark.slow  # two quick trainings
@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_a_shifted_site_gets_a_reviewed_challenger_that_recovers_sensitivity(
    settings, site_store, monkeypatch
):
    monkeypatch.setattr(serving, "RECHECK_SECONDS", 0.0)  # follow the alias at once
    monkeypatch.setenv("MLFLOW_TRACKING_URI", site_store)
    config = dataclasses.replace(settings, password_hash=TEST_HASH, mlflow_tracking_uri=site_store)
    app = create_app(config)
    app.config.update(TESTING=True)
    auth = Auth(app)
    ids = {name: make_account(config.database_url, name, "admin") for name in ("anna", "boris")}
    session = session_factory(config.database_url)()
    import_cases(session=session, frame=load_reference(), source="wdbc")
    anna = session.get(predictions.User, ids["anna"])

    # The site scores its patients with champion version 1, then pathology confirms them.
    site = shifted_site()
    first_ids = scored_and_confirmed(session, anna, site, site_store)
    a, b = auth.client_for("anna"), auth.client_for("boris")

    # Adopted from the admin page.
    token = Auth.csrf_token(a, "/admin/validation")
    adopted = a.post("/admin/validation/adopt", data={"csrf_token": token}, follow_redirects=True)
    assert "200 new site cases" in adopted.get_data(as_text=True)

    # The champion's site sensitivity has collapsed, and the report says so with intervals.
    before = site_validation(session=session, tracking_uri=site_store, actor_name="test")
    assert before.version == "1"
    assert before.overall.sensitivity.value < 0.5
    assert before.overall.sensitivity.high < 0.5  # the whole interval, not just the estimate
    page = a.get("/admin/validation").get_data(as_text=True)
    assert "Imported (batch)" in page and "validation-table" in page

    # A challenger trained with the site cases; the champion alias is untouched.
    result = CliRunner().invoke(cli, ["train", "--challenger", "--quick"])
    assert result.exit_code == 0, result.output
    assert aliases.version_of(site_store, "champion") == "1"
    assert aliases.version_of(site_store, "challenger") == "2"
    comparison = load_comparison(site_store)
    site_sensitivity = comparison.site["sensitivity"]
    assert site_sensitivity.challenger > 0.8 > site_sensitivity.champion
    assert site_sensitivity.low > 0  # the paired interval excludes "no gain"
    assert comparison.rule_met
    assert "Promotion rule" in result.output and ": met." in result.output
    assert serving.champion(site_store).version == "1"  # nothing served differently yet

    # Promotion: anna proposes, anna cannot approve, boris approves.
    token = Auth.csrf_token(a, "/admin/challenger")
    a.post("/admin/challenger/propose", data={"csrf_token": token})
    listed = a.get("/admin/challenger").get_data(as_text=True)
    proposal_id = int(re.search(r"/admin/challenger/(\d+)/approve", listed).group(1))
    own = a.post(f"/admin/challenger/{proposal_id}/approve", data={"csrf_token": token},
                 follow_redirects=True)  # fmt: skip
    assert "A second administrator must approve" in own.get_data(as_text=True)
    assert serving.champion(site_store).version == "1"
    token_b = Auth.csrf_token(b, "/admin/challenger")
    approved = b.post(f"/admin/challenger/{proposal_id}/approve", data={"csrf_token": token_b},
                      follow_redirects=True)  # fmt: skip
    assert "the challenger is now the champion" in approved.get_data(as_text=True)
    for path in ("/admin/validation", "/admin/challenger"):  # French numbers the French way
        french = b.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert 'lang="fr"' in french and DOT_DECIMAL.findall(visible_text(french)) == [], path

    # Served without a restart; older predictions keep the version that made them.
    assert serving.champion(site_store).version == "2"
    again = predictions.create_predictions(
        session=session,
        submission=predictions.Submission(user=anna, source="batch", explain=False),
        samples=[predictions.Sample(site[list(FEATURE_NAMES)].iloc[0].to_dict())],
        tracking_uri=site_store,
    )
    assert again.records[0].model_version == "2"
    versions = session.scalars(
        sa.select(PredictionRecord.model_version).where(PredictionRecord.id.in_(first_ids))
    ).all()
    assert set(versions) == {"1"}
    after = site_validation(session=session, tracking_uri=site_store, actor_name="test")
    assert after.version == "2" and after.overall.sensitivity.value > 0.8

    # One action rolls back.
    token = Auth.csrf_token(a, "/admin/challenger")
    back = a.post("/admin/challenger/rollback", data={"csrf_token": token}, follow_redirects=True)
    assert "previous champion is served again" in back.get_data(as_text=True)
    assert serving.champion(site_store).version == "1"

    actions = session.execute(
        sa.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_name)
        .where(
            AuditEvent.action.in_(
                ("cases.adopt", "model.propose", "model.promote", "model.rollback")
            )
        )  # fmt: skip
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in actions] == [
        ("cases.adopt", "allowed", "anna"),
        ("model.propose", "allowed", "anna"),
        ("model.promote", "denied", "anna"),
        ("model.promote", "allowed", "boris"),
        ("model.rollback", "allowed", "anna"),
    ]
    session.close()
