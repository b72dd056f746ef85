"""Synthetic microscope fields with known answers, made by the tests (no files on disk).

Shapes are dark (nuclear) polygons on a light background, drawn by pixel centres. At
``PIXEL_SIZE`` µm per pixel one pixel is one reference unit, so the expected radius, perimeter
and area are the drawn ones.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from skimage.draw import polygon

from pinkbreast.imaging.scale import REFERENCE_UNIT_UM

PIXEL_SIZE = REFERENCE_UNIT_UM  # one pixel = one reference unit
BACKGROUND, NUCLEUS = 220, 60


def outline(centre, radius_at, points: int = 720) -> np.ndarray:
    """(x, y) points of a star-shaped outline: ``radius_at(angle)`` around ``centre``."""
    angle = np.linspace(0.0, 2 * np.pi, points, endpoint=False)
    radius = radius_at(angle)
    return np.column_stack([centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)])


def disc(centre, radius):
    return outline(centre, lambda a: np.full_like(a, radius))


def ellipse(centre, a, b, tilt=0.0):
    t = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
    x, y = a * np.cos(t), b * np.sin(t)
    c, s = np.cos(tilt), np.sin(tilt)
    return np.column_stack([centre[0] + c * x - s * y, centre[1] + s * x + c * y])


def regular_polygon(centre, radius, sides, turn=0.1):
    t = turn + np.arange(sides) * 2 * np.pi / sides
    return np.column_stack([centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)])


def star(centre, radius, lobes, depth=0.3):
    return outline(centre, lambda a: radius * (1 + depth * np.cos(lobes * a)))


def field(shapes, size=(200, 200), scale: float = 1.0, fill=None) -> np.ndarray:
    """A grey 8-bit image (height, width) = ``size`` × ``scale`` with each shape (x, y points,
    in unscaled pixels) filled dark; ``fill(rows, cols)`` may give the nuclei's grey levels."""
    height, width = int(size[0] * scale), int(size[1] * scale)
    image = np.full((height, width), BACKGROUND, dtype=np.uint8)
    for shape in shapes:
        # pixel centres are at integer coordinates; scale about the pixel edge (-0.5)
        points = (shape + 0.5) * scale - 0.5
        rows, cols = polygon(points[:, 1], points[:, 0], shape=image.shape)
        image[rows, cols] = NUCLEUS if fill is None else fill(rows, cols)
    return image


def encode(image: np.ndarray, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def many_nuclei(seed: int = 0, size=(768, 1024), count: int = 30) -> np.ndarray:
    """A grey field of ``count`` separate, irregular, textured nuclei (radius 10–20 px)."""
    rng = np.random.default_rng(seed)
    grain = rng.normal(NUCLEUS + 10, 8.0, size=size).round().clip(0, 255)
    shapes, centres = [], []
    while len(shapes) < count:
        centre = rng.uniform([40, 40], [size[1] - 40, size[0] - 40])
        if any(np.hypot(*(centre - c)) < 50 for c in centres):
            continue
        radius, lobes = rng.uniform(10, 20), int(rng.integers(3, 7))
        shapes.append(star(centre, radius, lobes, depth=rng.uniform(0.0, 0.15)))
        centres.append(centre)
    return field(shapes, size=size, fill=lambda rows, cols: grain[rows, cols])
