"""The reviewer's two moves: leave a nucleus out, add one the detection missed."""

from __future__ import annotations

import numpy as np
import pytest

from pinkbreast.imaging.measure import measure
from pinkbreast.imaging.reading import read_image
from tests.imaging_scenes import PIXEL_SIZE, disc, encode, field


def faint_field() -> np.ndarray:
    """Three dark nuclei and one faint one that a threshold for the whole field misses."""
    image = field([disc((60, 60), 18.0), disc((140, 60), 18.0), disc((60, 140), 18.0)])
    faint = field([disc((140, 140), 18.0)]) != field([])
    image[faint] = 180
    return image


def test_a_faint_nucleus_missed_by_detection_is_added_from_a_clicked_point():
    picture = read_image(encode(faint_field()))
    found = measure(picture, pixel_size_um=PIXEL_SIZE)
    assert len(found.nuclei) == 3
    added = measure(picture, pixel_size_um=PIXEL_SIZE, seeds=[(140.0, 140.0)])
    assert len(added.nuclei) == 4
    new = added.nuclei[-1]
    assert new.seeded and new.number == 4
    assert new.values["radius"] == pytest.approx(18.0, rel=0.05)
    assert [n.values for n in added.nuclei[:3]] == [n.values for n in found.nuclei]


def test_a_click_inside_a_detected_nucleus_or_off_the_image_adds_nothing():
    picture = read_image(encode(faint_field()))
    for seed in [(60.0, 60.0), (-5.0, 10.0), (500.0, 10.0)]:
        assert len(measure(picture, pixel_size_um=PIXEL_SIZE, seeds=[seed]).nuclei) == 3


def test_a_nucleus_left_out_leaves_the_features_and_is_kept_in_the_list():
    picture = read_image(encode(faint_field()))
    whole = measure(picture, pixel_size_um=PIXEL_SIZE)
    fewer = measure(picture, pixel_size_um=PIXEL_SIZE, excluded=[2, 99])
    assert len(fewer.nuclei) == 3 and [n.number for n in fewer.accepted] == [1, 3]
    assert fewer.excluded == {2}  # unknown numbers are dropped
    assert fewer.features != whole.features
    assert fewer.too_few and fewer.to_dict()["accepted"] == 2
    assert measure(picture, pixel_size_um=PIXEL_SIZE, excluded=[1, 2, 3]).features is None
