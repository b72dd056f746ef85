"""Trainings in the background: one at a time (the database refuses a second), progress
stored, a stopped process shown as such and closed by the next start."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, TrainingJob, utcnow
from pinkbreast.db.session import session_factory
from pinkbreast.services import training_jobs
from pinkbreast.services.training_jobs import TrainingBusy
from tests.site import helpers


def test_one_training_at_a_time_with_progress_and_an_end(session, database_url):
    anna = helpers.user(session, "anna", "admin")
    boris = helpers.user(session, "boris", "admin")
    session.commit()
    job = training_jobs.start(session=session, actor=anna)
    other = session_factory(database_url)()
    with pytest.raises(TrainingBusy):
        training_jobs.start(session=other, actor=other.merge(boris))
    other.close()

    training_jobs.progress(session=session, job_id=job.id, done=3, total=10)
    shown = training_jobs.latest(session=session)
    assert (shown.status, shown.done, shown.total) == ("running", 3, 10)
    assert training_jobs.finish(session=session, job_id=job.id, version="7")
    assert not training_jobs.finish(session=session, job_id=job.id, error="late")

    done = training_jobs.latest(session=session)
    assert (done.status, done.version, done.running_key) == ("succeeded", "7", None)
    next_job = training_jobs.start(session=session, actor=boris)  # free again
    assert next_job.id != job.id
    actions = session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action.startswith("training."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["training.start", "training.finish", "training.start"]


def test_a_stopped_training_is_closed_by_the_next_start(session):
    anna = helpers.user(session, "anna", "admin")
    session.commit()
    job = training_jobs.start(session=session, actor=anna)
    session.execute(
        sa.update(TrainingJob)
        .where(TrainingJob.id == job.id)
        .values(updated_at=utcnow() - timedelta(hours=1))
    )
    session.commit()
    assert training_jobs.is_stale(training_jobs.latest(session=session))

    training_jobs.start(session=session, actor=anna)

    stopped = session.get(TrainingJob, job.id, populate_existing=True)
    assert stopped.status == "failed" and "champion is untouched" in stopped.message
