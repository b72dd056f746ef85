"""Figures of the evidence pages, drawn server-side as PNG data URIs (no script, CSP-safe)."""

from __future__ import annotations

import base64
import io

from flask_babel import gettext as _


def _uri(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def reliability_chart(bins) -> str:
    from pinkbreast.ml.figures import decision_range_figure

    title = _("Reliability on the site's cases (n per bin)")
    return _uri(decision_range_figure(bins, title, _("mean predicted probability")))


def differences_chart(comparison) -> str:
    """Paired differences (challenger - champion) with their 95% intervals, one row each."""
    from matplotlib.figure import Figure

    names = {
        "sensitivity": _("Sensitivity"),
        "specificity": _("Specificity"),
        "referred": _("Referred"),
        "brier": _("Brier"),
    }
    rows = [
        (f"{names[key]} ({part_name})", d)
        for part_name, part in ((_("site"), comparison.site), (_("all"), comparison.overall))
        for key, d in part.items()
    ]
    figure = Figure(figsize=(6.5, 0.4 * len(rows) + 1))
    axes = figure.subplots()
    for index, (_label, d) in enumerate(rows):
        axes.errorbar(d.difference, index, xerr=[[d.difference - d.low], [d.high - d.difference]],
                      fmt="o", color="#c2185b", capsize=3)  # fmt: skip
    axes.axvline(0, color="black", lw=0.8)
    axes.axvline(-comparison.margin, color="#607d8b", ls="--", lw=0.8)
    axes.set_yticks(range(len(rows)), [label for label, _d in rows])
    axes.invert_yaxis()
    axes.set_xlabel(_("challenger - champion (paired 95 percent interval)"))
    return _uri(figure)
