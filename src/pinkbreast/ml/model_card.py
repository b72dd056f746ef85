"""The model card (Markdown), written from the numbers of the current training run only."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from pinkbreast.ml.evaluate import Comparison
from pinkbreast.ml.metrics import INTERVAL
from pinkbreast.ml.promise import Promise
from pinkbreast.ml.selection import PREFER_SIMPLER

_SHOWN = ("roc_auc", "brier", "sensitivity", "specificity", "precision", "f1", "accuracy")
DECISION_FIGURE = "figures/reliability_decision_range.png"
_ZONE_LETTER = {"benign": "B", "indeterminate": "I", "malignant": "M"}


def _ci(summary: dict, key: str) -> str:
    mean, low, high = summary[key]
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"


def _table(comparison: Comparison) -> list[str]:
    lines = [
        "| candidate | ROC AUC | Brier | ECE | OOF sensitivity | OOF specificity | referred "
        "| calibrated (folds) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in [*comparison.results, comparison.procedure]:
        mark = " **(champion)**" if r.name == comparison.winner else ""
        name = f"**{r.name}** (the procedure)" if r is comparison.procedure else r.name + mark
        lines.append(
            f"| {name} | {_ci(r.summary, 'roc_auc')} | {_ci(r.summary, 'brier')} "
            f"| {r.pooled['ece']:.3f} | {r.pooled['sensitivity']:.3f} "
            f"| {r.pooled['specificity']:.3f} | {r.pooled['indeterminate_share']:.1%} "
            f"| {r.calibrated_share:.0%} |"
        )
    return lines


def _selection(comparison: Comparison) -> list[str]:
    final = comparison.final
    tied = ", ".join(f"`{name}`" for name in final.tied)
    counts = ", ".join(f"`{n}` {k}" for n, k in comparison.selected_counts().most_common())
    mean, low, high = final.differences[final.winner]
    return [
        f"Rule (`PREFER_SIMPLER`): {PREFER_SIMPLER} The criterion is the specificity at each "
        "candidate's own operating point on the part's cross-fitted (inner) scores.",
        f"On all cases: highest specificity `{final.best}`; tied with it: {tied}; champion "
        f"`{final.winner}` (specificity difference with the best {mean:+.3f} "
        f"[{low:+.3f}, {high:+.3f}]). Selected over the {len(comparison.choices)} outer "
        f"training parts: {counts}.",
    ]


def _missed(comparison: Comparison) -> list[str]:
    missed = comparison.missed_cases()
    repeats = comparison.config.repeats
    if missed.empty:
        return ["None: every malignant case was at or above the threshold in every repeat."]
    lines = [
        "| UCI id | missed (repeats) | OOF probability: median [min, max] | zone per repeat |",
        "|---|---|---|---|",
    ]
    for row in missed.itertuples(index=False):
        values = row._asdict()
        p = np.array([values[f"p{r + 1}"] for r in range(repeats)])
        zones = "".join(_ZONE_LETTER[values[f"zone{r + 1}"]] for r in range(repeats))
        lines.append(
            f"| {row.id} | {row.missed}/{repeats} | {np.median(p):.3f} "
            f"[{p.min():.3f}, {p.max():.3f}] | {zones} |"
        )
    return [
        *lines,
        "",
        "Zones: B benign, I indeterminate, M malignant, one letter per repeat "
        "(`missed_malignant_oof.csv` in the run has every probability).",
    ]


def _reliability(bins: pd.DataFrame) -> list[str]:
    lines = [
        "| predicted | cases x repeats | mean predicted | observed malignant |",
        "|---|---|---|---|",
    ]
    for row in bins.itertuples(index=False):
        shown = f"{row.mean_predicted:.3f} | {row.observed:.3f}" if row.count else "— | —"
        lines.append(f"| {row.low:.2f}–{row.high:.2f} | {row.count} | {shown} |")
    return lines


def render(
    comparison: Comparison,
    *,
    document: dict,
    version: str | None,
    provenance: dict,
    promise: Promise,
    calibration: pd.DataFrame,
    run_id: str,
    quick: bool = False,
) -> str:
    """Markdown text of the card for registered ``version`` (None: registration refused)."""
    config, procedure = comparison.config, comparison.procedure
    settings = config.settings
    n, n_m = len(comparison.y), int(comparison.y.sum())
    pooled = procedure.pooled
    title = f"version {version}" if version else "not registered (promise not kept)"
    title += " (quick demo run)" if quick else ""
    dirty = "" if provenance["git_dirty"] == "false" else f" (dirty: {provenance['git_dirty']})"
    shortfalls = promise.shortfalls()
    warning = []
    if shortfalls and quick:
        warning = [
            "**Demo model (`pinkbreast train --quick`): it does not keep its promise out of "
            "fold — " + "; ".join(shortfalls) + ". Run the full `pinkbreast train` before any "
            "use beyond a demonstration.**",
            "",
        ]
    lines = [
        f"# Pink Breast model card — `pinkbreast` {title}",
        "",
        *warning,
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `pinkbreast train` (MLflow run "
        f"`{run_id}`); package commit `{provenance['git_commit']}`{dirty}; "
        f"{provenance['python']}; data sha256 `{provenance['fingerprint']}`.",
        "",
        "## Intended use",
        "Decision support for fine-needle-aspirate (FNA) cytology of breast masses: it estimates "
        "the probability that the sampled mass is malignant from the 30 nuclear features "
        "measured on the digitised slide (WDBC / Xcyt definitions). **It is not a diagnosis.** "
        "A clinician interprets the result with the whole clinical picture; an *indeterminate* "
        "result means *refer for further work-up*.",
        "",
        "## Data",
        f"{n} cases ({n_m} malignant, {n - n_m} benign) from the Wisconsin Diagnostic Breast "
        "Cancer data set (UCI), one row per patient.",
        "",
        "## How the numbers were obtained",
        f"Fully nested, repeated, stratified cross-validation: {config.repeats} repeats x "
        f"{config.folds} outer folds. Inside every outer training part, for every candidate, an "
        f"inner {settings.inner_folds}-fold loop tunes the hyper-parameters (Brier score); its "
        "cross-fitted probabilities set the threshold and the band (conformal quantiles), the "
        "Platt calibrator and whether to serve it; then one candidate is selected from those "
        "inner figures alone. The outer test part scores the selected candidate: the "
        "*procedure* row below is the whole procedure, selection included, and the figures "
        f"quoted for the champion are the procedure's. Intervals: {INTERVAL}, unless marked "
        "Clopper–Pearson. *OOF* values pool every outer test fold.",
        "",
        *_selection(comparison),
        "",
        *_table(comparison),
        "",
        f"## Champion: `{comparison.winner}`",
        comparison.result(comparison.winner).description,
        "",
        "Out-of-fold figures of the procedure that produced it:",
        "",
        *[f"- {key}: {_ci(procedure.summary, key)}" for key in _SHOWN],
        f"- ECE (10 equal-width bins, pooled OOF): {pooled['ece']:.4f}",
        f"- Served: {'Platt-calibrated' if document['calibration'] else 'uncalibrated'} "
        "probabilities (decided on the inner folds of all cases).",
        "",
        "## Operating point and three zones: the promise, checked out of fold",
        f"Served threshold {document['threshold']:.4f}, indeterminate band "
        f"[{document['lower']:.4f}, {document['upper']:.4f}].",
        "",
        f"- Sensitivity at the threshold: {promise.sensitivity.text()} (Clopper–Pearson 95%); "
        f"target {promise.target_sensitivity:g}.",
        f"- Malignant cases in the definite benign zone: {promise.benign_zone.text()} "
        f"(Clopper–Pearson 95%); promised at most {promise.benign_zone_limit:.3f} "
        f"(benign-zone coverage {promise.benign_coverage:g}).",
        f"- Referred (indeterminate): {promise.referred:.1%} of cases; on the others "
        f"sensitivity {pooled['definite_sensitivity']:.3f}, specificity "
        f"{pooled['definite_specificity']:.3f}. Specificity at the threshold "
        f"{pooled['specificity']:.3f}.",
        "- Clopper–Pearson intervals count each case once: n = malignant cases, with the "
        "average count per repeat.",
        "",
        "## Calibration where decisions are made",
        f"Out-of-fold probabilities between {calibration['low'].min():g} and "
        f"{calibration['high'].max():g} (all repeats pooled; figure "
        f"`{DECISION_FIGURE}` in the MLflow run):",
        "",
        *_reliability(calibration),
        "",
        "## Malignant cases missed out of fold",
        "Malignant cases below the threshold in at least one repeat (out-of-fold probability of "
        "the candidate selected in that fold; never in-sample scores):",
        "",
        *_missed(comparison),
        "",
        "## Limitations",
        "- One centre, 569 cases collected in the early 1990s; no external validation.",
        "- 37% of these cases are malignant; predictive values will differ where prevalence does.",
        "- Values must come from the same image-analysis definitions; rescaled inputs (0-1, "
        "z-scores) are meaningless.",
        "- The conformal cuts assume new cases resemble the training cases (exchangeability); "
        "the inner models see 1 - 1/k of the data the served model sees.",
    ]
    return "\n".join(lines) + "\n"
