"""Report pieces that need no database: the FHIR base setting, wording, and the content hash."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from pinkbreast.config import DEFAULT_FHIR_BASE, ConfigError, load_settings
from pinkbreast.features import FEATURES
from pinkbreast.reports.content import Measurement, ReportContent
from pinkbreast.reports.wording import WORDS, probability


def test_the_fhir_base_defaults_and_loses_its_trailing_slash(tmp_path):
    environ = {"PINKBREAST_INSTANCE": str(tmp_path)}
    assert load_settings(environ).fhir_base == DEFAULT_FHIR_BASE
    environ["PINKBREAST_FHIR_BASE"] = "https://pb.example-hospital.fr/fhir/"
    assert load_settings(environ).fhir_base == "https://pb.example-hospital.fr/fhir"


@pytest.mark.parametrize("value", ["pb.example.fr/fhir", "ftp://x/fhir", "https://a b/fhir"])
def test_a_fhir_base_that_is_not_an_absolute_address_is_refused(tmp_path, value):
    environ = {"PINKBREAST_INSTANCE": str(tmp_path), "PINKBREAST_FHIR_BASE": value}
    with pytest.raises(ConfigError, match="PINKBREAST_FHIR_BASE must be an absolute"):
        load_settings(environ)


def test_both_languages_have_every_sentence():
    assert set(WORDS["en"]) == set(WORDS["fr"])


def test_a_probability_is_never_printed_as_a_certainty():
    assert probability(0.99995, "en") == "> 99.9\u00a0%"
    assert probability(0.0001, "fr") == "< 0,1\u00a0%"
    assert probability(0.5, "fr") == "50,0\u00a0%"


def _content(**changes) -> ReportContent:
    content = ReportContent(
        prediction_id=1, sample_ref="S-1", sample_date=date(2026, 1, 2), requested_by="alice",
        requested_at=datetime(2026, 1, 2, 9, tzinfo=UTC), source="form",
        measurements=tuple(Measurement(f.name, f.reference_min, f.reference_min,
                                       f.reference_max) for f in FEATURES),
        probability=0.2, zone="indeterminate", threshold=0.3, band=(0.1, 0.5), model_version="1",
        base_value=None, contributions=(), outcome=None, evidence="Learnt from 569 cases.",
        software_version="0.1.0", lang="en",
    )  # fmt: skip
    return dataclasses.replace(content, **changes)


def test_the_hash_covers_what_the_report_says_and_its_language():
    digest = _content().sha256()
    assert _content().sha256() == digest and len(digest) == 64
    assert _content(probability=0.21).sha256() != digest
    assert _content(lang="fr").sha256() != digest


def test_values_outside_the_reference_range_are_flagged():
    low, high = FEATURES[0].reference_min, FEATURES[0].reference_max
    flags = [Measurement("radius_mean", v, low, high).flag for v in (low - 1, low, high, high + 1)]
    assert flags == ["low", "", "", "high"]
