"""A simulated site whose image pipeline over-sizes nuclei by 15% (every radius, perimeter and
area feature x 1.15): its patients, scored by the served champion, then confirmed."""

from __future__ import annotations

from pinkbreast.db.models import Outcome
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference
from pinkbreast.services import predictions

SIZE = [n for n in FEATURE_NAMES if n.split("_")[0] in ("radius", "perimeter", "area")]
SITE_CASES = 200


def shifted_site(n: int = SITE_CASES):
    """``n`` reference patients as the site's pipeline measures them."""
    site = load_reference().sample(n=n, random_state=7).reset_index(drop=True)
    site[SIZE] = site[SIZE] * 1.15
    return site


def scored_and_confirmed(session, user, site, tracking_uri: str) -> list[int]:
    """Score the site's patients as a batch, then record each confirmed diagnosis; the ids."""
    stored = predictions.create_predictions(
        session=session,
        submission=predictions.Submission(user=user, source="batch", explain=False),
        samples=[predictions.Sample(row) for row in site[list(FEATURE_NAMES)].to_dict("records")],
        tracking_uri=tracking_uri,
    )
    with session.begin():
        for record, diagnosis in zip(stored.records, site["diagnosis"], strict=True):
            session.add(
                Outcome(
                    prediction_id=record.id,
                    diagnosis=diagnosis,
                    confirmed_on=record.created_at.date(),
                    note="",
                    recorded_by_id=user.id,
                )
            )
    return [record.id for record in stored.records]
