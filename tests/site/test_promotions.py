"""Reviewed promotion and rollback: four eyes, audited, exactly one of two concurrent decisions
wins; the ``champion`` alias moves only on approval."""

import threading

import pytest
import sqlalchemy as sa
from mlflow import MlflowClient

from pinkbreast.db.models import AuditEvent, ModelPromotion
from pinkbreast.db.session import session_factory
from pinkbreast.ml import aliases
from pinkbreast.services import promotions
from pinkbreast.services.promotions import PromotionRefused
from tests.site import helpers


@pytest.fixture(scope="module")
def registry_store(tmp_path_factory):
    """A real MLflow registry (SQLite) holding versions 1 and 2 of the model."""
    folder = tmp_path_factory.mktemp("registry")
    (folder / "model").mkdir()
    (folder / "model" / "MLmodel").write_text("flavors: {}\n")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    client.create_registered_model("pinkbreast")
    for _ in range(2):
        client.create_model_version("pinkbreast", source=str(folder / "model"))
    return uri


@pytest.fixture
def registry(registry_store):
    aliases.move(registry_store, "champion", "1")
    aliases.move(registry_store, "challenger", "2")
    return registry_store


@pytest.fixture
def admins(session):
    return helpers.user(session, "anna", "admin"), helpers.user(session, "boris", "admin")


def _actions(session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        sa.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_name)
        .where(AuditEvent.action.startswith("model."))
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


def test_promotion_needs_a_second_administrator(session, registry, admins):
    anna, boris = admins
    session.commit()
    proposal = promotions.propose(session=session, tracking_uri=registry, actor=anna)
    assert aliases.version_of(registry, "champion") == "1"  # nothing served differently yet

    with pytest.raises(PromotionRefused) as refused:
        promotions.approve(
            session=session, tracking_uri=registry, actor=anna, promotion_id=proposal.id
        )
    assert refused.value.code == "four_eyes"
    assert aliases.version_of(registry, "champion") == "1"

    done = promotions.approve(
        session=session, tracking_uri=registry, actor=boris, promotion_id=proposal.id
    )

    assert done.status == "approved" and done.decided_by_id == boris.id
    assert aliases.version_of(registry, "champion") == "2"
    assert _actions(session) == [
        ("model.propose", "allowed", "anna"),
        ("model.promote", "denied", "anna"),
        ("model.promote", "allowed", "boris"),
    ]
    detail = session.scalars(sa.select(AuditEvent.detail).order_by(AuditEvent.id.desc())).first()
    assert "proposed by anna, approved by boris" in detail
    tags = MlflowClient(tracking_uri=registry).get_model_version("pinkbreast", "2").tags
    assert tags["lineage.approved_by"] == "boris" and tags["lineage.promoted_from"] == "1"


def test_single_person_installation_may_approve_its_own_proposal(session, registry, admins):
    anna, _ = admins
    session.commit()
    proposal = promotions.propose(session=session, tracking_uri=registry, actor=anna)
    done = promotions.approve(
        session=session, tracking_uri=registry, actor=anna, promotion_id=proposal.id, reviewers=1
    )
    assert done.single_person
    assert aliases.version_of(registry, "champion") == "2"
    detail = session.scalars(sa.select(AuditEvent.detail).order_by(AuditEvent.id.desc())).first()
    assert "single-person installation" in detail


def test_only_one_proposal_can_be_open(session, database_url, registry, admins):
    anna, boris = admins
    session.commit()
    promotions.propose(session=session, tracking_uri=registry, actor=anna)
    other = session_factory(database_url)()
    with pytest.raises(PromotionRefused) as refused:
        promotions.propose(session=other, tracking_uri=registry, actor=other.merge(boris))
    other.close()
    assert refused.value.code == "open"
    assert session.scalar(sa.select(sa.func.count()).select_from(ModelPromotion)) == 1


def test_of_two_concurrent_approvals_exactly_one_wins(session, database_url, registry, admins):
    anna, boris = admins
    carl = helpers.user(session, "carl", "admin")
    session.commit()
    proposal = promotions.propose(session=session, tracking_uri=registry, actor=anna)
    start, results = threading.Barrier(2), []

    def approve(user_id: int) -> None:
        own = session_factory(database_url)()
        actor = own.get(type(anna), user_id)
        start.wait()
        try:
            promotions.approve(
                session=own, tracking_uri=registry, actor=actor, promotion_id=proposal.id
            )
            results.append("won")
        except PromotionRefused as exc:
            results.append(exc.code)
        finally:
            own.close()

    threads = [threading.Thread(target=approve, args=(u.id,)) for u in (boris, carl)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results)[-1] == "won" and results.count("won") == 1
    allowed = [a for a in _actions(session) if a[:2] == ("model.promote", "allowed")]
    assert len(allowed) == 1
    assert aliases.version_of(registry, "champion") == "2"


def test_rollback_is_one_audited_action(session, registry, admins):
    anna, boris = admins
    session.commit()
    proposal = promotions.propose(session=session, tracking_uri=registry, actor=anna)
    promotions.approve(
        session=session, tracking_uri=registry, actor=boris, promotion_id=proposal.id
    )

    back = promotions.rollback(session=session, tracking_uri=registry, actor=anna)

    assert (back.kind, back.from_version, back.to_version) == ("rollback", "2", "1")
    assert aliases.version_of(registry, "champion") == "1"
    assert _actions(session)[-1] == ("model.rollback", "allowed", "anna")
    with pytest.raises(PromotionRefused):
        promotions.rollback(session=session, tracking_uri=registry, actor=boris)


def test_a_clinician_cannot_propose(session, registry):
    clinician = helpers.user(session)
    session.commit()
    with pytest.raises(PromotionRefused) as refused:
        promotions.propose(session=session, tracking_uri=registry, actor=clinician)
    assert refused.value.code == "forbidden"
    assert aliases.version_of(registry, "champion") == "1"
