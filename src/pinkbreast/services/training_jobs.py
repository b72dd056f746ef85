"""Trainings run in the background: start (one at a time, enforced by the database), progress,
finish. A training whose process stopped without finishing (no progress for ``STALE``) is
shown as such and closed by the next start; it never touched the champion, since a challenger
only ever gets the ``challenger`` alias."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import TrainingJob, User, as_utc, utcnow
from pinkbreast.db.models.training import RUNNING
from pinkbreast.db.session import rows_updated, transaction
from pinkbreast.services import audit

STALE = timedelta(minutes=10)
STOPPED = "the training process stopped without finishing; the champion is untouched"


class TrainingBusy(RuntimeError):
    """Another training is running."""


def latest(*, session: Session) -> TrainingJob | None:
    query = sa.select(TrainingJob).order_by(TrainingJob.id.desc()).limit(1)
    return session.scalar(query.execution_options(populate_existing=True))


def is_stale(job: TrainingJob) -> bool:
    return job.status == RUNNING and utcnow() - as_utc(job.updated_at) > STALE


def start(
    *, session: Session, actor: User, kind: str = "challenger", client_address: str | None = None
) -> TrainingJob:
    """Record a new running training; :class:`TrainingBusy` when one is running."""
    current = latest(session=session)
    if current is not None and is_stale(current):
        finish(session=session, job_id=current.id, error=STOPPED)
    now = utcnow()
    job = TrainingJob(kind=kind, status=RUNNING, running_key=RUNNING, started_by_id=actor.id,
                      started_at=now, updated_at=now, done=0, total=0, message="")  # fmt: skip
    try:
        with transaction(session):
            session.add(job)
            session.flush()
            audit.record(session=session, action="training.start", actor=actor,
                         record_type="training_job", record_id=job.id,
                         client_address=client_address, detail=kind)  # fmt: skip
    except sa.exc.IntegrityError as exc:
        raise TrainingBusy("another training is running") from exc
    return job


def progress(*, session: Session, job_id: int, done: int, total: int) -> None:
    with transaction(session):
        session.execute(
            sa.update(TrainingJob)
            .where(TrainingJob.id == job_id, TrainingJob.status == RUNNING)
            .values(done=done, total=total, updated_at=utcnow())
        )


def finish(
    *, session: Session, job_id: int, version: str | None = None, error: str | None = None
) -> bool:
    """Close a running training (``error``: it failed, and why); False if already closed."""
    values = {"status": "failed" if error else "succeeded", "running_key": None,
              "finished_at": utcnow(), "updated_at": utcnow(), "version": version,
              "message": (error or "")[:4000]}  # fmt: skip
    with transaction(session):
        statement = (
            sa.update(TrainingJob)
            .where(TrainingJob.id == job_id, TrainingJob.status == RUNNING)
            .values(**values)
        )
        changed = rows_updated(session, statement)
        if changed:
            detail = f"version {version}" if version else (error or "")
            audit.record(session=session, action="training.finish", actor_name="training",
                         record_type="training_job", record_id=job_id, allowed=not error,
                         detail=detail)  # fmt: skip
    return bool(changed)
