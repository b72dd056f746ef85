"""A real microscopy field: scikit-image's immunohistochemistry sample (no download)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from scipy import ndimage as ndi
from skimage import data

from pinkbreast.imaging.measure import measure
from pinkbreast.imaging.overlay import ACCEPTED, overlay_png
from pinkbreast.imaging.reading import read_image
from tests.imaging_scenes import encode


def test_nuclei_are_found_on_a_stained_tissue_image_and_outlined_on_the_overlay():
    picture = read_image(encode(data.immunohistochemistry()))
    assert picture.colour
    result = measure(picture, pixel_size_um=0.25)
    # the field shows a few hundred haematoxylin-stained nuclei, many crowded or cut
    assert 60 <= len(result.nuclei) <= 400
    features = result.features
    assert features is not None and all(np.isfinite(v) for v in features.values())
    assert 3 <= features["radius_mean"] <= 30  # reference units: the range WDBC spans
    overlay = np.asarray(Image.open(io.BytesIO(overlay_png(picture, result))).convert("RGB"))
    assert overlay.shape == (*picture.shape, 3)
    outlined = ndi.binary_dilation(np.all(overlay == ACCEPTED, axis=2), iterations=1)
    for nucleus in result.nuclei:
        x, y = np.round(nucleus.contour).astype(int).T
        assert outlined[y.clip(0, 511), x.clip(0, 511)].mean() > 0.9, nucleus.number
    untouched = np.asarray(data.immunohistochemistry())
    assert (overlay != untouched).any(axis=2).mean() < 0.3  # outlines, not a painted field


def test_the_docs_quote_the_sample_beside_the_reference_ranges_as_the_code_measures_it():
    from pathlib import Path

    from pinkbreast.imaging.reference import sample_report

    docs = (Path(__file__).parents[3] / "docs" / "imaging.md").read_text()
    assert sample_report() in docs
