"""Finding the nuclei: stain separation, threshold, distance-transform watershed, filters.

The result is a label image (0 background, 1..n one per nucleus) of the nuclei worth
measuring: big enough, not absurdly big, fairly convex, and whole (nuclei cut by the image
border are left out, as an operator would leave them).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.color import rgb2hed
from skimage.filters import gaussian, threshold_otsu
from skimage.measure import regionprops
from skimage.morphology import h_maxima, remove_small_objects
from skimage.segmentation import clear_border, watershed

from pinkbreast.imaging.reading import Picture

MIN_SOLIDITY = 0.75  # area over convex-hull area: lower is a clump or debris, not one nucleus


def nuclear_signal(picture: Picture) -> np.ndarray:
    """0..1, high where nuclear stain is: the haematoxylin optical density of a colour image
    (colour deconvolution, Ruifrok & Johnston 2001), else the darkness of the grey level."""
    if picture.colour:
        density = rgb2hed(np.clip(picture.rgb / 255.0, 0, 1))[..., 0]
        low, high = np.percentile(density, (0.5, 99.5))
        signal = (density - low) / max(high - low, 1e-9)
    else:
        signal = 1.0 - picture.grey / 255.0
    return gaussian(np.clip(signal, 0.0, 1.0), sigma=1.0)


def detect(signal: np.ndarray, *, min_radius_px: float, max_radius_px: float) -> np.ndarray:
    """Label image of the whole, plausibly sized and shaped nuclei in ``signal``."""
    if float(signal.max() - signal.min()) < 0.05:
        return np.zeros(signal.shape, dtype=np.int32)  # a blank field: nothing stands out
    mask = signal > threshold_otsu(signal)
    mask = ndi.binary_fill_holes(ndi.binary_opening(mask, iterations=1))
    mask = remove_small_objects(mask, max_size=int(np.pi * min_radius_px**2 / 2))
    labels = split_touching(mask, min_radius_px)
    labels = clear_border(labels)
    return keep_plausible(labels, min_radius_px, max_radius_px)


def split_touching(mask: np.ndarray, min_radius_px: float) -> np.ndarray:
    """Distance-transform watershed: one marker per distance peak that stands at least half a
    minimum radius above the saddle joining it to another, so necks split and bumps do not.
    Done blob by blob: the work grows with the nuclei's area, not the image's."""
    blobs, _ = ndi.label(mask)
    labels = np.zeros(mask.shape, dtype=np.int32)
    height, placed = max(1.0, 0.5 * min_radius_px), 0
    for number, box in enumerate(ndi.find_objects(blobs), start=1):
        window = tuple(slice(max(b.start - 1, 0), b.stop + 1) for b in box)
        blob = blobs[window] == number
        distance = ndi.distance_transform_edt(blob)
        markers, count = ndi.label(h_maxima(distance, height))
        parts = watershed(-distance, markers, mask=blob) if count > 1 else blob.astype(np.int32)
        labels[window][blob] = parts[blob] + placed
        placed += int(parts.max())
    return labels


def keep_plausible(labels: np.ndarray, min_radius_px: float, max_radius_px: float) -> np.ndarray:
    """Labels renumbered 1..n, keeping regions of plausible size and solidity."""
    kept = np.zeros_like(labels, dtype=np.int32)
    number = 0
    for region in regionprops(labels):
        radius = np.sqrt(region.area / np.pi)
        if min_radius_px <= radius <= max_radius_px and region.solidity >= MIN_SOLIDITY:
            number += 1
            rows, cols = region.coords[:, 0], region.coords[:, 1]
            kept[rows, cols] = number
    return kept
