"""A nucleus the detection missed, grown from a point the reviewer clicked."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.filters import threshold_otsu

WINDOW = 3.0  # the local threshold looks this many maximum radii around the seed


def grow(
    signal: np.ndarray,
    labels: np.ndarray,
    seed: tuple[float, float],
    *,
    min_radius_px: float,
    max_radius_px: float,
) -> tuple[np.ndarray, tuple[slice, slice]] | None:
    """The region around ``seed`` (x, y) that stands out from its neighbourhood (Otsu's
    threshold within a window, on the pixels of no detected nucleus), not overlapping them:
    a boolean crop and its place in the image; None when the seed is off the image, inside a
    detected nucleus, or nothing of nuclear size stands out there."""
    col, row = int(round(seed[0])), int(round(seed[1]))
    height, width = signal.shape
    if not (0 <= row < height and 0 <= col < width) or labels[row, col]:
        return None
    reach = int(WINDOW * max_radius_px)
    box = (slice(max(row - reach, 0), min(row + reach + 1, height)),
           slice(max(col - reach, 0), min(col + reach + 1, width)))  # fmt: skip
    local, free = signal[box], labels[box] == 0
    values = local[free]  # detected nuclei left aside: a faint nucleus against its background
    if float(values.max() - values.min()) < 0.05:
        return None
    candidate = (local > threshold_otsu(values)) & free
    parts, _ = ndi.label(ndi.binary_fill_holes(candidate))
    part = parts[row - box[0].start, col - box[1].start]
    if not part:
        return None
    region = parts == part
    radius = np.sqrt(region.sum() / np.pi)
    if not min_radius_px / 2 <= radius <= max_radius_px:
        return None
    found = ndi.find_objects(region.astype(np.int32))[0]
    whole = (slice(box[0].start + found[0].start, box[0].start + found[0].stop),
             slice(box[1].start + found[1].start, box[1].start + found[1].stop))  # fmt: skip
    return region[found], whole
