"""Stored sample references that break the rule of :mod:`pinkbreast.sample_refs`.

The rule was not the same everywhere before issue 18 (a CSV upload took any printable text up
to 64 characters), so older predictions may hold a reference the form would refuse, possibly a
patient's name. They are still shown and exported; ``import-predictions`` refuses them, so fix
or clear them before a backup is restored (docs/backup.md). Listing them is a read of patient
data: audited, with the ids found.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast import sample_refs
from pinkbreast.db.models import PredictionRecord
from pinkbreast.db.session import transaction
from pinkbreast.services import audit


@dataclass(frozen=True)
class BadReference:
    prediction_id: int
    sample_ref: str


def references_breaking_the_rule(*, session: Session) -> tuple[int, list[BadReference]]:
    """How many stored references were checked, and those that break the rule (by id)."""
    query = (
        sa.select(PredictionRecord.id, PredictionRecord.sample_ref)
        .where(PredictionRecord.sample_ref.is_not(None))
        .order_by(PredictionRecord.id)
    )
    checked, bad = 0, []
    with transaction(session):
        for prediction_id, reference in session.execute(query.execution_options(yield_per=5000)):
            if reference is None:
                raise RuntimeError(
                    f"prediction {prediction_id}: a null sample reference came back from a query "
                    "that selects only stored ones (sample_ref IS NOT NULL)"
                )
            checked += 1
            if sample_refs.problem(reference):
                bad.append(BadReference(prediction_id, reference))
        audit.record(
            session=session,
            action="predictions.check_refs",
            actor_name="cli",
            record_type="predictions",
            detail=f"{checked} references checked, {len(bad)} break the rule",
            record_ids=[item.prediction_id for item in bad],
        )
    return checked, bad
