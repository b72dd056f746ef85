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


def site_figures(comparison) -> list[tuple[str, str]]:
    """``(data URI, alternative text)`` of the ROC and reliability figures of both sides on the
    site's cases (out of fold, probabilities averaged over repeats)."""
    if not comparison.site_cases or len(set(comparison.site_cases["y"])) < 2:
        return []
    import numpy as np
    from matplotlib.figure import Figure
    from sklearn.metrics import roc_curve

    from pinkbreast.ml.metrics import reliability_bins

    cases = comparison.site_cases
    y = np.asarray(cases["y"])
    sides = (("champion", _("Champion"), "#607d8b"), ("challenger", _("Challenger"), "#c2185b"))
    roc = Figure(figsize=(4.6, 4.2))
    axes = roc.subplots()
    for key, label, colour in sides:
        fpr, tpr, _cuts = roc_curve(y, cases[f"{key}_p"])
        axes.plot(fpr, tpr, color=colour, label=label)
    axes.plot([0, 1], [0, 1], ls="--", color="black", lw=0.8)
    axes.set_xlabel(_("1 - specificity"))
    axes.set_ylabel(_("Sensitivity"))
    axes.set_title(_("ROC on the site's cases"))
    axes.legend(loc="lower right")
    calibration = Figure(figsize=(4.6, 4.2))
    axes = calibration.subplots()
    for key, label, colour in sides:
        bins = reliability_bins(y, np.asarray(cases[f"{key}_p"]), bins=5)
        used = bins[bins["count"] > 0]
        axes.plot(used["mean_predicted"], used["observed"], marker="o", color=colour, label=label)
        for row in used.itertuples():
            axes.annotate(f"n={row.count}", (row.mean_predicted, row.observed), fontsize=7,
                          textcoords="offset points", xytext=(0, 6), ha="center")  # fmt: skip
    axes.plot([0, 1], [0, 1], ls="--", color="black", lw=0.8)
    axes.set_xlabel(_("mean predicted probability"))
    axes.set_ylabel(_("Observed malignant"))
    axes.set_title(_("Reliability on the site's cases (n per bin)"))
    axes.legend(loc="upper left")
    return [
        (_uri(roc), _("ROC curves of the champion and the challenger on the site's cases.")),
        (_uri(calibration), _("Observed share malignant against mean predicted probability "
                              "per bin for both models, with the number of cases in each bin.")),
    ]  # fmt: skip
