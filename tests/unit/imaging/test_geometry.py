"""The ten properties on synthetic fields whose answers are known (docs/imaging.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage.transform import rotate

from pinkbreast.imaging.measure import measure
from pinkbreast.imaging.properties import SPACING
from pinkbreast.imaging.reading import read_image
from tests.imaging_scenes import (
    NUCLEUS,
    PIXEL_SIZE,
    disc,
    ellipse,
    encode,
    field,
    outline,
    regular_polygon,
    star,
)

# how far two measurements of the same nucleus may differ: relative for sizes, absolute for
# the small dimensionless ratios
RELATIVE = {"radius": 0.02, "perimeter": 0.02, "area": 0.02}
ABSOLUTE = {
    "texture": 0.5,
    "smoothness": 0.006,
    "compactness": 0.03,
    "concavity": 0.01,
    "concave_points": 0.002,
    "symmetry": 0.02,
    "fractal_dimension": 0.005,
}


def nuclei(image: np.ndarray, pixel_size: float = PIXEL_SIZE) -> list[dict]:
    return [n.values for n in measure(read_image(encode(image)), pixel_size_um=pixel_size).nuclei]


def only(image: np.ndarray, pixel_size: float = PIXEL_SIZE) -> dict:
    found = nuclei(image, pixel_size)
    assert len(found) == 1, f"expected one nucleus, found {len(found)}"
    return found[0]


def assert_same(a: dict, b: dict) -> None:
    for key, tolerance in RELATIVE.items():
        assert a[key] == pytest.approx(b[key], rel=tolerance), key
    for key, tolerance in ABSOLUTE.items():
        assert a[key] == pytest.approx(b[key], abs=tolerance), key


def kidney(centre=(100.0, 100.0), radius=28.0):
    """An outline with one longest chord and no symmetry: rotations are told apart."""
    return outline(centre, lambda a: radius * (1 + 0.2 * np.cos(2 * a) + 0.08 * np.sin(3 * a)))


@pytest.mark.parametrize("radius", [15.0, 20.0, 30.0])
def test_a_disc_has_its_radius_perimeter_and_area_within_two_percent(radius):
    """(Below about 15 pixels of radius the pixel staircase alone costs more than 2%.)"""
    values = only(field([disc((100.3, 99.6), radius)]))
    assert values["radius"] == pytest.approx(radius, rel=0.02)
    assert values["perimeter"] == pytest.approx(2 * math.pi * radius, rel=0.02)
    assert values["area"] == pytest.approx(math.pi * radius**2, rel=0.02)
    assert values["compactness"] == pytest.approx(0.0, abs=0.02)
    assert values["concavity"] == 0.0 and values["concave_points"] == 0.0
    assert values["symmetry"] < 0.02
    assert values["texture"] == 0.0  # one grey level inside


def test_an_ellipse_has_its_area_and_perimeter_and_is_convex():
    a, b = 40.0, 20.0
    values = only(field([ellipse((100, 100), a, b, tilt=0.3)]))
    h = ((a - b) / (a + b)) ** 2
    ramanujan = math.pi * (a + b) * (1 + 3 * h / (10 + math.sqrt(4 - 3 * h)))
    assert values["area"] == pytest.approx(math.pi * a * b, rel=0.02)
    assert values["perimeter"] == pytest.approx(ramanujan, rel=0.02)
    assert values["compactness"] == pytest.approx(
        ramanujan**2 / (4 * math.pi**2 * a * b) - 1, abs=0.03
    )
    assert values["concavity"] == 0.0 and values["concave_points"] == 0.0
    assert values["symmetry"] < 0.03  # symmetric about its major axis


@pytest.mark.parametrize("sides", [4, 5, 6, 8])
def test_a_convex_polygon_has_its_area_and_no_concavity(sides):
    radius = 30.0
    values = only(field([regular_polygon((100, 100), radius, sides)]))
    expected = 0.5 * sides * radius**2 * math.sin(2 * math.pi / sides)
    assert values["area"] == pytest.approx(expected, rel=0.03)
    assert values["concavity"] == 0.0 and values["concave_points"] == 0.0


def test_concave_points_count_the_lobes_of_a_star_and_grow_with_them():
    stars = {
        lobes: only(field([star((100, 100), 35.0, lobes, depth=0.2)])) for lobes in (3, 4, 5, 6, 8)
    }
    for lobes, values in stars.items():
        portions = values["concave_points"] * values["perimeter"] / SPACING
        assert round(portions) == lobes
        assert values["concavity"] > 0.02
    by_lobes = [stars[k]["concave_points"] for k in sorted(stars)]
    assert by_lobes == sorted(by_lobes) and len(set(by_lobes)) == len(by_lobes)
    assert [stars[k]["concavity"] for k in sorted(stars)] == sorted(
        stars[k]["concavity"] for k in stars
    )


def test_deeper_lobes_are_more_concave_and_rougher():
    shallow = only(field([star((100, 100), 35.0, 5, depth=0.1)]))
    deep = only(field([star((100, 100), 35.0, 5, depth=0.3)]))
    for key in ("concavity", "compactness", "smoothness", "fractal_dimension"):
        assert deep[key] > shallow[key], key


def test_texture_is_the_standard_deviation_of_the_grey_levels_inside():
    rng = np.random.default_rng(7)
    noise = rng.normal(NUCLEUS + 20, 12.0, size=(200, 200)).round().clip(0, 255)
    image = field([disc((100, 100), 30.0)], fill=lambda rows, cols: noise[rows, cols])
    inside = field([disc((100, 100), 30.0)]) == NUCLEUS
    values = only(image)
    assert values["texture"] == pytest.approx(noise[inside].std(), rel=0.02)
    assert values["radius"] == pytest.approx(30.0, rel=0.02)


def test_a_rotation_by_90_degrees_changes_nothing():
    image = field([kidney()])
    assert_same(only(np.rot90(image)), only(image))
    assert only(np.rot90(image))["area"] == pytest.approx(only(image)["area"], rel=1e-3)


def test_a_rotation_by_30_degrees_stays_within_tolerance():
    image = field([kidney()])
    turned = (rotate(image / 255.0, 30, mode="edge", order=1) * 255).round().astype(np.uint8)
    assert_same(only(turned), only(image))


def test_a_translation_changes_nothing():
    image = field([kidney()])
    moved = np.roll(np.roll(image, 7, axis=0), 13, axis=1)
    assert only(moved) == pytest.approx(only(image), rel=1e-9)


def test_twice_the_resolution_at_half_the_pixel_size_gives_the_same_features():
    shapes = [kidney()]
    assert_same(only(field(shapes, scale=2.0), PIXEL_SIZE / 2), only(field(shapes)))


def test_the_pixel_size_scales_lengths_and_areas_and_nothing_else():
    image = field([kidney(radius=18.0)])
    base, doubled = only(image), only(image, PIXEL_SIZE * 2)
    assert doubled["radius"] == pytest.approx(2 * base["radius"], rel=0.01)
    assert doubled["area"] == pytest.approx(4 * base["area"], rel=0.01)
    for key in ("texture", "compactness", "symmetry"):
        assert doubled[key] == pytest.approx(base[key], abs=ABSOLUTE[key]), key


def test_two_touching_discs_are_two_nuclei():
    found = nuclei(field([disc((70, 100), 25.0), disc((120, 100), 25.0)]))
    assert len(found) == 2
    for values in found:
        assert values["area"] == pytest.approx(math.pi * 25.0**2, rel=0.08)


def test_a_nucleus_cut_by_the_border_is_left_out():
    found = nuclei(field([disc((100, 100), 20.0), disc((5, 100), 20.0)]))
    assert len(found) == 1


def test_specks_and_blank_fields_give_no_nuclei():
    assert nuclei(field([disc((100, 100), 1.5)])) == []
    assert nuclei(field([])) == []
