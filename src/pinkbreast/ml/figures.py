"""Evaluation figures, drawn on ``matplotlib.figure.Figure`` (no pyplot state, Agg-safe)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import auc, precision_recall_curve, roc_curve

PINK, GREY = "#c2185b", "#607d8b"


def _axes(title: str, size: tuple[float, float] = (5.0, 4.5)) -> tuple[Figure, Axes]:
    figure = Figure(figsize=size)
    axes: Axes = figure.subplots()  # one Axes (subplots() is typed for any grid)
    axes.set_title(title)
    return figure, axes


def confusion_figure(counts: np.ndarray, title: str) -> Figure:
    """``counts`` = [[tn, fp], [fn, tp]] (may be averaged over repeats)."""
    figure, axes = _axes(title, (4.5, 4.0))
    axes.imshow(counts, cmap="RdPu")
    for (row, col), value in np.ndenumerate(counts):
        axes.text(col, row, f"{value:.1f}", ha="center", va="center", fontsize=12)
    axes.set_xticks([0, 1], ["benign", "malignant"])
    axes.set_yticks([0, 1], ["benign", "malignant"])
    axes.set_xlabel("predicted (at threshold)")
    axes.set_ylabel("diagnosis")
    figure.tight_layout()
    return figure


def roc_figure(y: np.ndarray, p: np.ndarray, title: str) -> Figure:
    figure, axes = _axes(title)
    fpr, tpr, _ = roc_curve(y, p)
    axes.plot(fpr, tpr, color=PINK, label=f"AUC {auc(fpr, tpr):.4f}")
    axes.plot([0, 1], [0, 1], ls="--", color=GREY)
    axes.set_xlabel("1 - specificity")
    axes.set_ylabel("sensitivity")
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure


def pr_figure(y: np.ndarray, p: np.ndarray, title: str) -> Figure:
    figure, axes = _axes(title)
    precision, recall, _ = precision_recall_curve(y, p)
    axes.plot(recall, precision, color=PINK)
    axes.axhline(np.mean(y), ls="--", color=GREY, label="prevalence")
    axes.set_xlabel("recall (sensitivity)")
    axes.set_ylabel("precision")
    axes.legend(loc="lower left")
    figure.tight_layout()
    return figure


def reliability_figure(y: np.ndarray, curves: dict[str, np.ndarray], title: str) -> Figure:
    """One reliability curve per named probability vector (e.g. raw and calibrated)."""
    figure, axes = _axes(title)
    for (name, p), colour in zip(curves.items(), (GREY, PINK), strict=False):
        observed, predicted = calibration_curve(y, p, n_bins=10, strategy="quantile")
        brier = float(np.mean((p - y) ** 2))
        axes.plot(
            predicted, observed, marker="o", color=colour, label=f"{name} (Brier {brier:.4f})"
        )
    axes.plot([0, 1], [0, 1], ls="--", color="black", lw=0.8)
    axes.set_xlabel("mean predicted probability")
    axes.set_ylabel("observed share malignant")
    axes.legend(loc="upper left")
    figure.tight_layout()
    return figure


def learning_curve_figure(
    sizes: np.ndarray, train_scores: np.ndarray, test_scores: np.ndarray, title: str
) -> Figure:
    figure, axes = _axes(title)
    for scores, label, colour in (
        (train_scores, "training", GREY),
        (test_scores, "validation", PINK),
    ):
        mean, sd = scores.mean(axis=1), scores.std(axis=1)
        axes.plot(sizes, mean, marker="o", color=colour, label=label)
        axes.fill_between(sizes, mean - sd, mean + sd, color=colour, alpha=0.2)
    axes.set_xlabel("training cases")
    axes.set_ylabel("ROC AUC")
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure


def decision_range_figure(
    bins: pd.DataFrame, title: str, xlabel: str = "mean predicted probability (out of fold)"
) -> Figure:
    """Reliability where decisions are made: ``bins`` from ``metrics.reliability_bins`` over a
    sub-range (e.g. 0.05-0.95), one point per bin, sized and labelled by its count."""
    figure, axes = _axes(title, (5.5, 4.8))
    used = bins[bins["count"] > 0]
    low, high = float(bins["low"].min()), float(bins["high"].max())
    axes.plot([low, high], [low, high], ls="--", color="black", lw=0.8, label="perfect")
    axes.plot(used["mean_predicted"], used["observed"], color=PINK, marker="o", label="observed")
    for row in used.itertuples():
        axes.annotate(
            f"n={row.count}",
            (row.mean_predicted, row.observed),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8,
        )
    for edge in np.unique(np.r_[bins["low"], bins["high"]]):
        axes.axvline(edge, color=GREY, lw=0.3)
    axes.set_xlim(low, high)
    axes.set_ylim(-0.02, 1.1)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("observed share malignant")
    axes.legend(loc="upper left")
    figure.tight_layout()
    return figure
