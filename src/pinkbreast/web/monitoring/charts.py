"""Dashboard figures as inline SVG geometry (no script, CSP-safe, no plotting library: the page
opens without importing or drawing with matplotlib). The template draws what these return; the
figures' numbers are also in the page's tables."""

from __future__ import annotations

from dataclasses import dataclass

from pinkbreast.services.monitoring.performance import Performance
from pinkbreast.vocabulary import ZONES

WIDTH, HEIGHT = 640, 240  # the trend's viewBox
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 36  # margins inside it
ZONE_COLOURS = dict(zip(ZONES, ("#8e1b47", "#f3c744", "#1f5f8b", "#6c6c6c"), strict=True))


@dataclass(frozen=True)
class Line:
    key: str  # "recall" or "specificity"
    points: list[tuple[float, float]]  # weeks with a value only


@dataclass(frozen=True)
class Trend:
    lines: list[Line]
    threshold_y: float
    x_labels: list[tuple[float, object]]  # (x, week end) for the first, middle and last weeks
    y_ticks: list[tuple[float, float]]  # (y, value)


def _y(value: float) -> float:
    return TOP + (1 - value) * (HEIGHT - TOP - BOTTOM)


def performance_over_time(series: list[tuple], threshold: float) -> Trend:
    """Weekly recall and specificity on a 0–1 axis, and the alert threshold."""
    step = (WIDTH - LEFT - RIGHT) / max(len(series) - 1, 1)
    xs = [LEFT + i * step for i in range(len(series))]
    lines = []
    for key in ("recall", "specificity"):
        values = [getattr(perf, key) for _, perf in series]
        points = [(x, _y(v)) for x, v in zip(xs, values, strict=True) if v is not None]
        lines.append(Line(key, points))
    middle = len(series) // 2
    x_labels = [(xs[i], series[i][0]) for i in sorted({0, middle, len(series) - 1})]
    return Trend(
        lines=lines,
        threshold_y=_y(threshold),
        x_labels=x_labels,
        y_ticks=[(_y(v), v) for v in (0.0, 0.25, 0.5, 0.75, 1.0)],
    )


@dataclass(frozen=True)
class Bar:
    zone: str
    count: int
    x: float
    y: float
    height: float
    colour: str


def volume_by_zone(counts: dict[str, int]) -> list[Bar]:
    """One bar per zone in a 320 x 200 viewBox (bars from y = 170 up)."""
    tallest = max([counts.get(zone, 0) for zone in ZONES] + [1])
    bars = []
    for index, zone in enumerate(ZONES):
        count = counts.get(zone, 0)
        height = 140 * count / tallest
        bars.append(Bar(zone, count, 20 + index * 75, 170 - height, height, ZONE_COLOURS[zone]))
    return bars


def confusion(perf: Performance) -> list[list[int]]:
    """Rows: confirmed malignant, benign; columns: called malignant, benign."""
    return [[perf.tp, perf.fn], [perf.fp, perf.tn]]
