"""The model card (Markdown), written from the numbers of the current training run only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from pinkbreast.ml.evaluate import Comparison
from pinkbreast.ml.metrics import INTERVAL
from pinkbreast.ml.promise import Promise
from pinkbreast.ml.selection import PREFER_SIMPLER
from pinkbreast.vocabulary import BENIGN, INDETERMINATE, MALIGNANT

_SHOWN = ("roc_auc", "brier", "sensitivity", "specificity", "precision", "f1", "accuracy")
DECISION_FIGURE = "figures/reliability_decision_range.png"
_ZONE_LETTER = {BENIGN: "B", INDETERMINATE: "I", MALIGNANT: "M"}


# The card's prose in English and French, one entry per sentence or table header; figures are
# filled in by ``str.format`` and written with the language's decimal mark (see ``_n``).
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "candidate_header": "| candidate | ROC AUC | Brier | ECE | OOF sensitivity | OOF "
        "specificity | referred | calibrated (folds) |",
        "champion_mark": " **(champion)**",
        "procedure_name": "**{name}** (the procedure)",
        "rule": "Rule (`PREFER_SIMPLER`): {rule} The criterion is the specificity at each "
        "candidate's own operating point on the part's cross-fitted (inner) scores.",
        "selection": "On all cases: highest specificity `{best}`; tied with it: {tied}; champion "
        "`{winner}` (specificity difference with the best {mean} [{low}, {high}]). Selected "
        "over the {parts} outer training parts: {counts}.",
        "none_missed": "None: every malignant case was at or above the threshold in every repeat.",
        "missed_header": "| UCI id | missed (repeats) | OOF probability: median [min, max] | "
        "zone per repeat |",
        "zones_legend": "Zones: B benign, I indeterminate, M malignant, one letter per repeat "
        "(`missed_malignant_oof.csv` in the run has every probability).",
        "reliability_header": "| predicted | cases x repeats | mean predicted | observed "
        "malignant |",
        "title_version": "version {version}",
        "title_refused": "not registered (promise not kept)",
        "title_quick": " (quick demo run)",
        "dirty": " (dirty: {dirty})",
        "demo_warning": "**Demo model (`pinkbreast train --quick`): it does not keep its promise "
        "out of fold — {shortfalls}. Run the full `pinkbreast train` before any use beyond a "
        "demonstration.**",
        "title": "# Pink Breast model card — `pinkbreast` {title}",
        "generated": "Generated {when} UTC by `pinkbreast train` (MLflow run `{run}`); package "
        "commit `{commit}`{dirty}; {python}; data sha256 `{fingerprint}`.",
        "use_heading": "## Intended use",
        "use": "Decision support for fine-needle-aspirate (FNA) cytology of breast masses: it "
        "estimates the probability that the sampled mass is malignant from the 30 nuclear "
        "features measured on the digitised slide (WDBC / Xcyt definitions). **It is not a "
        "diagnosis.** A clinician interprets the result with the whole clinical picture; an "
        "*indeterminate* result means *refer for further work-up*.",
        "data_heading": "## Data",
        "data": "{n} cases ({m} malignant, {b} benign) from the Wisconsin Diagnostic Breast "
        "Cancer data set (UCI), one row per patient.",
        "how_heading": "## How the numbers were obtained",
        "how": "Fully nested, repeated, stratified cross-validation: {repeats} repeats x {folds} "
        "outer folds. Inside every outer training part, for every candidate, an inner "
        "{inner}-fold loop tunes the hyper-parameters (Brier score); its cross-fitted "
        "probabilities set the threshold and the band (conformal quantiles), the Platt "
        "calibrator and whether to serve it; then one candidate is selected from those inner "
        "figures alone. The outer test part scores the selected candidate: the *procedure* row "
        "below is the whole procedure, selection included, and the figures quoted for the "
        "champion are the procedure's. Intervals: {interval}, unless marked Clopper–Pearson. "
        "*OOF* values pool every outer test fold.",
        "champion_heading": "## Champion: `{winner}`",
        "oof_intro": "Out-of-fold figures of the procedure that produced it:",
        "ece": "- ECE (10 equal-width bins, pooled OOF): {ece}",
        "served_calibrated": "- Served: Platt-calibrated probabilities (decided on the inner "
        "folds of all cases).",
        "served_uncalibrated": "- Served: uncalibrated probabilities (decided on the inner folds "
        "of all cases).",
        "promise_heading": "## Operating point and three zones: the promise, checked out of fold",
        "served_point": "Served threshold {threshold}, indeterminate band [{lower}, {upper}].",
        "sensitivity": "- Sensitivity at the threshold: {text} (Clopper–Pearson 95%); target "
        "{target}.",
        "benign_zone": "- Malignant cases in the definite benign zone: {text} (Clopper–Pearson "
        "95%); promised at most {limit} (benign-zone coverage {coverage}).",
        "referred": "- Referred (indeterminate): {referred} of cases; on the others sensitivity "
        "{sens}, specificity {spec}. Specificity at the threshold {spec_t}.",
        "cp_note": "- Clopper–Pearson intervals count each case once: n = malignant cases, with "
        "the average count per repeat.",
        "calibration_heading": "## Calibration where decisions are made",
        "calibration": "Out-of-fold probabilities between {low} and {high} (all repeats pooled; "
        "figure `{figure}` in the MLflow run):",
        "missed_heading": "## Malignant cases missed out of fold",
        "missed": "Malignant cases below the threshold in at least one repeat (out-of-fold "
        "probability of the candidate selected in that fold; never in-sample scores):",
        "limits_heading": "## Limitations",
    },
    "fr": {
        "candidate_header": "| candidat | AUC ROC | Brier | ECE | sensibilité OOF | "
        "spécificité OOF | adressés | calibré (plis) |",
        "champion_mark": " **(champion)**",
        "procedure_name": "**{name}** (la procédure)",
        "rule": "Règle (`PREFER_SIMPLER`) : {rule} Le critère est la spécificité au point de "
        "fonctionnement propre à chaque candidat, sur les scores croisés (internes) de la partie.",
        "selection": "Sur tous les cas : meilleure spécificité `{best}` ; à égalité avec lui : "
        "{tied} ; champion `{winner}` (écart de spécificité avec le meilleur {mean} [{low}, "
        "{high}]). Choisi sur les {parts} parties d’apprentissage externes : {counts}.",
        "none_missed": "Aucun : chaque cas malin était au seuil ou au-dessus à chaque répétition.",
        "missed_header": "| id UCI | manqué (répétitions) | probabilité OOF : médiane [min, max] "
        "| zone par répétition |",
        "zones_legend": "Zones : B bénin, I indéterminé, M malin, une lettre par répétition "
        "(`missed_malignant_oof.csv` dans l’exécution donne chaque probabilité).",
        "reliability_header": "| prédit | cas x répétitions | moyenne prédite | malins observés |",
        "title_version": "version {version}",
        "title_refused": "non enregistré (promesse non tenue)",
        "title_quick": " (exécution rapide de démonstration)",
        "dirty": " (modifié : {dirty})",
        "demo_warning": "**Modèle de démonstration (`pinkbreast train --quick`) : il ne tient pas "
        "sa promesse hors pli — {shortfalls}. Lancez le `pinkbreast train` complet avant tout "
        "usage au-delà d’une démonstration.**",
        "title": "# Fiche du modèle Pink Breast — `pinkbreast` {title}",
        "generated": "Produite le {when} UTC par `pinkbreast train` (exécution MLflow `{run}`) ; "
        "commit du paquet `{commit}`{dirty} ; {python} ; sha256 des données `{fingerprint}`.",
        "use_heading": "## Usage prévu",
        "use": "Aide à la décision pour la cytoponction (FNA) des masses du sein : il estime la "
        "probabilité que la masse prélevée soit maligne à partir des 30 caractéristiques "
        "nucléaires mesurées sur la lame numérisée (définitions WDBC / Xcyt). **Ce n’est pas un "
        "diagnostic.** Un clinicien interprète le résultat avec l’ensemble du tableau clinique ; "
        "un résultat *indéterminé* signifie *adresser pour un bilan complémentaire*.",
        "data_heading": "## Données",
        "data": "{n} cas ({m} malins, {b} bénins) du jeu Wisconsin Diagnostic Breast Cancer "
        "(UCI), une ligne par patiente.",
        "how_heading": "## Comment les chiffres ont été obtenus",
        "how": "Validation croisée entièrement imbriquée, répétée et stratifiée : {repeats} "
        "répétitions x {folds} plis externes. Dans chaque partie d’apprentissage externe, pour "
        "chaque candidat, une boucle interne à {inner} plis règle les hyperparamètres (score de "
        "Brier) ; ses probabilités croisées fixent le seuil et la bande (quantiles conformes), "
        "le calibrateur de Platt et le choix de le servir ; puis un candidat est choisi sur ces "
        "seuls chiffres internes. La partie de test externe évalue le candidat choisi : la ligne "
        "*procédure* ci-dessous est la procédure entière, sélection comprise, et les chiffres "
        "donnés pour le champion sont ceux de la procédure. Intervalles : {interval}, sauf "
        "mention Clopper–Pearson. Les valeurs *OOF* regroupent tous les plis de test externes.",
        "champion_heading": "## Champion : `{winner}`",
        "oof_intro": "Chiffres hors pli de la procédure qui l’a produit :",
        "ece": "- ECE (10 classes de même largeur, OOF regroupé) : {ece}",
        "served_calibrated": "- Servi : probabilités calibrées par Platt (décidé sur les plis "
        "internes de tous les cas).",
        "served_uncalibrated": "- Servi : probabilités non calibrées (décidé sur les plis internes "
        "de tous les cas).",
        "promise_heading": "## Point de fonctionnement et trois zones : la promesse, vérifiée hors "
        "pli",
        "served_point": "Seuil servi {threshold}, bande indéterminée [{lower} ; {upper}].",
        "sensitivity": "- Sensibilité au seuil : {text} (Clopper–Pearson 95 %) ; cible {target}.",
        "benign_zone": "- Cas malins dans la zone bénigne : {text} (Clopper–Pearson 95 %) ; "
        "promis au plus {limit} (couverture de la zone bénigne {coverage}).",
        "referred": "- Adressés (indéterminés) : {referred} des cas ; sur les autres, sensibilité "
        "{sens}, spécificité {spec}. Spécificité au seuil {spec_t}.",
        "cp_note": "- Les intervalles de Clopper–Pearson comptent chaque cas une fois : n = cas "
        "malins, avec le nombre moyen par répétition.",
        "calibration_heading": "## Calibration là où les décisions se prennent",
        "calibration": "Probabilités hors pli entre {low} et {high} (toutes répétitions "
        "regroupées ; figure `{figure}` dans l’exécution MLflow) :",
        "missed_heading": "## Cas malins manqués hors pli",
        "missed": "Cas malins sous le seuil dans au moins une répétition (probabilité hors pli "
        "du candidat choisi dans ce pli ; jamais de scores sur l’échantillon d’apprentissage) :",
        "limits_heading": "## Limites",
    },
}
# The "limits" section, one bullet line per entry, in each language of TEXT.
LIMITS: dict[str, tuple[str, ...]] = {
    "en": (
        "- One centre, 569 cases collected in the early 1990s; no external validation.",
        "- 37% of these cases are malignant; predictive values will differ where prevalence does.",
        "- Values must come from the same image-analysis definitions; rescaled inputs (0-1, "
        "z-scores) are meaningless.",
        "- The conformal cuts assume new cases resemble the training cases "
        "(exchangeability); the inner models see 1 - 1/k of the data the served model sees.",
    ),
    "fr": (
        "- Un seul centre, 569 cas recueillis au début des années 1990 ; aucune validation "
        "externe.",
        "- 37 % de ces cas sont malins ; les valeurs prédictives seront différentes là où la "
        "prévalence l’est.",
        "- Les valeurs doivent suivre les mêmes définitions d’analyse d’image ; des valeurs "
        "transformées (0-1, scores z) n’ont pas de sens.",
        "- Les coupures conformes supposent que les nouveaux cas ressemblent aux cas "
        "d’apprentissage (échangeabilité) ; les modèles internes voient 1 - 1/k des données "
        "que voit le modèle servi.",
    ),
}
LANGUAGES = tuple(TEXT)


def _n(value: float, spec: str, lang: str) -> str:
    """``format(value, spec)`` with the language's decimal mark (and "%" spaced in French)."""
    text = format(value, spec)
    if lang == "fr":
        text = text.replace(".", ",").replace("%", "\u202f%")
    return text


def _ci(summary: Mapping[str, tuple[float, float, float]], key: str, lang: str = "en") -> str:
    mean, low, high = summary[key]
    return f"{_n(mean, '.3f', lang)} [{_n(low, '.3f', lang)}, {_n(high, '.3f', lang)}]"


def _table(comparison: Comparison, lang: str = "en") -> list[str]:
    t = TEXT[lang]
    lines = [t["candidate_header"], "|---|---|---|---|---|---|---|---|"]
    for r in [*comparison.results, comparison.procedure]:
        mark = t["champion_mark"] if r.name == comparison.winner else ""
        is_procedure = r is comparison.procedure
        name = t["procedure_name"].format(name=r.name) if is_procedure else r.name + mark
        lines.append(
            f"| {name} | {_ci(r.summary, 'roc_auc', lang)} | {_ci(r.summary, 'brier', lang)} "
            f"| {_n(r.pooled['ece'], '.3f', lang)} | {_n(r.pooled['sensitivity'], '.3f', lang)} "
            f"| {_n(r.pooled['specificity'], '.3f', lang)} "
            f"| {_n(r.pooled['indeterminate_share'], '.1%', lang)} "
            f"| {_n(r.calibrated_share, '.0%', lang)} |"
        )
    return lines


def _selection(comparison: Comparison, lang: str = "en") -> list[str]:
    t = TEXT[lang]
    final = comparison.final
    tied = ", ".join(f"`{name}`" for name in final.tied)
    counts = ", ".join(f"`{n}` {k}" for n, k in comparison.selected_counts().most_common())
    mean, low, high = final.differences[final.winner]
    return [
        t["rule"].format(rule=PREFER_SIMPLER),
        t["selection"].format(
            best=final.best,
            tied=tied,
            winner=final.winner,
            mean=_n(mean, "+.3f", lang),
            low=_n(low, "+.3f", lang),
            high=_n(high, "+.3f", lang),
            parts=len(comparison.choices),
            counts=counts,
        ),
    ]


def _missed(comparison: Comparison, lang: str = "en") -> list[str]:
    t = TEXT[lang]
    missed = comparison.missed_cases()
    repeats = comparison.config.repeats
    if missed.empty:
        return [t["none_missed"]]
    lines = [t["missed_header"], "|---|---|---|---|"]
    for row in missed.itertuples(index=False):
        values = row._asdict()
        p = np.array([values[f"p{r + 1}"] for r in range(repeats)])
        zones = "".join(_ZONE_LETTER[values[f"zone{r + 1}"]] for r in range(repeats))
        lines.append(
            f"| {row.id} | {row.missed}/{repeats} | {_n(np.median(p), '.3f', lang)} "
            f"[{_n(p.min(), '.3f', lang)}, {_n(p.max(), '.3f', lang)}] | {zones} |"
        )
    return [*lines, "", t["zones_legend"]]


def _reliability(bins: pd.DataFrame, lang: str = "en") -> list[str]:
    lines = [TEXT[lang]["reliability_header"], "|---|---|---|---|"]
    for row in bins.itertuples(index=False):
        shown = (
            f"{_n(row.mean_predicted, '.3f', lang)} | {_n(row.observed, '.3f', lang)}"
            if row.count
            else "— | —"
        )
        lines.append(
            f"| {_n(row.low, '.2f', lang)}–{_n(row.high, '.2f', lang)} | {row.count} | {shown} |"
        )
    return lines


def render(
    comparison: Comparison,
    *,
    document: Mapping[str, Any],
    version: str | None,
    provenance: Mapping[str, str],
    promise: Promise,
    calibration: pd.DataFrame,
    run_id: str,
    quick: bool = False,
    lang: str = "en",
) -> str:
    """Markdown text of the card for registered ``version`` (None: registration refused), in
    ``lang`` (``en`` or ``fr``; the same figures, each language's decimal mark)."""
    t = TEXT[lang]
    config, procedure = comparison.config, comparison.procedure
    protocol = config.protocol
    n, n_m = len(comparison.y), int(comparison.y.sum())
    pooled = procedure.pooled
    title = t["title_version"].format(version=version) if version else t["title_refused"]
    title += t["title_quick"] if quick else ""
    dirty = (
        ""
        if provenance["git_dirty"] == "false"
        else t["dirty"].format(dirty=provenance["git_dirty"])
    )
    shortfalls = promise.shortfalls()
    warning = []
    if shortfalls and quick:
        warning = [t["demo_warning"].format(shortfalls=_localised("; ".join(shortfalls), lang)), ""]
    served = t["served_calibrated"] if document["calibration"] else t["served_uncalibrated"]
    lines = [
        t["title"].format(title=title),
        "",
        *warning,
        t["generated"].format(
            when=f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
            run=run_id,
            commit=provenance["git_commit"],
            dirty=dirty,
            python=provenance["python"],
            fingerprint=provenance["fingerprint"],
        ),
        "",
        t["use_heading"],
        t["use"],
        "",
        t["data_heading"],
        t["data"].format(n=n, m=n_m, b=n - n_m),
        "",
        t["how_heading"],
        t["how"].format(
            repeats=config.repeats,
            folds=config.folds,
            inner=protocol.inner_folds,
            interval=INTERVAL,
        ),  # fmt: skip
        "",
        *_selection(comparison, lang),
        "",
        *_table(comparison, lang),
        "",
        t["champion_heading"].format(winner=comparison.winner),
        comparison.result(comparison.winner).description,
        "",
        t["oof_intro"],
        "",
        *[f"- {key}: {_ci(procedure.summary, key, lang)}" for key in _SHOWN],
        t["ece"].format(ece=_n(pooled["ece"], ".4f", lang)),
        served,
        "",
        t["promise_heading"],
        t["served_point"].format(
            threshold=_n(document["threshold"], ".4f", lang),
            lower=_n(document["lower"], ".4f", lang),
            upper=_n(document["upper"], ".4f", lang),
        ),
        "",
        t["sensitivity"].format(
            text=_localised(promise.sensitivity.text(), lang),
            target=_n(promise.target_sensitivity, "g", lang),
        ),
        t["benign_zone"].format(
            text=_localised(promise.benign_zone.text(), lang),
            limit=_n(promise.benign_zone_limit, ".3f", lang),
            coverage=_n(promise.benign_coverage, "g", lang),
        ),
        t["referred"].format(
            referred=_n(promise.referred, ".1%", lang),
            sens=_n(pooled["definite_sensitivity"], ".3f", lang),
            spec=_n(pooled["definite_specificity"], ".3f", lang),
            spec_t=_n(pooled["specificity"], ".3f", lang),
        ),
        t["cp_note"],
        "",
        t["calibration_heading"],
        t["calibration"].format(
            low=_n(calibration["low"].min(), "g", lang),
            high=_n(calibration["high"].max(), "g", lang),
            figure=DECISION_FIGURE,
        ),
        "",
        *_reliability(calibration, lang),
        "",
        t["missed_heading"],
        t["missed"],
        "",
        *_missed(comparison, lang),
        "",
        t["limits_heading"],
        *LIMITS[lang],
    ]
    return "\n".join(lines) + "\n"


def _localised(text: str, lang: str) -> str:
    """A figure already written in English ("0.981 [0.952, 0.995] (n = 212)") with the
    language's decimal mark."""
    if lang != "fr":
        return text
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)
