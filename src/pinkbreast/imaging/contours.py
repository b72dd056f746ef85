"""Each nucleus's boundary: traced from its detected region, then refined by an active
contour ("snake", Kass, Witkin & Terzopoulos 1988) on the nuclear signal, as Xcyt did.

Contours are ordered (x, y) pixel coordinates (x = column, y = row).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import find_contours
from skimage.segmentation import active_contour
from threadpoolctl import threadpool_limits

from pinkbreast.imaging import geometry

MARGIN = 6  # pixels of context around a region for its snake
SNAKE = {"alpha": 0.01, "beta": 0.1, "gamma": 0.01, "w_line": 0.0, "w_edge": 1.0}
SNAKE_STEPS = 100
SNAKE_POINTS = 256  # at most: its cost grows with the cube of the points (a matrix inverse)
SNAKE_MOVE = 0.1  # pixels per step at most: small steps settle on the edge, not around it
MAX_AREA_CHANGE = 0.25  # a snake that changes the area more than this has wandered off


def trace(
    region: np.ndarray, box: tuple[slice, slice], signal: np.ndarray, foreign: np.ndarray
) -> np.ndarray | None:
    """The boundary of the nucleus whose pixels are ``region`` (a boolean crop at ``box``), as
    (x, y) image coordinates: the line where the nuclear signal is halfway between its level
    inside and just outside (sub-pixel, unlike the pixels' own staircase). Pixels of other
    nuclei (``foreign``) count as outside. None if there is no closed outline."""
    height, width = signal.shape
    top, left = max(box[0].start - MARGIN, 0), max(box[1].start - MARGIN, 0)
    window = (slice(top, min(box[0].stop + MARGIN, height)),
              slice(left, min(box[1].stop + MARGIN, width)))  # fmt: skip
    own = np.zeros(signal[window].shape, dtype=bool)
    own[box[0].start - top : box[0].stop - top, box[1].start - left : box[1].stop - left] = region
    near = ndi.binary_dilation(own, iterations=2) & ~foreign[window]
    ring = near & ~own
    local = signal[window]
    outside = float(np.median(local[ring])) if ring.any() else 0.0
    level = (float(np.median(local[own])) + outside) / 2.0
    local = np.pad(np.where(near, local, outside), 1, constant_values=outside)
    outlines = [o for o in find_contours(local, level) if len(o) >= 8 and np.allclose(o[0], o[-1])]
    if not outlines:
        return None
    outline = max(outlines, key=len)[:-1]
    return np.column_stack([outline[:, 1] - 1 + left, outline[:, 0] - 1 + top])


def refine(contour: np.ndarray, signal: np.ndarray, foreign: np.ndarray) -> np.ndarray:
    """The contour after the snake settles on the nuclear signal's edge, with the pixels of
    other nuclei (``foreign``) blanked so that a split between touching nuclei is an edge.
    Falls back to the traced contour if the snake changes the area by more than a quarter."""
    start = geometry.resample(contour, max(1.0, geometry.perimeter(contour) / SNAKE_POINTS))
    top = np.maximum(np.floor(start.min(axis=0)).astype(int) - MARGIN, 0)
    bottom = np.minimum(np.ceil(start.max(axis=0)).astype(int) + MARGIN + 1,
                        (signal.shape[1], signal.shape[0]))  # fmt: skip
    window = (slice(top[1], bottom[1]), slice(top[0], bottom[0]))
    crop = np.where(foreign[window], 0.0, signal[window])
    local = (start - top)[:, ::-1]  # (row, col) for scikit-image
    with threadpool_limits(1):  # a small matrix: threads only wait for each other
        snake = active_contour(
            crop,
            local,
            boundary_condition="periodic",
            max_num_iter=SNAKE_STEPS,
            max_px_move=SNAKE_MOVE,
            **SNAKE,
        )
    refined = snake[:, ::-1] + top
    before = abs(geometry.signed_area(start))
    after = abs(geometry.signed_area(refined))
    if before <= 0 or abs(after - before) > MAX_AREA_CHANGE * before:
        return start
    return refined
