"""Dashboard figures, drawn server-side as PNG data URIs (no script, CSP-safe)."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from pinkbreast.ml.names import ZONES
from pinkbreast.services.monitoring.performance import Performance

if TYPE_CHECKING:  # matplotlib takes 0.4 s to import: when a chart is first drawn
    from matplotlib.figure import Figure


def _uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def performance_over_time(series: list[tuple], threshold: float, labels: dict) -> str:
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2))
    axes = figure.subplots()
    days = [end for end, _ in series]
    for name, marker, getter in (
        (labels["recall"], "o", lambda p: p.recall),
        (labels["specificity"], "s", lambda p: p.specificity),
    ):
        values = [getter(perf) for _, perf in series]
        axes.plot(
            days, [v if v is not None else float("nan") for v in values], marker=marker, label=name
        )
    axes.axhline(
        threshold, color="#b0245d", linestyle="--", label=f"{labels['threshold']} {threshold:.2f}"
    )
    axes.set_ylim(0, 1.02)
    axes.set_xlim(days[0], days[-1])
    axes.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    axes.legend(loc="lower left", fontsize=8)
    axes.tick_params(axis="x", labelsize=7, rotation=30)
    return _uri(figure)


def volume_by_zone(counts: dict[str, int], labels: dict) -> str:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.6))
    axes = figure.subplots()
    zones = list(ZONES)
    bars = axes.bar(
        [labels[z] for z in zones],
        [counts.get(z, 0) for z in zones],
        color=["#8e1b47", "#f3c744", "#1f5f8b", "#6c6c6c"],
    )
    for bar, hatch in zip(bars, ["", "..", "//", "xx"], strict=True):
        bar.set_hatch(hatch)
    axes.tick_params(axis="x", labelsize=8)
    return _uri(figure)


def confusion(perf: Performance) -> list[list[int]]:
    """Rows: confirmed malignant, benign; columns: called malignant, benign."""
    return [[perf.tp, perf.fn], [perf.fp, perf.tn]]
