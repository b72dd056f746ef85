"""Tables of samples to score: any accepted header spelling, optional reference, strict cells."""

import numpy as np
import pandas as pd
import pytest

from pinkbreast import tables
from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.ml.data import load_reference
from pinkbreast.tables import SAMPLES, FileRejected, parse_table
from pinkbreast.tables import columns as table_columns
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


def _cell_by_cell(text: str, kind) -> pd.DataFrame:
    """The reader without its column-at-once path (what a file with a problem goes through)."""
    original = table_columns.clean_columns
    table_columns.clean_columns = lambda *args: None
    try:
        return tables.parse_table(text, kind, name="x.csv")
    finally:
        table_columns.clean_columns = original


def _layouts() -> dict[str, str]:
    cases = load_reference().head(60)
    features = cases[list(FEATURE_NAMES)]
    refs = [f" R-{i} " if i % 3 else "" for i in range(len(cases))]
    return {
        "features": features.to_csv(index=False),
        "features_with_refs": features.assign(sample_ref=refs).to_csv(index=False),
        "uci_with_header": cases.to_csv(index=False),
        "uci_headerless": cases.to_csv(index=False, header=False),
        "features_headerless": features.to_csv(index=False, header=False),
        "kaggle_spellings": features.rename(columns=lambda c: c.replace("_", " ")).to_csv(
            index=False
        ),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
@pytest.mark.parametrize("kind", [tables.SAMPLES, tables.CASES], ids=["samples", "cases"])
def test_valid_files_read_column_at_once_give_the_cell_by_cell_frame(layout, kind):
    text = _layouts()[layout]
    try:
        expected = _cell_by_cell(text, kind)
    except tables.FileRejected as rejected:
        with pytest.raises(tables.FileRejected) as caught:
            tables.parse_table(text, kind, name="x.csv")
        assert [str(p) for p in caught.value.problems] == [str(p) for p in rejected.problems]
        return
    pd.testing.assert_frame_equal(tables.parse_table(text, kind, name="x.csv"), expected)
    plain = table_columns.read_plain(text, kind, None)  # pandas' parser, for plain files
    assert plain is not None
    pd.testing.assert_frame_equal(plain, expected)


def test_one_bad_cell_in_a_big_file_is_still_named_by_line_and_column():
    features = load_reference()[list(FEATURE_NAMES)]
    text = pd.concat([features] * 20).to_csv(index=False)  # 11,380 rows
    lines = text.splitlines()
    cells = lines[9001].split(",")
    cells[4] = "1e400"  # parses, but is not finite
    lines[9001] = ",".join(cells)
    with pytest.raises(tables.FileRejected) as caught:
        tables.parse_table("\n".join(lines), tables.SAMPLES, name="big.csv")
    (problem,) = caught.value.problems
    where = "big.csv, line 9002, column 5 (smoothness_mean)"
    assert str(problem).startswith(f"{where}: expected a finite")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda lines: lines.insert(3, "   "), "line 4: expected 30 cells, found 1"),
        (lambda lines: lines.insert(3, ",".join([""] * 30)), None),  # skipped, as always
        (lambda lines: lines.__setitem__(2, lines[2].rsplit(",", 1)[0]), "expected 30 cells"),
        (lambda lines: lines.__setitem__(2, lines[2].replace(",", ";", 1)), "expected 30 cells"),
    ],
)
def test_the_fast_reader_never_accepts_what_the_cell_reader_refuses(damage, problem):
    features = load_reference().head(5)[list(FEATURE_NAMES)]
    lines = features.to_csv(index=False).splitlines()
    damage(lines)
    text = "\n".join(lines) + "\n"
    if problem is None:
        assert len(tables.parse_table(text, tables.SAMPLES, name="d.csv")) == 5
        return
    with pytest.raises(tables.FileRejected) as caught:
        tables.parse_table(text, tables.SAMPLES, name="d.csv")
    assert problem in str(caught.value)


def test_the_c_parser_reads_every_number_exactly_as_float_does():
    """The column-at-once reader lets pandas' C parser read the numbers: it must give the same
    double as Python's float() for every spelling, to the last bit (600,000 values)."""
    rng = np.random.default_rng(2026)
    rows, width = 20_000, len(FEATURE_NAMES)
    maxima = np.array([feature.maximum for feature in FEATURES])
    values = rng.random((rows, width)) * maxima * 10.0 ** -rng.integers(0, 7, (rows, width))
    values[:, [f.positive for f in FEATURES]] += 0.001  # no zero size, whatever the spelling
    spellings = [repr, lambda v: f"{v:.20g}", lambda v: f"{v:.3f}", lambda v: f"{v:.6e}"]
    cells = [
        [spellings[(i + j) % 4](v) for j, v in enumerate(row)]
        for i, row in enumerate(values.tolist())
    ]
    text = ",".join(FEATURE_NAMES) + "\n" + "\n".join(",".join(row) for row in cells) + "\n"
    frame = table_columns.read_plain(text, tables.SAMPLES, None)
    assert frame is not None  # read by the C parser, not by the cell-by-cell reader
    expected = np.array([[float(cell) for cell in row] for row in cells])
    assert np.array_equal(frame[list(FEATURE_NAMES)].to_numpy(), expected)


@pytest.mark.parametrize(
    "cell",
    [" 1.5", "1.5 ", "+1.5", "1.", ".5", "1E-3", "00012.5", "1_0", "\u0661\u0662", "Infinity",
     "1e400", "nan", "1d5", "0x10", "-0.0", "1.000000000000000000001"],
)  # fmt: skip
def test_unusual_numbers_read_the_same_by_both_readers(cell):
    lines = load_reference().head(3)[list(FEATURE_NAMES)].to_csv(index=False).splitlines()
    cells = lines[2].split(",")
    cells[3] = cell
    lines[2] = ",".join(cells)
    text = "\n".join(lines) + "\n"
    try:
        expected = _cell_by_cell(text, tables.SAMPLES)
    except tables.FileRejected as rejected:
        with pytest.raises(tables.FileRejected) as caught:
            tables.parse_table(text, tables.SAMPLES, name="x.csv")
        assert [str(p) for p in caught.value.problems] == [str(p) for p in rejected.problems]
        return
    got = tables.parse_table(text, tables.SAMPLES, name="x.csv")
    pd.testing.assert_frame_equal(got, expected)
    assert np.signbit(got.iloc[1, 5]) == np.signbit(float(cell))


def test_a_semicolon_file_with_decimal_commas_reads_like_its_comma_twin():
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.tables import SAMPLES, FileRejected, parse_table

    values = [f"0.{i + 1:02d}{i:02d}" for i in range(30)]
    english = "sample_ref," + ",".join(FEATURE_NAMES) + "\nS1," + ",".join(values) + "\n"
    french = english.replace(",", ";").replace(".", ",")
    a = parse_table(english, SAMPLES, name="en.csv")
    b = parse_table(french, SAMPLES, name="fr.csv")
    assert a.equals(b) and b.attrs["dialect"] == "semicolon-separated values with decimal commas"
    bad = french.replace("0,0100", "0,0,100", 1)
    try:
        parse_table(bad, SAMPLES, name="fr.csv")
    except FileRejected as exc:
        assert "fr.csv, line 2, column 2 (radius_mean)" in str(exc.problems[0])
    else:
        raise AssertionError("a malformed number was accepted")


def test_a_zero_area_in_a_file_is_named_by_line_and_column():
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.tables import SAMPLES, FileRejected, parse_table

    row = ",".join("0.5" if n != "area_mean" else "0" for n in FEATURE_NAMES)
    text = ",".join(FEATURE_NAMES) + "\n" + row + "\n"
    try:
        parse_table(text, SAMPLES, name="s.csv")
    except FileRejected as exc:
        assert str(exc.problems[0]) == (
            "s.csv, line 2, column 4 (area_mean): expected a value > 0 (a nucleus has a size), "
            "got '0'"
        )
    else:
        raise AssertionError("a zero area was accepted")


@pytest.mark.parametrize(
    "column", ["radius_mean", "concavity_mean", "id", "diagnosis", "sample_ref", None]
)
def test_a_column_is_valid_exactly_when_each_of_its_cells_is(column):
    """The fast reader's column rule and the cell rule are one rule: a column of one cell is
    accepted exactly when that cell is, with the same value."""
    from pinkbreast.tables.cells import parse_cell, parse_column

    cells = [
        "", " ", "0", "0.0", "-0", "-1", "1", "12.5", " 12.5 ", "1e2", "1e9", "nan", "inf", "x",
        "M", "B", "m", "1000000000000", "S-12/a", "Jane DOE, born 1970", "a" * 65, "é",
    ]  # fmt: skip
    for cell in cells:
        value, problem = parse_cell(column, cell.strip())
        column_values = parse_column(column, [cell])
        assert (column_values is None) == (problem is not None), (column, cell)
        if column is not None and column_values is not None:
            assert list(column_values) == [value], (column, cell)
