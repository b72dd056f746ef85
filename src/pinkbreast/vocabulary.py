"""The words of the domain, spelled once: zones, labels, diagnoses, roles, statuses, sources,
origins, key patterns and limits.

Like :mod:`pinkbreast.features` for the 30 fields, this module is the source the rest is built
from: the forms' choices and validators, the API's pydantic models (and so the OpenAPI enums),
the database's check constraints, the CSV rules and the history filters. It imports nothing
of ours but :mod:`pinkbreast.sample_refs` (the sample-reference rule, re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pinkbreast import sample_refs

# -- what a served answer says ---------------------------------------------------------------

MALIGNANT, INDETERMINATE, BENIGN, CHECK_INPUT = (
    "malignant",
    "indeterminate",
    "benign",
    "check_input",
)
ZONES = (MALIGNANT, INDETERMINATE, BENIGN, CHECK_INPUT)
"""The zones a prediction falls in; ``check_input``: the sample is unlike the reference cases."""
DEFINITE_ZONES = (MALIGNANT, BENIGN)
"""The zones that are an answer (the others refer the case for work-up)."""
FILTER_ZONES = (MALIGNANT, INDETERMINATE, BENIGN)
"""The zones the history page offers as a filter, in its order (the API accepts every zone)."""
LABELS = (MALIGNANT, BENIGN)
"""A prediction's label at the operating threshold (NULL when the zone is ``check_input``)."""

# -- confirmed outcomes ----------------------------------------------------------------------

DIAGNOSES = ("M", "B")
"""A confirmed diagnosis (histopathology): malignant or benign, WDBC's letters."""
DIAGNOSIS_OF_LABEL = {MALIGNANT: "M", BENIGN: "B"}
"""The diagnosis letter a label stands for."""
LABEL_OF_DIAGNOSIS = {code: label for label, code in DIAGNOSIS_OF_LABEL.items()}
"""The label (word) of a diagnosis letter: ``M`` -> ``malignant``."""

# -- accounts --------------------------------------------------------------------------------

CLINICIAN, ADMIN, AUDITOR = "clinician", "admin", "auditor"
ROLES = (CLINICIAN, ADMIN, AUDITOR)
"""An account's role."""
CLINICAL_ROLES = (CLINICIAN, ADMIN)
"""The roles that make and read predictions (the clinic pages and the API)."""
SEES_EVERY_PREDICTION = (ADMIN,)
"""The roles that may read every account's predictions (the others: their own)."""
PENDING, ACTIVE, DEACTIVATED = "pending", "active", "deactivated"
ACCOUNT_STATUSES = (PENDING, ACTIVE, DEACTIVATED)
"""An account's status; only an ``active`` account may sign in."""
AUDIT_OUTCOMES = ("allowed", "denied")
"""Whether an audited action was allowed."""

# -- where a prediction and a labelled case come from ----------------------------------------

FORM, BATCH, API = "form", "batch", "api"
SOURCES = (FORM, BATCH, API)
"""How a prediction was entered: the form (typed or measured from an image), a CSV, the API."""
REFERENCE, TYPED, IMPORTED, API_ORIGIN, IMAGE = "reference", "typed", "imported", "api", "image"
ORIGINS = (REFERENCE, TYPED, IMPORTED, API_ORIGIN, IMAGE)
"""Where a labelled case comes from: the reference data, or a site prediction by how entered."""
SITE_ORIGINS = ORIGINS[1:]
"""The origins of the site's own cases (adopted confirmed predictions)."""
ORIGIN_OF_SOURCE = {FORM: TYPED, BATCH: IMPORTED, API: API_ORIGIN, IMAGE: IMAGE}
"""A prediction's ``source`` (or ``image`` when measured from one) -> its adopted case's origin."""

# -- model changes ---------------------------------------------------------------------------

PROMOTION_KINDS = ("promotion", "rollback")
"""A reviewed change of the served model."""
PROMOTION_STATUSES = ("proposed", "approved", "rejected", "rolled_back")
"""Where a reviewed change of the served model stands."""
TRAINING_STATUSES = ("running", "succeeded", "failed")
"""Where a training started from the admin page stands."""

# -- keys and references ---------------------------------------------------------------------

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
"""An API ``Idempotency-Key`` (a UUID fits); the form's token is a UUID's 32 hex digits."""
IDEMPOTENCY_KEY_RULE = "1 to 64 letters, digits or . _ : -"
"""What :data:`IDEMPOTENCY_KEY_PATTERN` asks for, in words."""
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)

SAMPLE_REF_MAX = sample_refs.MAX_LENGTH
"""The longest sample reference (the rule itself is :mod:`pinkbreast.sample_refs`)."""
SAMPLE_REF_PATTERN = sample_refs.PATTERN
"""A whole sample reference (form, API, CSV, backup)."""
SAMPLE_REF_RULE = sample_refs.RULE
"""The sample-reference rule in words, the message of every refusal."""

# -- limits ----------------------------------------------------------------------------------

NOTE_MAX = 2000
"""The longest note of a confirmed outcome, in characters."""
API_BATCH_MAX = 1000
"""The most samples one API request may score."""
FINDINGS_MAX = 20
"""Larger API batches answer without each check-input finding (GET the prediction for it)."""
UPLOAD_MAX_ROWS = 10_000
"""The most rows of a CSV upload to score from the batch page."""
UPLOAD_MAX_BYTES = 8 * 1024 * 1024
"""The largest CSV upload (batch page, reference-data import), refused whole beyond."""


def idempotency_key_problem(key: str) -> str | None:
    """Why ``key`` is not a valid idempotency key, or None."""
    return None if _IDEMPOTENCY_KEY.fullmatch(key) else IDEMPOTENCY_KEY_RULE


def one_of(values: Iterable[str]) -> str:
    """``malignant, indeterminate, benign``: the words of a refusal naming what is accepted."""
    return ", ".join(values)


def sql_in(column: str, values: Iterable[str]) -> str:
    """The text of a check constraint keeping ``column`` in ``values``: ``zone IN ('a', 'b')``."""
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))
