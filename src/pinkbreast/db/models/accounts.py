"""Accounts, the audit trail and failed-login counters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.vocabulary import ACCOUNT_STATUSES as STATUSES
from pinkbreast.vocabulary import ACTIVE as APPROVED  # an approved account, that may sign in
from pinkbreast.vocabulary import AUDIT_OUTCOMES, CLINICIAN, DEACTIVATED, PENDING, ROLES, sql_in


class User(Base):
    """An account. ``session_token`` is rotated to end every session of the account at once."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(sql_in("role", ROLES), name="role"),
        sa.CheckConstraint(sql_in("status", STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=CLINICIAN)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    session_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)

    # Flask-Login's user protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status != DEACTIVATED

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_approved(self) -> bool:
        return self.status == APPROVED

    def get_id(self) -> str:
        """The session holds the id *and* the current token: rotating it logs every copy out."""
        return f"{self.id}:{self.session_token}"


class AuditEvent(Base):
    """One row per security-relevant action; rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_name: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    record_type: Mapped[str | None] = mapped_column(sa.String(32))
    record_id: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(8))
    client_address: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[str | None] = mapped_column(sa.String(255))
    # Every record a list or export returned, as ",12,13," (None: the row names one record).
    record_ids: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint(sql_in("outcome", AUDIT_OUTCOMES), name="outcome"),)


class LoginFailure(Base):
    """A failed login, counted per account and per client address to throttle guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_scope_subject", "scope", "subject", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8))  # "account" or "address"
    subject: Mapped[str] = mapped_column(sa.String(255))
    attempted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
