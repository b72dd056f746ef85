"""Start a training job's background process: ``pinkbreast train --challenger --job ID``,
detached from the web worker, its output in ``instance/logs/training-ID.log``."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy.orm import Session

from pinkbreast.config import Settings
from pinkbreast.db.models import TrainingJob, User
from pinkbreast.services import training_jobs

PROGRAM = "import sys; from pinkbreast.cli import main; sys.argv[0] = 'pinkbreast'; main()"


def launch(
    *,
    session: Session,
    settings: Settings,
    actor: User,
    quick: bool,
    client_address: str | None = None,
) -> TrainingJob:
    """Record the job (one at a time: :class:`~training_jobs.TrainingBusy`), then start it.
    A process that cannot start closes the job as failed at once."""
    job = training_jobs.start(session=session, actor=actor, client_address=client_address)
    logs = settings.instance_path / "logs"
    arguments = ["train", "--challenger", "--job", str(job.id), *(["--quick"] if quick else [])]
    environment = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "PINKBREAST_INSTANCE": str(settings.instance_path),
    }
    try:
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"training-{job.id}.log", "ab") as output:
            subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                [sys.executable, "-c", PROGRAM, *arguments],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=environment,
                start_new_session=True,
            )
    except OSError as exc:
        training_jobs.finish(
            session=session, job_id=job.id, error=f"could not start: {exc}; champion untouched"
        )
    return job
