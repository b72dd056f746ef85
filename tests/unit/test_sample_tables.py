"""Tables of samples to score: any accepted header spelling, optional reference, strict cells."""

import pytest

from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.ml.tables import SAMPLES, FileRejected, parse_table
from tests.factories import kaggle_text, reference, replace_cell, uci_text


def test_kaggle_file_scores_with_its_ids_as_sample_references():
    frame = parse_table(kaggle_text(reference(5)), SAMPLES, name="k.csv")
    assert list(frame.columns) == ["sample_ref", "diagnosis", *FEATURE_NAMES]
    assert frame["sample_ref"].tolist() == [str(i) for i in reference(5)["id"]]
    assert frame.loc[0, "radius_mean"] == 17.99


def test_uci_file_and_bare_thirty_values_are_accepted_without_header():
    from_uci = parse_table(uci_text(reference(3)), SAMPLES, name="wdbc.data")
    bare = "\n".join(
        ",".join(repr(v) for v in row)
        for row in reference(3)[list(FEATURE_NAMES)].itertuples(index=False)
    )
    from_bare = parse_table(bare, SAMPLES, name="paste.csv")
    assert from_bare["sample_ref"].isna().all()
    assert (from_bare[list(FEATURE_NAMES)] == from_uci[list(FEATURE_NAMES)]).all().all()


def test_sklearn_spelling_header_with_sample_ref_column():
    header = "sample_ref," + ",".join(f.sklearn_name for f in FEATURES)
    row = "S-001," + ",".join("1" for _ in FEATURES)
    frame = parse_table(f"{header}\n{row}\n", SAMPLES, name="s.csv")
    assert frame.loc[0, "sample_ref"] == "S-001" and frame.loc[0, "area_worst"] == 1.0


def test_bad_cell_and_duplicate_reference_are_located():
    text = replace_cell(kaggle_text(reference(6)), 4, 12, "0,5".replace(",", ";"))
    with pytest.raises(FileRejected) as rejected:
        parse_table(text, SAMPLES, name="b.csv")
    assert str(rejected.value.problems[0]) == (
        "b.csv, line 4, column 12 (fractal_dimension_mean): expected a number, got '0;5'"
    )
    header = "sample_ref," + ",".join(FEATURE_NAMES)
    rows = ["A," + ",".join("1" for _ in FEATURES)] * 2
    with pytest.raises(FileRejected, match="line 3, column sample_ref: duplicate sample_ref A"):
        parse_table("\n".join([header, *rows]), SAMPLES, name="d.csv")


def test_row_limit_is_enforced_before_parsing_cells():
    with pytest.raises(FileRejected, match="6 rows; at most 5"):
        parse_table(kaggle_text(reference(6)), SAMPLES, name="big.csv", max_rows=5)


def test_header_without_rows_is_rejected():
    with pytest.raises(FileRejected, match="header but no rows"):
        parse_table(",".join(FEATURE_NAMES) + "\n", SAMPLES, name="h.csv")
