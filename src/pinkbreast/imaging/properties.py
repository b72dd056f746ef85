"""The ten nuclear properties of WDBC, each written once (docs/imaging.md derives them).

Street, Wolberg & Mangasarian (1993), *Nuclear feature extraction for breast tumor diagnosis*:
every property is computed on the nucleus's closed boundary, resampled to points
:data:`SPACING` reference units apart, and texture on the grey levels inside it
(their standard deviation: texture). Lengths are
in reference units (see :mod:`pinkbreast.imaging.scale`); the other properties are ratios.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from pinkbreast.features import PROPERTIES
from pinkbreast.imaging import geometry

SPACING = 1.0  # reference units between resampled boundary points (about one Xcyt pixel)
CONCAVE_DEPTH = 0.5  # a concave portion counts when the boundary dips this far inside its chord
RULERS = (1, 2, 4, 8)  # coastline rulers, in multiples of SPACING
KEYS = tuple(p.key for p in PROPERTIES)


def measure_nucleus(contour_px: np.ndarray, inside: np.ndarray, units_per_pixel: float) -> dict:
    """The ten properties of one nucleus, keyed as :data:`pinkbreast.features.PROPERTIES`.

    ``contour_px`` holds the ordered boundary as (x, y) pixel coordinates, ``inside`` the grey
    levels (0..255) of the nucleus's pixels; ``units_per_pixel`` converts pixel lengths to
    reference units.
    """
    fine = geometry.smooth(contour_px * units_per_pixel, SPACING)
    points = geometry.counter_clockwise(geometry.resample(fine, SPACING))
    centre = geometry.centroid(points)
    radii = np.linalg.norm(points - centre, axis=1)
    length = geometry.perimeter(points)
    area = abs(geometry.signed_area(points))
    depths = concave_depths(points)
    values = {
        "radius": float(radii.mean()),
        "texture": float(inside.std()) if inside.size else 0.0,
        "perimeter": length,
        "area": area,
        "smoothness": smoothness(radii, length),
        "compactness": length**2 / (4.0 * np.pi * area) - 1.0,
        "concavity": float(depths.sum()) / length,
        "concave_points": len(depths) * SPACING / length,
        "symmetry": symmetry(points, centre),
        "fractal_dimension": fractal_dimension(points),
    }
    return {key: float(values[key]) for key in KEYS}


def smoothness(radii: np.ndarray, length: float) -> float:
    """Sum over boundary points of |r_i - (r_(i-1) + r_(i+1)) / 2|, over the perimeter."""
    local = np.abs(radii - (np.roll(radii, 1) + np.roll(radii, -1)) / 2.0)
    return float(local.sum() * SPACING / length)


def concave_depths(points: np.ndarray) -> np.ndarray:
    """Depth of each concave portion: for each chord between consecutive convex-hull points,
    how far the boundary between them lies inside it (portions shallower than
    :data:`CONCAVE_DEPTH` are the boundary's own roughness and do not count)."""
    try:
        corners = np.sort(ConvexHull(points).vertices)
    except QhullError:
        return np.zeros(0)
    count, depths = len(points), list[float]()
    for start, end in zip(corners, np.roll(corners, -1), strict=True):
        between = np.arange(start + 1, end + (count if end <= start else 0)) % count
        if between.size == 0:
            continue
        chord = points[end] - points[start]
        offset = points[between] - points[start]
        inside = np.abs(chord[0] * offset[:, 1] - chord[1] * offset[:, 0]) / np.hypot(*chord)
        depths.append(inside.max())
    found = np.asarray(depths, dtype=float)
    return found[found > CONCAVE_DEPTH]


def symmetry(points: np.ndarray, centre: np.ndarray) -> float:
    """Σ|left − right| / Σ(left + right) over lines perpendicular to the major axis (the
    longest chord through the centre), one per SPACING along it."""
    outward = points - centre
    forward = np.linalg.norm(outward, axis=1)
    directions = outward / forward[:, None]
    backward = geometry.ray_lengths(points, np.repeat(centre[None], len(points), 0), -directions)
    best = int(np.argmax(forward + backward))
    axis, ahead, behind = _major_axis(
        points, centre, np.arctan2(*directions[best][::-1]), 1 / forward[best]
    )
    span = ahead + behind
    start = centre - behind * axis
    stations = start + np.arange(SPACING / 2, span, SPACING)[:, None] * axis
    normal = np.repeat(np.array([[-axis[1], axis[0]]]), len(stations), 0)
    left = geometry.ray_lengths(points, stations, normal)
    right = geometry.ray_lengths(points, stations, -normal)
    total = (left + right).sum()
    return float(np.abs(left - right).sum() / total) if total > 0 else 0.0


def _major_axis(points, centre, angle: float, step: float) -> tuple[np.ndarray, float, float]:
    """The longest chord through ``centre`` within one ``step`` (radians) of ``angle``: its
    unit direction and its lengths ahead of and behind the centre."""
    angles = angle + np.linspace(-step, step, 41)
    ways = np.column_stack([np.cos(angles), np.sin(angles)])
    origins = np.repeat(centre[None], len(ways), 0)
    ahead = geometry.ray_lengths(points, origins, ways)
    behind = geometry.ray_lengths(points, origins, -ways)
    best = int(np.argmax(ahead + behind))
    return ways[best], float(ahead[best]), float(behind[best])


def fractal_dimension(points: np.ndarray) -> float:
    """Coastline approximation: the perimeter measured with rulers of 1, 2, 4 and 8 SPACINGs
    (every k-th point, averaged over the k starting points); minus the slope of log length
    against log ruler is the fractal dimension minus one."""
    rulers = [k for k in RULERS if len(points) // k >= 4]
    lengths = [
        np.mean([geometry.perimeter(points[offset::k]) for offset in range(k)]) for k in rulers
    ]
    if len(rulers) < 2:
        return 0.0
    slope = np.polyfit(np.log(np.asarray(rulers) * SPACING), np.log(lengths), 1)[0]
    return float(-slope)
