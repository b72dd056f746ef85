"""Trainings started from the admin page: run by a background process, progress stored here.
At most one runs at a time, enforced by the database (unique ``running_key``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.vocabulary import TRAINING_STATUSES, sql_in

RUNNING = "running"


class TrainingJob(Base):
    """``running_key`` is ``"running"`` while the training runs and NULL once it ended."""

    __tablename__ = "training_jobs"
    __table_args__ = (sa.CheckConstraint(sql_in("status", TRAINING_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    running_key: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    done: Mapped[int] = mapped_column(sa.Integer, default=0)
    total: Mapped[int] = mapped_column(sa.Integer, default=0)
    version: Mapped[str | None] = mapped_column(sa.String(32))
    message: Mapped[str] = mapped_column(sa.Text, default="")
