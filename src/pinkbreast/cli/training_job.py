"""A challenger training started from the admin page reports to its ``training_jobs`` row:
progress as it goes, then success with the version, or failure with the reason."""

from __future__ import annotations

from typing import Literal

from pinkbreast.db.session import session_scope
from pinkbreast.services import training_jobs

UNTOUCHED = "the champion is untouched"


class JobReport:
    """Context manager; without a job id every call does nothing."""

    def __init__(self, settings, job_id: int | None):
        self.url, self.job_id, self.closed = settings.database_url, job_id, False

    def __enter__(self) -> JobReport:
        return self

    def wrap(self, bar):
        def report(label: str, done: int, total: int) -> None:
            bar(label, done, total)
            if self.job_id is not None:
                with session_scope(self.url) as session:
                    training_jobs.progress(
                        session=session, job_id=self.job_id, done=done, total=total
                    )

        return report

    def succeeded(self, version: str) -> None:
        self._finish(version=version)

    def __exit__(self, kind, error, _traceback) -> Literal[False]:
        if error is not None and not self.closed:
            reason = getattr(error, "message", None) or str(error) or kind.__name__
            self._finish(error=f"{reason}; {UNTOUCHED}")
        return False

    def _finish(self, **outcome) -> None:
        self.closed = True
        if self.job_id is not None:
            with session_scope(self.url) as session:
                training_jobs.finish(session=session, job_id=self.job_id, **outcome)
