"""``pinkbreast predict --engine spark`` gives the CLI's answers: the same probabilities to the
bit, zones and flags, the rows the CLI refuses as rejects with its own words, CSV and Parquet
in and out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.batch import RESULT_COLUMNS

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _invoke(*args: str):
    result = CliRunner().invoke(cli, ["predict", *args])
    return result


def _cli_lines(path: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / f"cli-{path.stem}.csv"
    result = _invoke(str(path), "-o", str(out), "--threads", "1")
    assert result.exit_code == 0, result.output
    return out.read_bytes().decode().split("\r\n")[:-1]


def _part_lines(folder: Path) -> list[str]:
    """The data lines of every CSV part file, in part order, after checking each header."""
    lines = []
    for part in sorted(folder.glob("part-*.csv")):
        if not part.stat().st_size:
            continue  # a partition without rows
        header, *rows = part.read_bytes().decode().split("\r\n")[:-1]
        assert header == ",".join(RESULT_COLUMNS)
        lines += rows
    return lines


def _parquet(folder: Path) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in sorted(folder.glob("part-*.parquet"))])


def test_569_cases_get_the_clis_result_lines_in_csv_and_its_doubles_in_parquet(
    spark, small_blocks, scoring_env, reference_samples, tmp_path
):
    path = tmp_path / "reference.csv"
    reference_samples.to_csv(path, index=False)
    assert path.stat().st_size > 20 * small_blocks  # read by dozens of tasks
    expected = _cli_lines(path, tmp_path)
    result = _invoke(str(path), "--engine", "spark", "-o", str(tmp_path / "csv"))
    assert result.exit_code == 0, result.output
    assert _part_lines(tmp_path / "csv" / "scored") == expected[1:]  # byte for byte
    assert "Scored 569 samples" in result.output and "Rejected 0 rows" in result.output
    flagged = sum(1 for line in expected[1:] if line.split(",")[9])
    assert f"Flagged {flagged} scored rows" in result.output

    result = _invoke(str(path), "--engine", "spark", "-o", str(tmp_path / "pq"), "--format",
                     "parquet")  # fmt: skip
    assert result.exit_code == 0, result.output
    scored = _parquet(tmp_path / "pq" / "scored").sort_values("row")
    cli = pd.read_csv(io.StringIO("\r\n".join(expected)), dtype={"sample_ref": str},
                      keep_default_na=False)  # fmt: skip
    same_bits = scored["probability_malignant"].to_numpy().view(np.int64)
    assert (same_bits == cli["probability_malignant"].to_numpy(float).view(np.int64)).all()
    assert scored["zone"].tolist() == cli["zone"].tolist()
    assert scored["out_of_reference_range"].tolist() == cli["out_of_reference_range"].tolist()
    assert scored["sample_ref"].tolist() == cli["sample_ref"].tolist()
    assert set(scored["model_version"]) == {str(cli["model_version"].iat[0])}
    assert _parquet(tmp_path / "pq" / "rejects").empty


BAD_CELLS = {  # data row (0-based) -> (column, bad text)
    3: ("area_mean", "abc"),
    7: ("radius_mean", "-1"),
    9: ("symmetry_mean", "nan"),
    12: ("texture_mean", "1e9"),
    25: ("perimeter_mean", ""),
}


def _bad_file(samples: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    """A file with bad rows (cells, a short line, a repeated reference, blank lines, formula
    and quoted references, which break the sample-reference rule, Kaggle headers) and the same
    file without its bad rows."""
    rows = samples.head(40).astype(str).to_numpy().tolist()
    header = ["sample_ref", *(n.replace("concave_points", "concave points") for n in FEATURE_NAMES)]
    for index, (column, text) in BAD_CELLS.items():
        rows[index][header.index(column.replace("concave_points", "concave points"))] = text
    rows[15] = rows[15][:10]
    rows[20][0] = rows[18][0]
    rows[22][0], rows[23][0] = "=HYPERLINK(1)", 'a,"b"'
    bad, good = io.StringIO(), io.StringIO()
    for handle, keep in ((bad, rows), (good, [r for i, r in enumerate(rows) if i not in
                                              {*BAD_CELLS, 15, 20, 22, 23}])):  # fmt: skip
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for index, row in enumerate(keep):
            writer.writerow(row)
            if handle is bad and index in (5, 30):
                handle.write("\n" if index == 5 else ",,,\n")
    paths = folder / "bad.csv", folder / "good.csv"
    for path, handle in zip(paths, (bad, good), strict=True):
        path.write_text(handle.getvalue())
    return paths


def test_bad_rows_are_rejected_with_the_clis_words_and_the_rest_scored_alike(
    spark, small_blocks, scoring_env, reference_samples, tmp_path
):
    bad, good = _bad_file(reference_samples, tmp_path)
    refused = _invoke(str(bad), "-o", str(tmp_path / "x.csv"))
    assert refused.exit_code == 1
    cli_problems = [line.removeprefix("error: ") for line in refused.output.splitlines()
                    if line.startswith("error: ")]  # fmt: skip
    assert len(cli_problems) == 9
    result = _invoke(str(bad), "--engine", "spark", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Rejected 9 rows" in result.output and "Scored 31 samples" in result.output
    rejects = pd.concat(
        pd.read_csv(p, dtype=str, keep_default_na=False)
        for p in sorted((tmp_path / "out" / "rejects").glob("part-*.csv"))
    )
    spark_problems = [
        f"bad.csv, line {r.line}, {part}" if part.startswith("column") else
        f"bad.csv, line {r.line}: {part}"
        for r in rejects.itertuples() for part in r.reason.split("; ")
    ]  # fmt: skip
    assert sorted(spark_problems) == sorted(cli_problems)
    located = sorted((int(r.line), int(r.row)) for r in rejects.itertuples())
    assert located == [
        (5, 4), (10, 8), (12, 10), (15, 13), (18, 16), (23, 21), (25, 23), (26, 24), (28, 26)
    ]  # fmt: skip
    ok = [line.split(",", 1)[1] for line in _part_lines(tmp_path / "out" / "scored")]
    assert ok == [line.split(",", 1)[1] for line in _cli_lines(good, tmp_path)[1:]]
    assert not any("HYPERLINK" in line for line in ok)  # refused by the sample-reference rule


def test_parquet_in_rows_referenced_by_their_index(spark, scoring_env, reference_samples,
                                                   tmp_path):  # fmt: skip
    samples = reference_samples.head(50).copy()
    samples.loc[4, "radius_mean"] = np.nan
    samples.loc[9, "area_worst"] = -3.0
    samples.to_parquet(tmp_path / "in.parquet", index=False)
    good = samples.drop(index=[4, 9])
    good.to_csv(tmp_path / "good.csv", index=False)
    expected = _cli_lines(tmp_path / "good.csv", tmp_path)
    result = _invoke(str(tmp_path / "in.parquet"), "--engine", "spark", "-o",
                     str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [line.split(",", 1)[1] for line in _part_lines(tmp_path / "out" / "scored")] == [
        line.split(",", 1)[1] for line in expected[1:]
    ]
    rejects = pd.read_csv(next((tmp_path / "out" / "rejects").glob("part-*.csv")), dtype=str,
                          keep_default_na=False)  # fmt: skip
    assert rejects[["line", "row", "sample_ref"]].values.tolist() == [
        ["", "5", samples.loc[4, "sample_ref"]],
        ["", "10", samples.loc[9, "sample_ref"]],
    ]
    assert rejects["reason"].tolist() == [
        "column 2 (radius_mean): expected a finite number (not NaN or infinity), got 'nan'",
        "column 25 (area_worst): expected a value >= 0, got '-3.0'",
    ]


def test_nothing_is_scored_when_the_header_or_the_output_is_wrong(
    spark, scoring_env, reference_samples, tmp_path
):
    path = tmp_path / "renamed.csv"
    reference_samples.head(5).rename(columns={"radius_mean": "radius"}).to_csv(path, index=False)
    result = _invoke(str(path), "--engine", "spark", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "error: renamed.csv, line 1, column 2 (radius): unknown column" in result.output
    assert "error: renamed.csv, line 1, column radius_mean: missing column" in result.output
    assert not (tmp_path / "out").exists()
    (tmp_path / "taken").mkdir()
    result = _invoke(str(path), "--engine", "spark", "-o", str(tmp_path / "taken"))
    assert result.exit_code == 1 and "already exists" in result.output
    assert list((tmp_path / "taken").iterdir()) == []


def test_the_local_session_listens_on_the_loopback_only(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.jars.packages", "") == ""
