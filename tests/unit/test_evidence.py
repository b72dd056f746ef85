"""The evidence line: what the model was learnt from, and predictive values that follow the
prevalence the site sets."""

from __future__ import annotations

import pytest

from pinkbreast.config import ConfigError, load_settings
from pinkbreast.ml.evidence import Evidence, describe, from_operating_point


def test_predictive_values_follow_bayes_rule():
    evidence = Evidence(100, 40, "a centre", "2020", "retrospective", "none", 0.9, 0.8)
    # prevalence 0.4: PPV = .36 / (.36 + .12) = .75 ; NPV = .48 / (.48 + .04) = .923
    ppv, npv = evidence.predictive_values()
    assert ppv == pytest.approx(0.75) and npv == pytest.approx(0.48 / 0.52)
    low_ppv, high_npv = evidence.predictive_values(0.05)
    assert low_ppv == pytest.approx(0.045 / (0.045 + 0.19))
    assert high_npv > npv


def test_the_line_names_cases_centre_period_prevalence_and_validation():
    point = {
        "evidence": describe(["M"] * 212 + ["B"] * 357, {"sensitivity": 0.98, "specificity": 0.93})
    }
    line = from_operating_point(point).line(0.1)
    assert "569 retrospective cases from one centre" in line and "early 1990s" in line
    assert "37% malignant" in line and "external validation: none" in line
    assert "At a prevalence of 10.0%: PPV 0.61, NPV 0.998." in line
    french = from_operating_point(point).line(0.1, lang="fr")
    assert "validation externe : aucune" in french and "VPP 0,61, VPN 0,998" in french
    assert "début des années 1990" in french and "10,0\u202f%" in french


def test_malignant_cases_are_counted_from_letters_and_from_numbers():
    figures = {"sensitivity": 0.98, "specificity": 0.93}
    letters = describe(["M", "B", "B", "M", "B"], figures)
    assert (letters["cases"], letters["malignant"]) == (5, 2)
    for labels in ([1, 0, 0, 1, 0], [True, False, False, True, False], [1.0, 0.0, 0.0, 1.0, 0.0]):
        numbers = describe(labels, figures)
        assert (numbers["cases"], numbers["malignant"]) == (5, 2), labels


def test_versions_without_evidence_are_described_from_the_reference_data():
    evidence = from_operating_point({})
    assert evidence.cases == 569 and evidence.predictive_values() is None
    assert "PPV" not in evidence.line()


@pytest.mark.parametrize("raw", ["0", "1", "abc", "37%"])
def test_a_local_prevalence_outside_0_1_is_refused_by_name(raw, tmp_path):
    env = {"PINKBREAST_INSTANCE": str(tmp_path), "PINKBREAST_LOCAL_PREVALENCE": raw}
    with pytest.raises(ConfigError, match="PINKBREAST_LOCAL_PREVALENCE must be a number"):
        load_settings(env)


def test_a_local_prevalence_is_read(tmp_path):
    env = {"PINKBREAST_INSTANCE": str(tmp_path), "PINKBREAST_LOCAL_PREVALENCE": "0.08"}
    assert load_settings(env).local_prevalence == 0.08
    assert load_settings({"PINKBREAST_INSTANCE": str(tmp_path)}).local_prevalence is None
