"""Confirmed predictions become site cases: with provenance, idempotent, audited, following
corrections; the champion's training data stays the reference cases."""

from datetime import date

import sqlalchemy as sa
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.models import AuditEvent, Case
from pinkbreast.db.session import session_factory
from pinkbreast.ml.data import load_reference
from pinkbreast.services import outcomes, site_cases
from pinkbreast.services.cases import import_cases, load_frame
from pinkbreast.tables import SITE_ID_OFFSET
from tests.clock import days_ago
from tests.site import helpers


def _adopt_audits(session) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == "cases.adopt").order_by(AuditEvent.id)
    return list(session.scalars(query))


def test_adoption_keeps_provenance_and_is_audited(session):
    """Each confirmed prediction becomes one case with origin by source, prediction and
    confirmer; unconfirmed ones are left; one audit row names the predictions."""
    carla = helpers.user(session)
    typed = helpers.confirmed(session, carla, source="form", diagnosis="M")
    imported = helpers.confirmed(session, carla, source="batch", diagnosis="B")
    api = helpers.confirmed(session, carla, source="api", diagnosis="B")
    session.commit()

    report = site_cases.adopt_confirmed(session=session, actor=carla)

    assert (report.new, report.updated, report.unchanged) == (3, 0, 0)
    cases = {c.prediction_id: c for c in session.scalars(sa.select(Case))}
    assert {k: c.origin for k, c in cases.items()} == {
        typed.id: "typed",
        imported.id: "imported",
        api.id: "api",
    }
    assert cases[imported.id].diagnosis == "B"
    assert cases[typed.id].id == SITE_ID_OFFSET + typed.id
    assert {c.confirmed_by_id for c in cases.values()} == {carla.id}
    assert cases[typed.id].radius_mean == 1.0
    (event,) = _adopt_audits(session)
    assert event.actor_name == "carla"
    assert event.record_ids == f",{typed.id},{imported.id},{api.id},"
    assert event.detail.startswith("3 new, 0 updated, 0 unchanged")


def test_adopting_again_changes_nothing(session):
    carla = helpers.user(session)
    helpers.confirmed(session, carla)
    session.commit()
    site_cases.adopt_confirmed(session=session, actor=carla)

    again = site_cases.adopt_confirmed(session=session, actor=carla)

    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
    assert len(_adopt_audits(session)) == 2


def test_a_corrected_outcome_updates_the_adopted_case(session):
    """Recording a corrected diagnosis moves the case with it, audited in the same transaction."""
    carla = helpers.user(session, role="admin")
    record = helpers.confirmed(session, carla, diagnosis="M")
    session.commit()
    site_cases.adopt_confirmed(session=session, actor=carla)

    outcomes.record_outcome(
        session=session,
        user=carla,
        prediction_id=record.id,
        diagnosis="B",
        confirmed_on=date.today(),
    )

    session.expire_all()
    case = session.scalar(sa.select(Case).where(Case.prediction_id == record.id))
    assert case.diagnosis == "B"
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["case.update", "outcome.record"]


def test_since_adopts_only_recent_confirmations(session):
    carla = helpers.user(session)
    old = helpers.confirmed(session, carla, confirmed_on=days_ago(800))
    recent = helpers.confirmed(session, carla, confirmed_on=days_ago(30))
    session.commit()

    report = site_cases.adopt_confirmed(session=session, actor=carla, since=days_ago(300))

    assert report.new == 1
    adopted = session.scalars(sa.select(Case.prediction_id)).all()
    assert adopted == [recent.id] and old.id not in adopted


def test_training_data_stays_reference_until_a_challenger(session):
    """``load_frame`` (what `pinkbreast train` trains on) leaves adopted cases out."""
    carla = helpers.user(session)
    import_cases(session=session, frame=load_reference().head(5), source="wdbc")
    helpers.confirmed(session, carla)
    session.commit()
    site_cases.adopt_confirmed(session=session, actor=carla)

    assert len(load_frame(session)) == 5
    assert len(load_frame(session, origins=("reference", "typed"))) == 6
    site = site_cases.load_site_frame(session)
    assert list(site["origin"]) == ["typed"] and len(site) == 1


def test_cli_adopt_confirmed(settings):
    session = session_factory(settings.database_url)()
    carla = helpers.user(session)
    helpers.confirmed(session, carla, confirmed_on=days_ago(60))
    session.commit()
    runner = CliRunner()

    first = runner.invoke(cli, ["data", "adopt-confirmed", "--since", days_ago(300).isoformat()])
    second = runner.invoke(cli, ["data", "adopt-confirmed"])
    bad = runner.invoke(cli, ["data", "adopt-confirmed", "--since", "01/02/2026"])

    assert first.exit_code == 0, first.output
    assert "1 new, 0 updated, 0 unchanged" in first.output
    assert "0 new, 0 updated, 1 unchanged" in second.output
    assert bad.exit_code == 2 and "--since" in bad.output
    assert [e.actor_name for e in _adopt_audits(session)] == ["cli", "cli"]
    session.close()
