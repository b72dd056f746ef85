"""The exploratory data report: one self-contained HTML file (figures embedded as PNG)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pinkbreast.features import BY_NAME, FEATURE_NAMES

CORRELATION_LIMIT = 0.95
IQR_RULE = (
    "a value is an outlier when it lies below Q1 - 1.5 x IQR or above Q3 + 1.5 x IQR, "
    "where Q1 and Q3 are the 25th and 75th percentiles and IQR = Q3 - Q1 (Tukey's fences)"
)
COLOURS = {"M": "#c2185b", "B": "#607d8b"}
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}"
    "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:2px 6px;"
    "text-align:right}th{background:#fce4ec}img{max-width:100%}"
)


def outlier_counts(frame: pd.DataFrame) -> pd.Series:
    """Per feature, how many values fall outside Tukey's fences (see ``IQR_RULE``)."""
    values = frame[list(FEATURE_NAMES)]
    q1, q3 = values.quantile(0.25), values.quantile(0.75)
    iqr = q3 - q1
    outside = (values < q1 - 1.5 * iqr) | (values > q3 + 1.5 * iqr)
    return outside.sum().astype(int)


def correlated_pairs(frame: pd.DataFrame, limit: float = CORRELATION_LIMIT) -> pd.DataFrame:
    """Feature pairs whose Pearson |r| exceeds ``limit``, strongest first."""
    corr = frame[list(FEATURE_NAMES)].corr(method="pearson")
    upper = corr.where(np.triu(np.ones(corr.shape, dtype=bool), k=1)).stack()
    pairs = upper[upper.abs() > limit].sort_values(key=np.abs, ascending=False)
    return pd.DataFrame(
        {
            "feature_a": [a for a, _ in pairs.index],
            "feature_b": [b for _, b in pairs.index],
            "r": pairs.to_numpy(),
        }
    )


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}">'


def _grid(frame: pd.DataFrame, draw: Callable[[Axes, str], None]) -> Figure:
    figure = Figure(figsize=(15, 24))
    for axes, name in zip(figure.subplots(10, 3).ravel(), FEATURE_NAMES, strict=True):
        draw(axes, name)
        axes.set_title(BY_NAME[name].label(), fontsize=9)
        axes.tick_params(labelsize=7)
    figure.subplots_adjust(left=0.05, right=0.98, top=0.98, bottom=0.02, hspace=0.5, wspace=0.25)
    return figure


def histograms(frame: pd.DataFrame) -> Figure:
    def draw(axes: Axes, name: str) -> None:
        for diagnosis, colour in COLOURS.items():
            values = frame.loc[frame["diagnosis"] == diagnosis, name]
            axes.hist(
                values, bins=25, alpha=0.55, color=colour, label=diagnosis, histtype="stepfilled"
            )
        axes.legend(fontsize=7)

    return _grid(frame, draw)


def box_plots(frame: pd.DataFrame) -> Figure:
    def draw(axes: Axes, name: str) -> None:
        groups = [frame.loc[frame["diagnosis"] == d, name] for d in COLOURS]
        axes.boxplot(groups, tick_labels=list(COLOURS), whis=1.5)

    return _grid(frame, draw)


def heatmap(frame: pd.DataFrame) -> Figure:
    corr = frame[list(FEATURE_NAMES)].corr(method="pearson")
    figure = Figure(figsize=(12, 10))
    axes = figure.subplots()
    image = axes.imshow(corr.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(30), FEATURE_NAMES, rotation=90, fontsize=7)
    axes.set_yticks(range(30), FEATURE_NAMES, fontsize=7)
    figure.colorbar(image, ax=axes, label="Pearson r")
    figure.tight_layout()
    return figure


def _table(frame: pd.DataFrame, digits: int = 4) -> str:
    text: str = frame.to_html(float_format=lambda v: f"{v:.{digits}g}", border=0)
    return text


def _counts(frame: pd.DataFrame) -> str:
    features = frame[list(FEATURE_NAMES)]
    counts = pd.DataFrame(
        {
            "value": [
                len(frame),
                frame.shape[1],
                int(frame.isna().sum().sum()),
                int(frame.duplicated(subset=list(FEATURE_NAMES)).sum()),
                int(frame["id"].duplicated().sum()) if "id" in frame else 0,
                int((features < 0).sum().sum()),
            ]
        },
        index=[
            "rows",
            "columns",
            "missing / null cells",
            "duplicate rows (same 30 values)",
            "duplicate ids",
            "negative values",
        ],
    )
    return _table(counts)


def render(frame: pd.DataFrame) -> str:
    """The report as one HTML string."""
    balance = frame["diagnosis"].value_counts().rename("cases").to_frame()
    balance["share"] = balance["cases"] / len(frame)
    outliers = outlier_counts(frame).rename("outliers").to_frame()
    pairs = correlated_pairs(frame)
    sections = [
        ("Counts", _counts(frame) + _table(frame.isna().sum().rename("missing").to_frame().T)),
        ("Class balance (M = malignant, B = benign)", _table(balance)),
        ("Summary statistics (describe)", _table(frame[list(FEATURE_NAMES)].describe().T)),
        (f"Outliers per feature — rule: {IQR_RULE}", _table(outliers.T)),
        ("Histograms by class", _png(histograms(frame))),
        ("Box plots by class (whiskers at 1.5 x IQR)", _png(box_plots(frame))),
        ("Pearson correlation", _png(heatmap(frame))),
        (f"Pairs with |r| > {CORRELATION_LIMIT} ({len(pairs)})", _table(pairs, 3)),
    ]
    body = "".join(f"<h2>{html.escape(title)}</h2>\n{content}\n" for title, content in sections)
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Pink Breast — exploratory report</title><style>{STYLE}</style></head><body>"
        f"<h1>Pink Breast — exploratory data report</h1><p>Generated {stamp} from "
        f"{len(frame)} cases.</p>{body}</body></html>"
    )


def write_report(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the HTML report for ``frame`` (``id``, ``diagnosis``, 30 features) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(frame), encoding="utf-8")
    return path
