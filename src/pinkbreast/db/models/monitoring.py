"""Alerts raised by monitoring. At most one open alert per kind, enforced by the database."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow


class Alert(Base):
    """``open_key`` equals ``kind`` while the alert is open and is NULL once resolved; its
    unique constraint makes "raise once" hold across workers and instances."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    open_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    opened_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    opened_figures: Mapped[str] = mapped_column(sa.Text)  # JSON
    resolved_figures: Mapped[str | None] = mapped_column(sa.Text)  # JSON

    @property
    def figures(self) -> dict:
        return json.loads(self.opened_figures)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
