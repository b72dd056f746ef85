"""The result page's explanation rows: five shown, the rest grouped with their exact total, and
each value placed against the benign and malignant reference cases."""

import pytest

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.class_ranges import ClassRanges, class_ranges
from pinkbreast.web.clinic.explanation import SHOWN, explanation_view


def _values() -> dict[str, float]:
    ranges = class_ranges()
    return {name: ranges[name].malignant[1] for name in FEATURE_NAMES}


def test_other_measurements_total_what_the_rows_shown_leave_of_the_shift():
    contributions = [(name, 0.01 * (i + 1)) for i, name in enumerate(FEATURE_NAMES)]
    base = 0.30
    probability = base + sum(v for _, v in contributions)  # contributions add up exactly
    view = explanation_view({"base_value": base, "top": contributions}, _values(), probability)
    assert [r.points for r in view.shown] == pytest.approx([30, 29, 28, 27, 26])
    assert len(view.others) == 30 - SHOWN and view.other_count == 25
    assert view.other_points == pytest.approx(sum(r.points for r in view.others))
    assert view.widest == pytest.approx(sum(range(1, 26)))  # the grouped bar is the longest


def test_with_only_the_top_five_stored_the_rest_is_still_accounted_for():
    top = [(name, -0.05) for name in FEATURE_NAMES[:5]]
    view = explanation_view({"base_value": 0.5, "top": top}, _values(), 0.1)
    assert view.others == [] and view.other_count == 25
    assert view.other_points == pytest.approx(100 * (0.1 - 0.5) + 25)


def test_a_value_reads_against_both_diagnoses():
    ranges = ClassRanges(benign=(5.0, 10.0), malignant=(8.0, 20.0))
    assert [ranges.reading(v) for v in (6.0, 9.0, 15.0, 25.0, 1.0)] == [
        "benign",
        "both",
        "malignant",
        "beyond",
        "beyond",
    ]
    apart = ClassRanges(benign=(1.0, 2.0), malignant=(5.0, 6.0))
    assert apart.reading(3.5) == "between"


def test_reference_ranges_separate_the_classes_where_the_data_do():
    area = class_ranges()["area_worst"]
    assert area.benign[0] < area.benign[1] < area.malignant[1]
    assert area.malignant[0] > area.benign[0]  # malignant nuclei are larger
