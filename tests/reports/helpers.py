"""Predictions made through the real service (the trained champion), for report tests."""

from __future__ import annotations

import io

import pypdf

from pinkbreast.db.models import User
from pinkbreast.db.session import session_scope
from pinkbreast.services.predictions import Sample, Submission, create_predictions
from tests.clinic.helpers import MALIGNANT_ID, case_values


def make_predictions(settings, username: str, n: int = 1, *, explain: bool = True) -> list[int]:
    """``n`` predictions owned by ``username`` (a batch when n > 1); their ids."""
    with session_scope(settings.database_url) as session:
        user = session.query(User).filter_by(username=username).one()
        samples = [
            Sample(values=case_values(MALIGNANT_ID), sample_ref=f"CYTO-{i:04d}") for i in range(n)
        ]
        stored = create_predictions(
            session=session,
            submission=Submission(user=user, explain=explain),
            samples=samples,
            tracking_uri=settings.mlflow_tracking_uri,
        )
        return [record.id for record in stored.records]


def pdf_text(body: bytes) -> str:
    """The text of every page, as a PDF reader extracts it (spaces normalised)."""
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())
