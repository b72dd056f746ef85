"""``pinkbreast measure``: images in, a features CSV that ``pinkbreast predict`` takes as is."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from PIL import Image

from pinkbreast.cli import cli
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.imaging.measure import measure
from pinkbreast.imaging.reading import read_image
from tests.imaging_scenes import PIXEL_SIZE, encode, many_nuclei


@pytest.fixture
def slides(tmp_path):
    paths = []
    for seed in (0, 1):
        path = tmp_path / f"slide-{seed}.png"
        path.write_bytes(encode(many_nuclei(seed, size=(400, 500), count=12)))
        paths.append(path)
    return paths


def run(*args):
    return CliRunner().invoke(cli, ["measure", *map(str, args)])


def test_it_writes_one_line_of_30_features_per_image_equal_to_the_library(env, slides, tmp_path):
    out = tmp_path / "features.csv"
    result = run(*slides, "-o", out, "--pixel-size", PIXEL_SIZE, "--overlay", tmp_path / "ov")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["sample_ref", *FEATURE_NAMES]
    assert [r["sample_ref"] for r in rows] == ["slide-0", "slide-1"]
    direct = measure(read_image(slides[0].read_bytes()), pixel_size_um=PIXEL_SIZE).features
    assert {name: float(rows[0][name]) for name in FEATURE_NAMES} == direct
    assert "slide-0.png: 12 nuclei" in result.output
    overlay = Image.open(tmp_path / "ov" / "slide-0.overlay.png")
    assert overlay.size == (500, 400)


def test_predict_reads_the_measure_output_as_it_is(env, slides, tmp_path, champion_tracking_uri,
                                                   monkeypatch):  # fmt: skip
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)
    features = tmp_path / "features.csv"
    assert run(*slides, "-o", features, "--pixel-size", PIXEL_SIZE).exit_code == 0
    scored = tmp_path / "scored.csv"
    result = CliRunner().invoke(cli, ["predict", str(features), "-o", str(scored)])
    assert result.exit_code == 0, result.output
    assert "Scored 2 samples" in result.output
    assert scored.read_text().count("slide-") == 2


def test_the_site_pixel_size_is_the_default(env, slides, tmp_path, monkeypatch):
    monkeypatch.setenv("PINKBREAST_PIXEL_SIZE_UM", str(PIXEL_SIZE))
    result = run(slides[0], "-o", tmp_path / "f.csv")
    assert result.exit_code == 0, result.output
    assert f"at {PIXEL_SIZE:g} µm per pixel" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"radius_mean\n1\n", "not an image"),
        (encode(many_nuclei(0, size=(400, 500), count=12))[:3000], "truncated or damaged"),
        (encode(many_nuclei(0, size=(8, 8), count=0)), "8 × 8 pixels"),
        ("bomb", "more than 16,777,216 pixels"),
        ("animated", "animated"),
    ],
)
def test_a_bad_image_is_named_with_its_problem_and_nothing_is_written(
    env, slides, tmp_path, content, message
):
    bad = tmp_path / "bad.png"
    if content == "bomb":
        Image.new("L", (20_000, 20_000)).save(bad, format="PNG")
    elif content == "animated":
        frames = [Image.new("L", (64, 64), 200), Image.new("L", (64, 64), 50)]
        frames[0].save(bad, format="PNG", save_all=True, append_images=frames[1:])
    else:
        bad.write_bytes(content)
    out = tmp_path / "features.csv"
    result = run(slides[0], bad, "-o", out, "--pixel-size", PIXEL_SIZE)
    assert result.exit_code == 1
    assert "error: bad.png: " in result.output and message in result.output
    assert "1 of 2 images refused: nothing written." in result.output
    assert not out.exists()


def test_a_field_without_nuclei_is_refused(env, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(encode(many_nuclei(0, size=(200, 200), count=0)))
    result = run(empty, "--pixel-size", PIXEL_SIZE)
    assert result.exit_code == 1 and "empty.png: no whole nucleus was found" in result.output


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "50"])
def test_a_bad_pixel_size_is_a_usage_error(env, slides, value):
    result = run(slides[0], "--pixel-size", value)
    assert result.exit_code == 2 and "Invalid value for '--pixel-size'" in result.output
