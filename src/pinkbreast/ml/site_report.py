"""The site validation as one self-contained HTML file (``pinkbreast validate --output``)."""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.figure import Figure

from pinkbreast.ml.eda import STYLE
from pinkbreast.ml.figures import decision_range_figure
from pinkbreast.ml.site_validation import GroupFigures, Proportion, SiteValidation


def proportion_text(found: Proportion | None) -> str:
    if found is None:
        return "no cases"
    return f"{found.value:.3f} [{found.low:.3f}, {found.high:.3f}] ({found.count} of {found.n})"


def verdict(group: GroupFigures) -> str:
    """The plain statement of what the figures allow."""
    if group.n == 0:
        return "No site cases: nothing can be said about this model on the site's patients."
    if not group.conclusive:
        return (
            f"Too few cases to conclude: the 95% intervals are wider than {group.width:g}. "
            f"About {group.needed_malignant} more malignant and {group.needed_benign} more "
            "benign confirmed cases are needed."
        )
    return (
        f"Both 95% intervals are narrower than {group.width:g}: sensitivity "
        f"{proportion_text(group.sensitivity)}, specificity {proportion_text(group.specificity)}."
    )


def summary_lines(result: SiteValidation) -> list[str]:
    """The figures as plain text lines, overall then by group (also printed by the CLI)."""
    lines = [f"Champion version {result.version} on {result.overall.n} site cases"]
    for group in [result.overall, *result.by_origin, *result.by_period]:
        auc = group.auc
        lines.append(
            f"  {group.name:<10} n={group.n:<5} sensitivity {proportion_text(group.sensitivity)}"
            f"; specificity {proportion_text(group.specificity)}"
            f"; referred {proportion_text(group.referred)}"
            + (f"; AUC {auc.value:.3f} [{auc.low:.3f}, {auc.high:.3f}]" if auc else "")
        )
    lines.append(verdict(result.overall))
    return lines


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="reliability" src="data:image/png;base64,{encoded}">'


def _row(group: GroupFigures) -> str:
    auc = f"{group.auc.value:.3f} [{group.auc.low:.3f}, {group.auc.high:.3f}]" if group.auc else ""
    cells = [
        group.name,
        str(group.n),
        proportion_text(group.sensitivity),
        proportion_text(group.specificity),
        proportion_text(group.referred),
        auc,
        "yes" if group.conclusive else "no",
    ]
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def render(result: SiteValidation) -> str:
    header = "".join(
        f"<th>{h}</th>"
        for h in ("group", "cases", "sensitivity", "specificity", "referred", "ROC AUC",
                  "conclusive")
    )  # fmt: skip
    rows = "".join(_row(g) for g in [result.overall, *result.by_origin, *result.by_period])
    figure = ""
    if result.overall.n:
        title = "Reliability on site cases (n per bin)"
        bins = result.overall.reliability
        figure = _png(decision_range_figure(bins, title, "mean predicted probability"))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Site validation</title>"
        f"<style>{STYLE}</style><h1>Champion version {html.escape(result.version)} on the "
        f"site's confirmed cases</h1><p>{html.escape(verdict(result.overall))}</p>"
        f"<table><tr>{header}</tr>{rows}</table>{figure}"
        "<p>Intervals: exact Clopper-Pearson 95% (proportions), percentile bootstrap 95% "
        f"(ROC AUC). Generated {stamp}.</p></html>"
    )


def write(result: SiteValidation, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result), encoding="utf-8")
    return path
