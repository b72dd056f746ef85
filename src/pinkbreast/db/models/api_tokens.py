"""Per-user bearer tokens for the JSON API (only a SHA-256 digest of each is stored), and the
request counters of the API rate limit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pinkbreast.db.models.accounts import User
from pinkbreast.db.models.base import Base, Timestamp, utcnow


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown to tell tokens apart
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    user: Mapped[User] = relationship(lazy="joined")


class ApiRateWindow(Base):
    """Requests counted for one token in one fixed window (``services/rate_limit.py``).

    Two rows per token, one per parity of the window number, reused from window to window:
    the current window's count and the previous one's, shared by every worker and instance.
    """

    __tablename__ = "api_rate_windows"

    subject: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # the token's digest
    slot: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    window_start: Mapped[int] = mapped_column(sa.BigInteger)  # window number: epoch // period
    hits: Mapped[int] = mapped_column(sa.Integer)
