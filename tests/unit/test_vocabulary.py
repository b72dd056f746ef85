"""The vocabulary (``pinkbreast.vocabulary``) is the source of the words it holds: the OpenAPI
enums, the form choices, the backup format, the CSV diagnoses and the database's check
constraints are built from it, so a word added there reaches them all and a typo cannot."""

from __future__ import annotations

import re
import typing

import pytest
import sqlalchemy as sa
from pydantic import TypeAdapter

from pinkbreast import sample_refs, vocabulary
from pinkbreast.db.models import Base
from pinkbreast.features import FEATURES
from pinkbreast.services import backup_format, history
from pinkbreast.tables import cells as table_format
from pinkbreast.web import access
from pinkbreast.web.admin.forms import RoleForm, StatusFilterForm
from pinkbreast.web.api.openapi import document
from pinkbreast.web.api.schemas import Measurements
from pinkbreast.web.clinic.forms import OutcomeForm, _SampleFields

# (table, constraint) -> (column, the vocabulary it keeps the column in)
CONSTRAINTS = {
    ("users", "ck_users_role"): ("role", vocabulary.ROLES),
    ("users", "ck_users_status"): ("status", vocabulary.ACCOUNT_STATUSES),
    ("audit_events", "ck_audit_events_outcome"): ("outcome", vocabulary.AUDIT_OUTCOMES),
    ("predictions", "ck_predictions_zone"): ("zone", vocabulary.ZONES),
    ("predictions", "ck_predictions_source"): ("source", vocabulary.SOURCES),
    ("outcomes", "ck_outcomes_diagnosis"): ("diagnosis", vocabulary.DIAGNOSES),
    ("cases", "ck_cases_diagnosis"): ("diagnosis", vocabulary.DIAGNOSES),
    ("cases", "ck_cases_origin"): ("origin", vocabulary.ORIGINS),
    ("model_promotions", "ck_model_promotions_kind"): ("kind", vocabulary.PROMOTION_KINDS),
    ("model_promotions", "ck_model_promotions_status"): (
        "status",
        vocabulary.PROMOTION_STATUSES,
    ),
    ("training_jobs", "ck_training_jobs_status"): ("status", vocabulary.TRAINING_STATUSES),
}


def _components() -> dict:
    return document()["components"]["schemas"]


def _list_parameters() -> dict:
    parameters = document()["paths"]["/predictions"]["get"]["parameters"]
    return {p["name"]: p["schema"] for p in parameters}


def test_every_check_constraint_is_built_from_the_vocabulary():
    found = {
        (table.name, str(check.name)): str(check.sqltext)
        for table in Base.metadata.sorted_tables
        for check in table.constraints
        if isinstance(check, sa.CheckConstraint)
    }
    assert set(found) == set(CONSTRAINTS)
    for key, (column, values) in CONSTRAINTS.items():
        assert found[key] == vocabulary.sql_in(column, values)
    # the text migrations wrote, unchanged: no migration was needed
    assert found["users", "ck_users_role"] == "role IN ('clinician', 'admin', 'auditor')"


def test_openapi_enums_are_the_vocabulary():
    schemas = _components()
    prediction = schemas["PredictionOut"]["properties"]
    assert prediction["zone"]["enum"] == list(vocabulary.ZONES)
    label = next(s for s in prediction["label"]["anyOf"] if "enum" in s)
    assert label["enum"] == list(vocabulary.LABELS)
    assert schemas["OutcomeIn"]["properties"]["diagnosis"]["enum"] == list(vocabulary.DIAGNOSES)
    assert schemas["OutcomeIn"]["properties"]["note"]["maxLength"] == vocabulary.NOTE_MAX
    sample = schemas["SampleIn"]["properties"]["sample_ref"]["anyOf"][0]
    assert sample["pattern"] == vocabulary.SAMPLE_REF_PATTERN
    samples = schemas["PredictionRequest"]["properties"]["samples"]
    assert samples["maxItems"] == vocabulary.API_BATCH_MAX


def test_the_list_parameters_in_openapi_are_the_history_parsers():
    parameters = _list_parameters()
    assert list(parameters) == list(history.API.names)
    assert parameters["zone"]["enum"] == list(vocabulary.ZONES)
    assert parameters["sample_ref"]["pattern"] == sample_refs.PART_PATTERN
    post = document()["paths"]["/predictions"]["post"]["parameters"]
    key = next(p for p in post if p["name"] == "Idempotency-Key")
    assert key["schema"]["pattern"] == vocabulary.IDEMPOTENCY_KEY_PATTERN


def _values(unbound_field) -> list[str]:
    return [choice.value for choice in unbound_field.kwargs["choices"]]


def _values(unbound_field) -> list[str]:
    return [choice.value for choice in unbound_field.kwargs["choices"]]


def test_form_choices_are_the_vocabulary():
    assert _values(OutcomeForm.diagnosis) == list(vocabulary.DIAGNOSES)
    assert _values(RoleForm.role) == list(vocabulary.ROLES)
    assert _values(StatusFilterForm.status) == ["", *vocabulary.ACCOUNT_STATUSES]
    validators = _SampleFields.sample_ref.kwargs["validators"]
    (pattern,) = [v.regex.pattern for v in validators if hasattr(v, "regex")]
    assert pattern == vocabulary.SAMPLE_REF_PATTERN


def test_the_backup_format_and_the_csv_rules_use_the_vocabulary():
    fields = backup_format.PredictionLine.model_fields
    assert typing.get_args(fields["zone"].annotation) == vocabulary.ZONES
    assert typing.get_args(fields["source"].annotation) == vocabulary.SOURCES
    diagnosis = backup_format.OutcomeLine.model_fields["diagnosis"].annotation
    assert typing.get_args(diagnosis) == vocabulary.DIAGNOSES
    assert table_format.DIAGNOSES is vocabulary.DIAGNOSES
    assert access.CLINICAL_ROLES == vocabulary.CLINICAL_ROLES


def test_a_view_cannot_name_a_role_outside_the_vocabulary():
    with pytest.raises(ValueError, match="unknown role 'administrator'"):
        access.role_required("admin", "administrator")


@pytest.mark.parametrize(
    ("key", "ok"),
    [("3f2a9c1e-7b4d-4e0a-9a51-0c6f2b8d1e77", True), ("a:b.c_d-e", True), ("", False),
     ("a" * 65, False), ("key with space", False), ("clé", False)],
)  # fmt: skip
def test_the_idempotency_key_rule(key, ok):
    assert (vocabulary.idempotency_key_problem(key) is None) is ok
    assert bool(re.fullmatch(vocabulary.IDEMPOTENCY_KEY_PATTERN, key)) is ok


@pytest.mark.parametrize(
    ("text", "whole", "part"),
    [("LAB-2026/0042", True, True), ("-0042", False, True), ("a" * 64, True, True),
     ("a" * 65, False, False), ("Jane DOE, born 1970-01-01", False, False), ("", False, False),
     ("Zoé", False, False), ("50%", False, False)],
)  # fmt: skip
def test_a_filter_is_part_of_a_reference_by_the_same_characters(text, whole, part):
    assert (sample_refs.problem(text) is None) is whole
    assert (sample_refs.part_problem(text) is None) is part
    assert (sample_refs.part_problem(text) or sample_refs.RULE) == sample_refs.RULE


def test_the_api_and_the_form_check_a_value_by_the_same_limits():
    """One 0…max rule (``Feature.problem`` / ``Feature.bounds``) for the form, the CSV readers
    and the API's pydantic model."""
    for feature in FEATURES:
        field = Measurements.model_fields[feature.name]
        adapter = TypeAdapter(typing.Annotated[float, *field.metadata])
        for value in (-0.1, 0.0, feature.maximum / 2, feature.maximum, feature.maximum * 1.001):
            try:
                adapter.validate_python(value)
                accepted = True
            except ValueError:
                accepted = False
            assert accepted is (feature.problem(value) is None), (feature.name, value)
