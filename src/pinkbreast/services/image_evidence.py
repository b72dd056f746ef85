"""Does the site's own evidence support the champion on image-derived measurements?

The champion learnt from Xcyt's measurements; values measured here from an image may be shifted
by the microscope, stain, camera, scale or program. Every image-derived prediction carries a
notice saying so until the site's confirmed image-derived cases (adopted as site cases, origin
``image``) show, for the version that made the prediction when it is the champion:

- a *conclusive* validation: the 95% intervals of sensitivity and specificity both narrower than
  the site validation's width (:data:`pinkbreast.ml.site_validation.WIDTH`), and
- a sensitivity whose lower 95% bound is at least the site's recall alert threshold
  (``RECALL_ALERT_THRESHOLD``), the recall the administrators already decided they must keep.

Computed from the current cases each time it is asked (image-derived predictions only), so a
corrected outcome or a new champion is reflected at once; a predicted version other than the
champion's never counts as validated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from pinkbreast.ml.names import IMAGE, MALIGNANT
from pinkbreast.ml.site_validation import WIDTH, GroupFigures, group_figures
from pinkbreast.services import scoring
from pinkbreast.services.site_cases import load_site_frame
from pinkbreast.services.validation import score


@dataclass(frozen=True)
class ImageEvidence:
    """The champion ``version`` on the site's confirmed image-derived cases."""

    version: str
    figures: GroupFigures
    floor: float  # the lower 95% bound of sensitivity must reach this

    @property
    def adequate(self) -> bool:
        found = self.figures.sensitivity
        return self.figures.conclusive and found is not None and found.low >= self.floor


def image_evidence(
    *, session: Session, tracking_uri: str, floor: float, version: str | None = None
) -> ImageEvidence | None:
    """The evidence for the champion; None when no champion loads or ``version`` (the version
    that made a prediction) is not the champion's."""
    try:
        model = scoring.champion(tracking_uri)
    except scoring.ModelUnavailable:
        return None
    if version is not None and version != model.version:
        return None
    frame = load_site_frame(session, origin=IMAGE)
    p, label, zone = score(model, frame)
    y = (frame["diagnosis"].to_numpy() == "M").astype(int)
    called = np.asarray(label, dtype=object) == MALIGNANT
    figures = group_figures(IMAGE, y, p, called, zone, width=WIDTH, with_auc=False)
    return ImageEvidence(model.version, figures, floor)


def validated(evidence: ImageEvidence | None, version: str) -> bool:
    """Whether ``evidence`` lifts the notice on a prediction made by ``version``."""
    return evidence is not None and evidence.adequate and evidence.version == version
