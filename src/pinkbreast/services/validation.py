"""The current champion (or any aliased version) scored on the adopted site cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pinkbreast.db.models import User
from pinkbreast.db.session import transaction
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import serving
from pinkbreast.ml.champion import Champion
from pinkbreast.ml.names import ALIAS
from pinkbreast.ml.site_validation import WIDTH, SiteValidation, validate
from pinkbreast.services import audit
from pinkbreast.services.site_cases import load_site_frame


def score(model: Champion, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(probability, label, zone)`` of ``model`` on the cases of ``frame``."""
    if frame.empty:
        empty = np.array([], dtype=object)
        return np.array([], dtype=float), empty, empty
    scores = model.score(frame[list(FEATURE_NAMES)].to_numpy(dtype=float))
    return (
        np.asarray(scores.probability, dtype=float),
        np.asarray(scores.label, dtype=object),
        np.asarray(scores.zone, dtype=object),
    )


def site_validation(
    *,
    session: Session,
    tracking_uri: str,
    actor: User | None = None,
    actor_name: str | None = None,
    alias: str = ALIAS,
    width: float = WIDTH,
    client_address: str | None = None,
) -> SiteValidation:
    """How the version ``alias`` names (default: the champion) does on every adopted site case.

    Raises :class:`~pinkbreast.ml.champion.ChampionUnavailable` when no such version loads.
    The read of the site cases is audited.
    """
    frame = load_site_frame(session)
    model = (
        serving.champion(tracking_uri)
        if alias == ALIAS
        else serving.model_for_alias(tracking_uri, alias)
    )
    result = validate(model.version, frame, *score(model, frame), width=width)
    with transaction(session):
        audit.record(
            session=session,
            action="validation.report",
            actor=actor,
            actor_name=actor_name,
            record_type="model_version",
            record_id=model.version,
            client_address=client_address,
            detail=f"{len(frame)} site cases",
        )
    return result
