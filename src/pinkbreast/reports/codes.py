"""The code systems the app publishes for its FHIR resources.

WDBC's 30 nuclear features have no LOINC or SNOMED CT codes, so the app names them in a code
system of its own (``wdbc-measurements``), and its results (the report, the probability, the
zone, the operating point, a confirmed diagnosis) in a second one (``pinkbreast-results``).
Both are served as FHIR ``CodeSystem`` resources at ``<base>/CodeSystem/<id>``; ``base`` is the
deployment's FHIR base (``PINKBREAST_FHIR_BASE``), stable for the life of the data.
"""

from __future__ import annotations

from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept

from pinkbreast.features import BY_NAME, FEATURES

MEASUREMENTS, RESULTS = "wdbc-measurements", "pinkbreast-results"
REPORT_CODE = "fna-decision-support"
PROBABILITY, ZONE, DIAGNOSIS = "malignancy-probability", "zone", "confirmed-diagnosis"
THRESHOLD, BAND_LOWER, BAND_UPPER = (
    "operating-threshold",
    "indeterminate-lower",
    "indeterminate-upper",
)

_RESULT_CONCEPTS = (
    (REPORT_CODE, "Breast FNA cytology decision-support report",
     "Probability of malignancy estimated from the 30 WDBC nuclear features, with its zone."),
    (PROBABILITY, "Estimated probability of malignancy",
     "The model's probability that the sampled mass is malignant (decision support only)."),
    (ZONE, "Decision zone", "malignant, indeterminate (refer for work-up), benign, or "
     "check_input (the sample is unlike the reference cases: no answer)."),
    (THRESHOLD, "Operating threshold", "Probability at and above which the model calls malignant."),
    (BAND_LOWER, "Indeterminate band, lower bound", "Probabilities from here are indeterminate."),
    (BAND_UPPER, "Indeterminate band, upper bound", "Probabilities below here are indeterminate."),
    (DIAGNOSIS, "Confirmed diagnosis", "The histopathology result recorded for the sample."),
    ("malignant", "Malignant", "Zone or confirmed diagnosis: malignant."),
    ("indeterminate", "Indeterminate — refer", "Zone: the model is not sure; refer for work-up."),
    ("benign", "Benign", "Zone or confirmed diagnosis: benign."),
    ("check_input", "Indeterminate — check the input",
     "Zone: the input guard found the sample unlike the reference cases; no answer."),
)  # fmt: skip
_RESULT_DISPLAY = {code: shown for code, shown, _ in _RESULT_CONCEPTS}


def display(code_system: str, code: str) -> str:
    """The display text of ``code`` in one of the two code systems."""
    if code_system == MEASUREMENTS:
        return BY_NAME[code].label("en")
    return _RESULT_DISPLAY[code]


def url(base: str, code_system: str) -> str:
    return f"{base.rstrip('/')}/CodeSystem/{code_system}"


def code_systems(base: str, software_version: str) -> dict[str, CodeSystem]:
    """Both code systems, by id."""
    return {
        MEASUREMENTS: _code_system(
            base,
            MEASUREMENTS,
            software_version,
            "WDBC nuclear measurements",
            "The 30 features of the Wisconsin Diagnostic Breast Cancer data set (Xcyt image "
            "analysis of fine-needle aspirates): ten nuclear properties, each as the mean, the "
            "standard error and the worst (mean of the three largest) over the nuclei of one "
            "image. They have no LOINC or SNOMED CT codes. WDBC documents no units: radius, "
            "perimeter and area are in image units, texture is a grey-level standard deviation, "
            "the others are dimensionless.",
            [(f.name, f.label("en"), f.description("en")) for f in FEATURES],
        ),
        RESULTS: _code_system(
            base,
            RESULTS,
            software_version,
            "Pink Breast results",
            "The report, results and zones of Pink Breast, a decision-support tool for breast "
            "fine-needle-aspirate cytology.",
            list(_RESULT_CONCEPTS),
        ),
    }


def _code_system(base, identifier, software_version, title, description, concepts) -> CodeSystem:
    return CodeSystem(
        id=identifier,
        url=url(base, identifier),
        version=software_version,
        name=title.title().replace(" ", ""),
        title=title,
        status="active",
        content="complete",
        caseSensitive=True,
        description=description,
        count=len(concepts),
        concept=[
            CodeSystemConcept(code=code, display=display, definition=definition)
            for code, display, definition in concepts
        ],
    )
