"""Labelled files in UCI and Kaggle layouts: same rows, and every bad cell located."""

import pandas as pd
import pytest

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference, parse_cases
from pinkbreast.tables import FileRejected
from tests.factories import kaggle_text, reference, replace_cell, uci_text


def test_reference_data_has_569_cases_212_malignant_with_unique_uci_ids():
    frame = load_reference()
    assert frame.shape == (569, 32)
    assert (frame["diagnosis"] == "M").sum() == 212
    assert frame["id"].is_unique
    assert frame.loc[0, "id"] == 842302 and frame.loc[0, "radius_mean"] == 17.99
    assert list(frame.columns[2:]) == list(FEATURE_NAMES)


def test_uci_and_kaggle_layouts_parse_to_identical_rows():
    frame = reference()
    from_uci = parse_cases(uci_text(frame), name="wdbc.data")
    from_kaggle = parse_cases(kaggle_text(frame), name="data.csv")
    pd.testing.assert_frame_equal(from_uci, from_kaggle)
    pd.testing.assert_frame_equal(from_uci, frame)


def test_kaggle_layout_without_trailing_column_and_in_sklearn_spelling():
    frame = reference(5)
    text = kaggle_text(frame, trailing_empty_column=False)
    text = text.replace("concave points_mean", "mean concave points", 1)
    pd.testing.assert_frame_equal(parse_cases(text, name="x.csv"), frame)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("abc", "expected a number, got 'abc'"),
        ("nan", "expected a finite number"),
        ("inf", "expected a finite number"),
        ("-1.5", "expected a value >= 0"),
        ("", "expected a number"),
    ],
)
@pytest.mark.parametrize("layout", ["uci", "kaggle"])
def test_one_bad_cell_anywhere_is_located_by_line_and_column(layout, bad, expected):
    frame = reference(40)
    if layout == "uci":
        text, line, column = replace_cell(uci_text(frame), 17, 10, bad), 17, 10
    else:
        text, line, column = replace_cell(kaggle_text(frame), 17, 10, bad), 17, 10
    with pytest.raises(FileRejected) as rejected:
        parse_cases(text, name="bad.csv")
    (problem,) = rejected.value.problems
    assert str(problem).startswith(
        f"bad.csv, line {line}, column {column} (concave_points_mean): {expected}"
    )
    assert str(problem).endswith(f"got {bad!r}")


def test_diagnosis_other_than_m_or_b_is_rejected():
    text = replace_cell(kaggle_text(reference(3)), 3, 2, "X")
    with pytest.raises(FileRejected, match=r"line 3, column 2 \(diagnosis\): diagnosis must be M"):
        parse_cases(text, name="f.csv")


def test_duplicate_id_names_both_lines():
    frame = reference(4)
    frame.loc[3, "id"] = frame.loc[1, "id"]
    with pytest.raises(FileRejected) as rejected:
        parse_cases(kaggle_text(frame), name="f.csv")
    assert "line 5, column id: duplicate id" in str(rejected.value.problems[0])
    assert "first on line 3" in str(rejected.value.problems[0])


def test_missing_and_unknown_columns_are_named():
    text = kaggle_text(reference(2)).replace("texture_worst", "texture_wrost", 1)
    with pytest.raises(FileRejected) as rejected:
        parse_cases(text, name="f.csv")
    messages = [str(p) for p in rejected.value.problems]
    assert "f.csv, line 1, column 24 (texture_wrost): unknown column" in messages
    assert "f.csv, line 1, column texture_worst: missing column" in messages


def test_short_row_and_empty_file_are_rejected():
    text = kaggle_text(reference(3))
    lines = text.splitlines()
    lines[2] = ",".join(lines[2].split(",")[:10])
    with pytest.raises(FileRejected, match="line 3: expected 33 cells, found 10"):
        parse_cases("\n".join(lines), name="f.csv")
    with pytest.raises(FileRejected, match="holds no rows"):
        parse_cases("\n\n", name="f.csv")


def test_every_problem_is_reported_not_just_the_first():
    text = uci_text(reference(10))
    for line in (2, 5, 9):
        text = replace_cell(text, line, 3, "x")
    with pytest.raises(FileRejected) as rejected:
        parse_cases(text, name="f.csv")
    assert [p.line for p in rejected.value.problems] == [2, 5, 9]


def test_an_imported_file_cannot_use_the_ids_of_adopted_site_cases():
    """Site cases are 10**12 + a prediction's id: a file with such an id is refused, so an
    import never overwrites a case the site adopted."""
    from pinkbreast.tables import SITE_ID_OFFSET

    frame = load_reference().head(2)
    frame.loc[1, "id"] = SITE_ID_OFFSET + 7
    text = frame.to_csv(index=False, header=False)
    with pytest.raises(FileRejected) as caught:
        parse_cases(text, name="cases.csv")
    (problem,) = caught.value.problems
    assert problem.line == 2 and "below 1000000000000" in problem.message
