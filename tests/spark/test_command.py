"""``pinkbreast predict``'s engine options, checked before anything starts (no Spark needed)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "parquet"], "--format needs --engine spark"),
        (["--master", "local[1]"], "--master needs --engine spark"),
        (["--conf", "a=b"], "--conf needs --engine spark"),
        (["--engine", "spark", "--explain", "-o", "out"], "--explain is for the local engine"),
        (["--engine", "spark"], "--engine spark writes a folder"),
    ],
)
def test_options_that_do_not_fit_the_engine_are_refused(args, message, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("radius_mean\n1\n")
    result = CliRunner().invoke(cli, ["predict", str(path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_the_local_engine_still_wants_an_existing_file(tmp_path):
    result = CliRunner().invoke(cli, ["predict", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "Invalid value for 'INPUT'" in result.output and "does not exist" in result.output
