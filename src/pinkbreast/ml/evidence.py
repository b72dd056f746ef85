"""The evidence behind the model, in one line, where the decision is made.

Every answer (result page, API, batch CSV, ``pinkbreast predict``) carries what the model was
learnt from — cases, centre, period, prevalence, external validation — and, for the local
prevalence the site configures (``PINKBREAST_LOCAL_PREVALENCE``; by default the training
prevalence), the positive and negative predictive values of a call at the operating threshold,
from the out-of-fold sensitivity and specificity of the training procedure:

    PPV = Se·π / (Se·π + (1 − Sp)(1 − π)),   NPV = Sp(1 − π) / (Sp(1 − π) + (1 − Se)π).

The description is stored with each model version (``operating_point.json``, key
``evidence``); versions registered before it existed are described from the reference data with
no predictive values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt


class TrainingSource(TypedDict):
    """Where a model's training cases came from (the text fields of :class:`Evidence`)."""

    centre: str
    period: str
    design: str
    external_validation: str


# The bundled WDBC reference data (UCI; Street, Wolberg & Mangasarian 1993).
REFERENCE_SOURCE: TrainingSource = {
    "centre": "University of Wisconsin Hospitals, Madison",
    "period": "early 1990s",
    "design": "retrospective",
    "external_validation": "none",
}


# What ``describe`` counts as malignant. An object array, compared by ``==``: numpy would turn a
# list mixing "M" and 1 into strings ("M", "1", "True"), which no integer label equals.
_MALIGNANT = np.array(["M", 1, True], dtype=object)

_FRENCH = {"early 1990s": "début des années 1990", "none": "aucune"}


@dataclass(frozen=True)
class Evidence:
    cases: int
    malignant: int
    centre: str
    period: str
    design: str
    external_validation: str
    sensitivity: float | None = None  # out of fold, at the operating threshold
    specificity: float | None = None

    @property
    def prevalence(self) -> float:
        return self.malignant / self.cases

    def predictive_values(self, prevalence: float | None = None) -> tuple[float, float] | None:
        """``(PPV, NPV)`` at the operating threshold for ``prevalence`` (default: training)."""
        if self.sensitivity is None or self.specificity is None:
            return None
        pi = self.prevalence if prevalence is None else prevalence
        se, sp = self.sensitivity, self.specificity
        ppv = se * pi / (se * pi + (1 - sp) * (1 - pi))
        npv = sp * (1 - pi) / (sp * (1 - pi) + (1 - se) * pi)
        return float(ppv), float(npv)

    def line(self, prevalence: float | None = None, lang: str = "en") -> str:
        """The evidence in one line, with PPV/NPV at ``prevalence`` when they are known."""
        share = f"{self.prevalence:.0%}"
        values = self.predictive_values(prevalence)
        pi = f"{self.prevalence if prevalence is None else prevalence:.1%}"
        if lang == "fr":
            return self._line_fr(values, pi)
        text = (
            f"Learnt from {self.cases} {self.design} cases from one centre ({self.centre}), "
            f"{self.period}, {share} malignant; external validation: {self.external_validation}."
        )
        if values:
            text += f" At a prevalence of {pi}: PPV {values[0]:.2f}, NPV {values[1]:.3f}."
        return text

    def _line_fr(self, values: tuple[float, float] | None, pi: str) -> str:
        def fr(text: str) -> str:
            return text.replace(".", ",").replace("%", "\u202f%")

        period = _FRENCH.get(self.period, self.period)
        validation = _FRENCH.get(self.external_validation, self.external_validation)
        text = (
            f"Appris sur {self.cases} cas rétrospectifs d’un seul centre ({self.centre}), "
            f"{period}, {fr(f'{self.prevalence:.0%}')} malins ; validation externe : {validation}."
        )
        if values:
            text += (
                f" À une prévalence de {fr(pi)} : VPP {fr(f'{values[0]:.2f}')}, "
                f"VPN {fr(f'{values[1]:.3f}')}."
            )
        return text

    def to_dict(self, prevalence: float | None = None) -> dict[str, object]:
        values = self.predictive_values(prevalence)
        return {
            "cases": self.cases,
            "malignant": self.malignant,
            "centre": self.centre,
            "period": self.period,
            "design": self.design,
            "external_validation": self.external_validation,
            "prevalence_training": self.prevalence,
            "prevalence_local": self.prevalence if prevalence is None else prevalence,
            "ppv": None if values is None else values[0],
            "npv": None if values is None else values[1],
            "line": self.line(prevalence),
        }


def describe(diagnosis: npt.ArrayLike, pooled: Mapping[str, float]) -> dict[str, object]:
    """The ``evidence`` entry of a model's operating point: its training cases (``diagnosis``,
    "M"/"B" or 1/0) and the out-of-fold sensitivity and specificity at the threshold."""
    malignant = np.isin(np.asarray(diagnosis), _MALIGNANT)
    return {
        "cases": int(len(malignant)),
        "malignant": int(malignant.sum()),
        **REFERENCE_SOURCE,
        "sensitivity": float(pooled["sensitivity"]),
        "specificity": float(pooled["specificity"]),
    }


def from_operating_point(point: Mapping[str, Any]) -> Evidence:
    """The evidence of a served model; the reference data's for versions without it."""
    stored = point.get("evidence")
    if stored is None:
        return Evidence(569, 212, **REFERENCE_SOURCE)
    fields = Evidence.__dataclass_fields__
    return Evidence(**{key: value for key, value in stored.items() if key in fields})
