"""Closed contours as ordered (x, y) points: resampling, length, area, centre, ray lengths.

A contour here is an ``(n, 2)`` float array of boundary points in order, not repeating the
first point at the end. The helpers are shared by the ten nuclear properties.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d


def closed(points: np.ndarray) -> np.ndarray:
    """The points followed by the first one again."""
    return np.vstack([points, points[:1]])


def perimeter(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(closed(points), axis=0), axis=1).sum())


def signed_area(points: np.ndarray) -> float:
    """Shoelace formula: positive when the points turn counter-clockwise (x right, y up)."""
    x, y = points[:, 0], points[:, 1]
    return float(0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)))


def centroid(points: np.ndarray) -> np.ndarray:
    """Centre of mass of the enclosed region (not the mean of the points)."""
    x, y = points[:, 0], points[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-12:
        return points.mean(axis=0)
    return np.array([((x + xn) * cross).sum(), ((y + yn) * cross).sum()]) / (6.0 * area)


def resample(points: np.ndarray, spacing: float) -> np.ndarray:
    """Evenly spaced points along the closed contour, about ``spacing`` apart (at least 16)."""
    ring = closed(points)
    steps = np.linalg.norm(np.diff(ring, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    count = max(16, int(round(along[-1] / spacing)))
    targets = np.linspace(0.0, along[-1], count, endpoint=False)
    return np.column_stack(
        [np.interp(targets, along, ring[:, 0]), np.interp(targets, along, ring[:, 1])]
    )


def counter_clockwise(points: np.ndarray) -> np.ndarray:
    return points if signed_area(points) >= 0 else points[::-1].copy()


def ray_lengths(points: np.ndarray, origins: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """For each ray (origin + t * unit direction, t > 0), the farthest t where it meets the
    contour (0 when it meets nothing). Farthest, so a ray crossing a concavity still reaches
    the outer boundary."""
    start = points
    edge = np.roll(points, -1, axis=0) - points
    o = origins[:, None, :]
    d = directions[:, None, :]
    denom = d[..., 0] * edge[None, :, 1] - d[..., 1] * edge[None, :, 0]
    rel = start[None, :, :] - o
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (rel[..., 0] * edge[None, :, 1] - rel[..., 1] * edge[None, :, 0]) / denom
        s = (rel[..., 0] * d[..., 1] - rel[..., 1] * d[..., 0]) / denom
    hit = (np.abs(denom) > 1e-12) & (s >= 0) & (s <= 1) & (t > 1e-9)
    return np.where(hit, t, 0.0).max(axis=1)


def smooth(points: np.ndarray, scale: float) -> np.ndarray:
    """The contour with detail finer than ``scale`` (a length) blurred away: a Gaussian of
    that width along the curve. Pixel staircases vanish at any resolution; shapes keep."""
    fine = resample(points, scale / 4)
    return gaussian_filter1d(fine, sigma=4.0, axis=0, mode="wrap")
