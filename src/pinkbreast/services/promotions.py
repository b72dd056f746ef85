"""Changing the served model: propose the challenger, approve (a second administrator), reject,
roll back. Each step is one transaction with its audit row.

Exactly one of two concurrent decisions wins: only one proposal can be open (unique
``open_key``), and deciding is a conditional update on ``status = 'proposed'`` (rolling back,
on ``status = 'approved'``) whose row count says who won. The alias is moved inside that
transaction, after the row is changed and before the commit; a failure to move it rolls the
decision back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import ModelPromotion, User, utcnow
from pinkbreast.db.models.promotions import OPEN
from pinkbreast.db.session import rows_updated, transaction
from pinkbreast.ml import aliases
from pinkbreast.ml.names import ALIAS, CHALLENGER
from pinkbreast.services import audit
from pinkbreast.vocabulary import ADMIN


class PromotionRefused(ValueError):
    """The change cannot be made; ``code`` names why (the message is for people)."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def open_proposal(*, session: Session) -> ModelPromotion | None:
    return session.scalar(sa.select(ModelPromotion).where(ModelPromotion.open_key == OPEN))


def history(*, session: Session, limit: int = 20) -> list[ModelPromotion]:
    query = sa.select(ModelPromotion).order_by(ModelPromotion.id.desc()).limit(limit)
    return list(session.scalars(query))


def _require_admin(user: User) -> None:
    if user.role != ADMIN or not user.is_approved:
        raise PromotionRefused("forbidden", "only an approved administrator may do this")


class _Refusal(TypedDict):
    """Who was refused what: the audit row's fields (:func:`_refuse`)."""

    action: str
    actor: User
    record_id: int
    client_address: str | None


def _refuse(
    session: Session,
    *,
    action: str,
    actor: User,
    record_id: int,
    code: str,
    message: str,
    client_address: str | None,
) -> None:
    """Audit the refusal (its own transaction), then raise it."""
    with transaction(session):
        audit.record(session=session, action=action, actor=actor, record_type="model_promotion",
                     record_id=record_id, allowed=False, client_address=client_address,
                     detail=message)  # fmt: skip
    raise PromotionRefused(code, message)


def propose(
    *,
    session: Session,
    tracking_uri: str,
    actor: User,
    figures: Mapping[str, object] | None = None,
    client_address: str | None = None,
) -> ModelPromotion:
    """Propose that the challenger become the champion (nothing is served differently yet)."""
    _require_admin(actor)
    champion = aliases.version_of(tracking_uri, ALIAS)
    challenger = aliases.version_of(tracking_uri, CHALLENGER)
    if champion is None or challenger is None or challenger == champion:
        raise PromotionRefused("nothing", "there is no challenger to promote")
    proposal = ModelPromotion(
        kind="promotion", status="proposed", open_key=OPEN, from_version=champion,
        to_version=challenger, proposed_by_id=actor.id, proposed_at=utcnow(),
        figures=json.dumps(figures or {}), single_person=False,
    )  # fmt: skip
    try:
        with transaction(session):
            session.add(proposal)
            session.flush()
            audit.record(session=session, action="model.propose", actor=actor,
                         record_type="model_promotion", record_id=proposal.id,
                         client_address=client_address,
                         detail=f"version {champion} -> {challenger}")  # fmt: skip
    except sa.exc.IntegrityError as exc:
        raise PromotionRefused("open", "another proposal is already awaiting review") from exc
    return proposal


def approve(
    *,
    session: Session,
    tracking_uri: str,
    actor: User,
    promotion_id: int,
    reviewers: int = 2,
    client_address: str | None = None,
) -> ModelPromotion:
    """Approve an open proposal: ``champion`` moves to its version. With ``reviewers=2`` the
    proposer cannot approve their own proposal."""
    _require_admin(actor)
    proposal = session.get(ModelPromotion, promotion_id, populate_existing=True)
    if proposal is None or proposal.status != "proposed":
        raise PromotionRefused("decided", "this proposal is no longer awaiting review")
    own = proposal.proposed_by_id == actor.id
    refusal: _Refusal = {"action": "model.promote", "actor": actor, "record_id": promotion_id,
                         "client_address": client_address}  # fmt: skip
    if own and reviewers > 1:
        _refuse(session, code="four_eyes", message="a second administrator must approve "
                "this proposal", **refusal)  # fmt: skip
    if aliases.version_of(tracking_uri, ALIAS) != proposal.from_version:
        _refuse(session, code="stale", message="the champion changed since the proposal: "
                "propose again", **refusal)  # fmt: skip
    with transaction(session):
        won = _decide(session, promotion_id, "proposed", "approved", actor,
                      single_person=own)  # fmt: skip
        if not won:
            raise PromotionRefused("decided", "this proposal is no longer awaiting review")
        proposer = proposal.proposed_by.username
        detail = (f"version {proposal.from_version} -> {proposal.to_version}; proposed by "
                  f"{proposer}, approved by {actor.username}"
                  + ("; single-person installation" if own else "")
                  + _figures_text(proposal.figures_data))  # fmt: skip
        audit.record(session=session, action="model.promote", actor=actor,
                     record_type="model_promotion", record_id=promotion_id,
                     client_address=client_address, detail=detail)  # fmt: skip
        session.flush()
        aliases.move(tracking_uri, ALIAS, proposal.to_version)
    aliases.tag_lineage(tracking_uri, proposal.to_version, {
        "promoted_from": proposal.from_version, "proposed_by": proposer,
        "approved_by": actor.username, "approved_at": utcnow().isoformat(timespec="seconds"),
        "comparison": json.dumps(proposal.figures_data)})  # fmt: skip
    return session.get_one(ModelPromotion, promotion_id, populate_existing=True)


def reject(
    *, session: Session, actor: User, promotion_id: int, client_address: str | None = None
) -> None:
    """Close an open proposal without changing the served model."""
    _require_admin(actor)
    with transaction(session):
        if not _decide(session, promotion_id, "proposed", "rejected", actor):
            raise PromotionRefused("decided", "this proposal is no longer awaiting review")
        audit.record(session=session, action="model.reject", actor=actor,
                     record_type="model_promotion", record_id=promotion_id,
                     client_address=client_address)  # fmt: skip


def rollback(
    *, session: Session, tracking_uri: str, actor: User, client_address: str | None = None
) -> ModelPromotion:
    """Serve again the champion the last approved promotion replaced: one audited action."""
    _require_admin(actor)
    current = aliases.version_of(tracking_uri, ALIAS)
    if current is None:  # no champion: no promotion made it the champion either
        raise PromotionRefused("nothing", "no approved promotion to roll back")
    last = session.scalar(
        sa.select(ModelPromotion)
        .where(
            ModelPromotion.status == "approved",
            ModelPromotion.kind == "promotion",
            ModelPromotion.to_version == current,
        )  # fmt: skip
        .order_by(ModelPromotion.id.desc())
        .limit(1)
    )
    if last is None:
        raise PromotionRefused("nothing", "no approved promotion to roll back")
    with transaction(session):
        if not _decide(session, last.id, "approved", "rolled_back", actor, keep_decider=True):
            raise PromotionRefused("decided", "this promotion was already rolled back")
        back = ModelPromotion(
            kind="rollback", status="approved", open_key=None, from_version=current,
            to_version=last.from_version, proposed_by_id=actor.id, proposed_at=utcnow(),
            decided_by_id=actor.id, decided_at=utcnow(), single_person=True, figures="{}",
        )  # fmt: skip
        session.add(back)
        session.flush()
        audit.record(session=session, action="model.rollback", actor=actor,
                     record_type="model_promotion", record_id=back.id,
                     client_address=client_address,
                     detail=f"version {current} -> {last.from_version} (undoes promotion "
                     f"{last.id})")  # fmt: skip
        aliases.move(tracking_uri, ALIAS, last.from_version)
    aliases.tag_lineage(tracking_uri, current, {"rolled_back_by": actor.username})
    return back


def _decide(session: Session, promotion_id: int, status: str, to: str, actor: User, *,
            single_person: bool = False, keep_decider: bool = False) -> bool:  # fmt: skip
    """The conditional update: True when this call changed the row."""
    values: dict[str, object] = {"status": to, "open_key": None}
    if not keep_decider:
        values.update(decided_by_id=actor.id, decided_at=utcnow(), single_person=single_person)
    statement = (
        sa.update(ModelPromotion)
        .where(ModelPromotion.id == promotion_id, ModelPromotion.status == status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rows_updated(session, statement) == 1


def _figures_text(figures: Mapping[str, Any]) -> str:
    site = figures.get("site", {}).get("sensitivity")
    if not site:
        return ""
    interval = f"[{site['low']:+.3f}, {site['high']:+.3f}]"
    return (
        f"; site sensitivity {site['champion']:.3f} -> {site['challenger']:.3f}, "
        f"difference {site['difference']:+.3f} {interval}"
    )
