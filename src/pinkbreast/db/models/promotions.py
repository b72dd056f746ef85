"""Reviewed changes of the served model: a promotion proposed by one administrator and approved
by another, or a rollback. At most one proposal is open at a time, enforced by the database."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pinkbreast.db.models.accounts import User
from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.vocabulary import PROMOTION_KINDS as KINDS
from pinkbreast.vocabulary import PROMOTION_STATUSES, sql_in

OPEN = "open"


class ModelPromotion(Base):
    """``open_key`` is ``"open"`` while the proposal awaits review and NULL once decided: its
    unique constraint lets only one proposal be open. Deciding is a conditional update on
    ``status = 'proposed'``, so of two concurrent approvals exactly one changes the row."""

    __tablename__ = "model_promotions"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(sql_in("status", PROMOTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    open_key: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    from_version: Mapped[str] = mapped_column(sa.String(32))
    to_version: Mapped[str] = mapped_column(sa.String(32))
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    single_person: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    figures: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON: the comparison

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    @property
    def figures_data(self) -> dict:
        return json.loads(self.figures or "{}")
