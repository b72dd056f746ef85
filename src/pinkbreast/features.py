"""The 30 WDBC features: the single source of truth for names, spellings, labels and limits.

Everything that handles a sample (form, API, CSV import/export, database columns, model input)
is generated from :data:`FEATURES`, so a field can never be wired to the wrong column.

WDBC documents no units. Radius, perimeter and area come from the digitised image (image units);
texture is a grey-level standard deviation; the remaining properties are dimensionless ratios.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

STATISTICS = ("mean", "se", "worst")
SIZED = ("radius", "texture", "perimeter", "area")  # zero is impossible (see Feature.positive)

STATISTIC_TEXT = {
    "mean": (
        "mean",
        "moyenne",
        "Mean over all nuclei in the image.",
        "Moyenne sur tous les noyaux de l'image.",
    ),
    "se": (
        "standard error",
        "erreur type",
        "Standard error of the mean over all nuclei in the image.",
        "Erreur type de la moyenne sur tous les noyaux de l'image.",
    ),
    "worst": (
        "worst",
        "valeur extrême",
        '"Worst": the mean of the three largest values in the image.',
        "« Valeur extrême » : moyenne des trois plus grandes valeurs de l'image.",
    ),
}


@dataclass(frozen=True)
class NuclearProperty:
    """One of the ten properties measured on each cell nucleus."""

    key: str
    label_en: str
    label_fr: str
    description_en: str
    description_fr: str
    upper_bound: float  # hard plausibility limit, applied to mean, se and worst


PROPERTIES: tuple[NuclearProperty, ...] = (
    NuclearProperty(
        "radius",
        "Radius",
        "Rayon",
        "Mean distance from the centre to points on the nucleus perimeter.",
        "Distance moyenne du centre aux points du contour du noyau.",
        100.0,
    ),
    NuclearProperty(
        "texture",
        "Texture",
        "Texture",
        "Standard deviation of the grey-scale values inside the nucleus.",
        "Écart type des niveaux de gris à l'intérieur du noyau.",
        255.0,
    ),
    NuclearProperty(
        "perimeter",
        "Perimeter",
        "Périmètre",
        "Length of the nucleus contour.",
        "Longueur du contour du noyau.",
        1000.0,
    ),
    NuclearProperty(
        "area",
        "Area",
        "Aire",
        "Area enclosed by the nucleus contour.",
        "Aire délimitée par le contour du noyau.",
        50000.0,
    ),
    NuclearProperty(
        "smoothness",
        "Smoothness",
        "Régularité",
        "Local variation in radius lengths (dimensionless).",
        "Variation locale des longueurs de rayon (sans dimension).",
        1.0,
    ),
    NuclearProperty(
        "compactness",
        "Compactness",
        "Compacité",
        "Perimeter squared over area, minus one, as scaled by the WDBC software (dimensionless).",
        "Périmètre au carré sur l'aire, moins un, à l'échelle du logiciel WDBC (sans dimension).",
        5.0,
    ),
    NuclearProperty(
        "concavity",
        "Concavity",
        "Concavité",
        "Severity of the concave portions of the contour (dimensionless).",
        "Importance des portions concaves du contour (sans dimension).",
        5.0,
    ),
    NuclearProperty(
        "concave_points",
        "Concave points",
        "Points concaves",
        "Number of concave portions of the contour, as scaled by the WDBC software "
        "(dimensionless).",
        "Nombre de portions concaves du contour, à l'échelle du logiciel WDBC (sans dimension).",
        2.0,
    ),
    NuclearProperty(
        "symmetry",
        "Symmetry",
        "Symétrie",
        "Symmetry of the nucleus about its major axis (dimensionless).",
        "Symétrie du noyau par rapport à son grand axe (sans dimension).",
        2.0,
    ),
    NuclearProperty(
        "fractal_dimension",
        "Fractal dimension",
        "Dimension fractale",
        '"Coastline approximation" of the contour\'s fractal dimension, minus one '
        "(dimensionless, between 0 and 1).",
        "Approximation « de la côte » de la dimension fractale du contour, moins un "
        "(sans dimension, entre 0 et 1).",
        1.0,
    ),
)

# Observed range of each feature in the 569 WDBC reference samples (min, max), in UCI order.
# A test checks these against the bundled data; values outside are flagged, not refused.
_REFERENCE_RANGES: tuple[tuple[float, float], ...] = (
    (6.981, 28.11),
    (9.71, 39.28),
    (43.79, 188.5),
    (143.5, 2501.0),
    (0.05263, 0.1634),
    (0.01938, 0.3454),
    (0.0, 0.4268),
    (0.0, 0.2012),
    (0.106, 0.304),
    (0.04996, 0.09744),
    (0.1115, 2.873),
    (0.3602, 4.885),
    (0.757, 21.98),
    (6.802, 542.2),
    (0.001713, 0.03113),
    (0.002252, 0.1354),
    (0.0, 0.396),
    (0.0, 0.05279),
    (0.007882, 0.07895),
    (0.0008948, 0.02984),
    (7.93, 36.04),
    (12.02, 49.54),
    (50.41, 251.2),
    (185.2, 4254.0),
    (0.07117, 0.2226),
    (0.02729, 1.058),
    (0.0, 1.252),
    (0.0, 0.291),
    (0.1565, 0.6638),
    (0.05504, 0.2075),
)

_SKLEARN_STAT = {"mean": "mean {p}", "se": "{p} error", "worst": "worst {p}"}


@dataclass(frozen=True)
class Feature:
    """One of the 30 model inputs: a nuclear property summarised by one statistic."""

    name: str  # canonical snake_case, e.g. "concave_points_mean"
    prop: NuclearProperty
    statistic: str  # "mean" | "se" | "worst"
    position: int  # 0-based position in the UCI wdbc.data order (after id and diagnosis)
    reference_min: float
    reference_max: float

    @property
    def minimum(self) -> float:
        return 0.0

    @property
    def positive(self) -> bool:
        """Zero is impossible: a nucleus has a size and some grey-level variation (its mean and
        worst; a standard error may be 0)."""
        return self.prop.key in SIZED and self.statistic != "se"

    @property
    def maximum(self) -> float:
        return self.prop.upper_bound

    @property
    def bounds(self) -> dict[str, float]:
        """The limits :meth:`problem` applies, as pydantic (JSON Schema) keywords."""
        return {"gt" if self.positive else "ge": 0, "le": self.maximum}

    @property
    def kaggle_name(self) -> str:
        return f"{self.prop.key.replace('_', ' ')}_{self.statistic}"

    @property
    def sklearn_name(self) -> str:
        return _SKLEARN_STAT[self.statistic].format(p=self.prop.key.replace("_", " "))

    def label(self, lang: str = "en") -> str:
        stat_en, stat_fr, _, _ = STATISTIC_TEXT[self.statistic]
        if lang == "fr":
            return f"{self.prop.label_fr} ({stat_fr})"
        return f"{self.prop.label_en} ({stat_en})"

    def description(self, lang: str = "en") -> str:
        _, _, stat_en, stat_fr = STATISTIC_TEXT[self.statistic]
        if lang == "fr":
            return f"{self.prop.description_fr} {stat_fr}"
        return f"{self.prop.description_en} {stat_en}"

    def problem(self, value: object) -> str | None:
        """Why ``value`` cannot be this feature's measurement, or None when it can."""
        return value_problem(value, self.maximum, positive=self.positive)


def _build() -> tuple[Feature, ...]:
    features = []
    for stat_index, statistic in enumerate(STATISTICS):
        for prop_index, prop in enumerate(PROPERTIES):
            position = stat_index * len(PROPERTIES) + prop_index
            low, high = _REFERENCE_RANGES[position]
            features.append(
                Feature(f"{prop.key}_{statistic}", prop, statistic, position, low, high)
            )
    return tuple(features)


FEATURES: tuple[Feature, ...] = _build()
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}


def _normalise(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.strip().lower())


_SPELLINGS: dict[str, str] = {}
for _f in FEATURES:
    for _spelling in (_f.name, _f.kaggle_name, _f.sklearn_name):
        _SPELLINGS[_normalise(_spelling)] = _f.name


def canonical_name(header: str) -> str | None:
    """Map any accepted spelling (canonical, Kaggle CSV, scikit-learn) to the canonical name."""
    return _SPELLINGS.get(_normalise(header))


def value_problem(value: object, maximum: float, *, positive: bool = False) -> str | None:
    """Why ``value`` is not a plausible measurement, or None."""
    if isinstance(value, bool):
        return "expected a number"
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return "expected a number"
    if not isinstance(value, int | float):
        return "expected a number"
    number = float(value)
    if not math.isfinite(number):
        return "expected a finite number (not NaN or infinity)"
    if number < 0:
        return "expected a value >= 0"
    if positive and number == 0:
        return "expected a value > 0 (a nucleus has a size)"
    if number > maximum:
        return f"expected a value <= {maximum:g}"
    return None


def out_of_reference(values: dict[str, float]) -> list[str]:
    """Names of features whose value lies outside the observed WDBC reference range."""
    return [f.name for f in FEATURES if not (f.reference_min <= values[f.name] <= f.reference_max)]
