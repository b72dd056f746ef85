"""The model card (Markdown), written from the numbers of the current training run only."""

from __future__ import annotations

from datetime import UTC, datetime

from pinkbreast.ml.evaluate import Comparison
from pinkbreast.ml.metrics import INTERVAL

_SHOWN = ("roc_auc", "brier", "sensitivity", "specificity", "precision", "f1", "accuracy")


def _ci(summary: dict, key: str) -> str:
    mean, low, high = summary[key]
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"


def _table(comparison: Comparison) -> list[str]:
    lines = [
        "| candidate | ROC AUC | Brier | OOF sensitivity | OOF specificity | referred "
        "| calibrated |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in comparison.results:
        mark = " **(champion)**" if r.name == comparison.winner else ""
        lines.append(
            f"| {r.name}{mark} | {_ci(r.summary, 'roc_auc')} | {_ci(r.summary, 'brier')} "
            f"| {r.pooled['sensitivity']:.3f} | {r.pooled['specificity']:.3f} "
            f"| {r.pooled['indeterminate_share']:.1%} | {'yes' if r.calibrated else 'no'} |"
        )
    return lines


def render(comparison: Comparison, *, document: dict, version: str, provenance: dict) -> str:
    """Markdown text of the card for registered ``version``."""
    config, winner = comparison.config, comparison.result(comparison.winner)
    n, n_m = len(comparison.y), int(comparison.y.sum())
    hard = ", ".join(str(i) for i in comparison.hard_cases()) or "none"
    pooled = winner.pooled
    lines = [
        f"# Pink Breast model card — `pinkbreast` version {version}",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `pinkbreast train`; "
        f"git commit `{provenance['git_commit']}`; data sha256 `{provenance['fingerprint']}`.",
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
        f"Nested, repeated, stratified cross-validation: {config.repeats} repeats x "
        f"{config.folds} outer folds; on every outer training part an inner "
        f"{config.settings.inner_folds}-fold loop tunes the hyper-parameters (Brier score), and "
        "its out-of-fold probabilities set the threshold, the indeterminate band and the Platt "
        "calibration. Scaling, resampling and feature selection are pipeline steps, refit inside "
        f"every fold. Intervals: {INTERVAL}. *OOF* values pool every outer test fold.",
        "",
        "Selection: the best OOF specificity at the operating point among candidates whose OOF "
        "sensitivity reaches the target minus 0.01; specificities within 0.005 are a tie, "
        "broken by the lower Brier score.",
        "",
        *_table(comparison),
        "",
        f"## Champion: `{winner.name}`",
        winner.description,
        "",
        *[f"- {key}: {_ci(winner.summary, key)}" for key in _SHOWN],
        f"- Brier before / after Platt calibration: {winner.summary['brier_raw'][0]:.4f} / "
        f"{winner.summary['brier_calibrated'][0]:.4f} (served: "
        f"{'calibrated' if winner.calibrated else 'uncalibrated'})",
        "",
        "## Operating point and three zones",
        f"Target sensitivity {config.settings.target_sensitivity:.2f}. Served threshold "
        f"{document['threshold']:.4f}: out of fold, sensitivity {pooled['sensitivity']:.3f} and "
        f"specificity {pooled['specificity']:.3f}.",
        f"Indeterminate band [{document['lower']:.4f}, {document['upper']:.4f}] "
        f"(class-conditional split conformal, coverage {config.settings.coverage:.3f}): out of "
        f"fold, {pooled['indeterminate_share']:.1%} of cases are referred; on the others "
        f"sensitivity is {pooled['definite_sensitivity']:.3f} and specificity "
        f"{pooled['definite_specificity']:.3f}.",
        "",
        "## Known hard cases",
        "Malignant cases called benign out of fold (in most repeats) by every candidate with a "
        f"usable operating point (OOF specificity >= 0.5), by UCI id: {hard}.",
        "",
        "## Limitations",
        "- One centre, 569 cases collected in the early 1990s; no external validation.",
        "- 37% of these cases are malignant; predictive values will differ where prevalence does.",
        "- Values must come from the same image-analysis definitions; rescaled inputs (0-1, "
        "z-scores) are meaningless and are flagged as outside the reference range.",
        "- The champion and its calibration were chosen on the same outer folds that report "
        "its numbers, so they are slightly optimistic.",
        "- The conformal band assumes new cases resemble the training cases (exchangeability).",
    ]
    return "\n".join(lines) + "\n"
