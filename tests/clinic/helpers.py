"""Shared steps for clinical-workflow tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from pinkbreast.db.models import PredictionRecord
from pinkbreast.db.session import session_factory
from pinkbreast.features import FEATURE_NAMES
from tests.factories import reference
from tests.workflow import csrf_token

MALIGNANT_ID = 842517  # a clear malignant case (842302, the first row, is the form's example)
BENIGN_ID = 9047  # typical and far from the boundary (8510426 is in the referral band)


def case_values(case_id: int) -> dict[str, float]:
    frame = reference()
    row = frame.loc[frame["id"] == case_id].iloc[0]
    return {name: float(row[name]) for name in FEATURE_NAMES}


def submit_form(client, values: dict, *, sample_ref: str = "S-1", token: str | None = None):
    page = client.get("/predict").get_data(as_text=True)
    data = {
        name: repr(value) if isinstance(value, float) else value for name, value in values.items()
    }
    data.update(csrf_token=csrf_token(page), sample_ref=sample_ref)
    data["token"] = token or re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/predict", data=data)


def prediction_rows(database_url: str) -> list[PredictionRecord]:
    session = session_factory(database_url)()
    try:
        return list(session.scalars(sa.select(PredictionRecord).order_by(PredictionRecord.id)))
    finally:
        session.close()
