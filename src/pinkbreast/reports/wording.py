"""The report's words in English and French.

A dictionary, not the Flask-Babel catalogue: the ``pinkbreast report`` command renders reports
without an application or a request. Sentences shared with the result page are the same text
as its French catalogue.
"""

from __future__ import annotations

from datetime import date, datetime

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Breast FNA cytology — decision-support report",
        "sample": "Sample reference",
        "sample_date": "Sample date",
        "prediction": "Prediction",
        "requested": "Requested by {user} on {when}",
        "source": "Entered through",
        "source.form": "the web form",
        "source.batch": "a batch file",
        "source.api": "the API",
        "probability": "Probability of malignancy",
        "zone": "Zone",
        "zone.malignant": "▲ Malignant",
        "zone.indeterminate": "◆ Indeterminate — refer",
        "zone.benign": "● Benign",
        "zone.check_input": "■ Indeterminate — check the input",
        "zone_note.check_input": "No answer: these values are unlike every case the model learnt "
        "from (values rescaled, standardised, in another unit or swapped?). The probability is an "
        "extrapolation, not a result: check the input.",
        "zone_note.indeterminate": "The model is not sure about this sample: refer for further "
        "work-up (core biopsy, multidisciplinary review).",
        "zone_note.benign": "A benign estimate never rules out cancer on its own: correlate with "
        "imaging and clinical findings.",
        "zone_note.malignant": "",
        "operating": "Operating point: threshold {threshold}; indeterminate band {lower} to "
        "{upper}.",
        "model": "Model pinkbreast version {version} · software Pink Breast {software}",
        "image_notice": "Measured from an image by Pink Breast (SHA-256 {sha}…), not by Xcyt, "
        "the software the model was trained on: another microscope, stain, camera, scale or "
        "program may shift the values. Until this site's own confirmed image-derived cases show "
        "adequate performance, read the result with that in mind.",
        "image_validated": "Measured from an image by Pink Breast (SHA-256 {sha}…), not by Xcyt, "
        "the software the model was trained on; this site's own confirmed image-derived cases "
        "support this model version on such measurements.",
        "why": "What drove this estimate",
        "why_note": "SHAP contributions in percentage points of probability, from the estimate "
        "for the reference cases' average ({base}). Solid bars push towards malignant, "
        "hatched bars towards benign.",
        "why_method": "Method: {method}.",
        "why_none": "No explanation was computed for this prediction.",
        "towards_benign": "← benign",
        "towards_malignant": "malignant →",
        "points": "points",
        "outcome": "Confirmed outcome",
        "outcome.M": "Malignant",
        "outcome.B": "Benign",
        "outcome_line": "{diagnosis}, confirmed on {date}, recorded by {user} on {when}.",
        "outcome_none": "Awaiting the histopathology result.",
        "measurements": "Measurements (30 WDBC features) and reference ranges",
        "measurements_note": "Reference range: the values observed in the 569 WDBC cases; a value "
        "outside it is flagged, and the estimate is less reliable. WDBC documents no units.",
        "measurement": "Measurement",
        "value": "Value",
        "range": "Reference range",
        "flag": "Flag",
        "flag.low": "↓ below",
        "flag.high": "↑ above",
        "disclaimer": "Decision support only: this estimate does not make a diagnosis. It must be "
        "interpreted by a qualified clinician with the full cytological, radiological and "
        "clinical picture; the final diagnosis rests on histopathology.",
        "footer_page": "Page {page} of {pages}",
        "footer_hash": "Content SHA-256 {digest}",
        "footer_generated": "Generated {when} · Pink Breast {software}",
        "amended": "Amended report: a confirmed outcome was added after the first report.",
    },
    "fr": {
        "title": "Cytoponction mammaire — compte rendu d’aide à la décision",
        "sample": "Référence de l’échantillon",
        "sample_date": "Date du prélèvement",
        "prediction": "Prédiction",
        "requested": "Demandée par {user} le {when}",
        "source": "Saisie par",
        "source.form": "le formulaire web",
        "source.batch": "un fichier de lot",
        "source.api": "l’API",
        "probability": "Probabilité de malignité",
        "zone": "Zone",
        "zone.malignant": "▲ Malin",
        "zone.indeterminate": "◆ Indéterminé — à adresser",
        "zone.benign": "● Bénin",
        "zone.check_input": "■ Indéterminé — vérifier la saisie",
        "zone_note.check_input": "Pas de réponse : ces valeurs ne ressemblent à aucun des cas sur "
        "lesquels le modèle a appris (valeurs normalisées, standardisées, dans une autre unité ou "
        "interverties ?). La probabilité est une extrapolation, pas un résultat : vérifiez la "
        "saisie.",
        "zone_note.indeterminate": "Le modèle n’est pas sûr pour cet échantillon : adressez pour "
        "un bilan complémentaire (microbiopsie, réunion de concertation pluridisciplinaire).",
        "zone_note.benign": "Une estimation bénigne n’exclut jamais à elle seule un cancer : "
        "confrontez-la à l’imagerie et à la clinique.",
        "zone_note.malignant": "",
        "operating": "Point de fonctionnement : seuil {threshold} ; zone indéterminée de {lower} "
        "à {upper}.",
        "model": "Modèle pinkbreast version {version} · logiciel Pink Breast {software}",
        "image_notice": "Mesuré sur une image par Pink Breast (SHA-256 {sha}…), et non par Xcyt, "
        "le logiciel des données d’apprentissage du modèle : un autre microscope, une autre "
        "coloration, caméra, échelle ou un autre programme peuvent décaler les valeurs. Tant que "
        "les cas confirmés de ce site mesurés sur image n’ont pas montré une performance "
        "suffisante, lisez le résultat avec cette réserve.",
        "image_validated": "Mesuré sur une image par Pink Breast (SHA-256 {sha}…), et non par "
        "Xcyt, le logiciel des données d’apprentissage du modèle ; les cas confirmés de ce site "
        "mesurés sur image confirment cette version du modèle sur de telles mesures.",
        "why": "Ce qui a conduit à cette estimation",
        "why_note": "Contributions SHAP en points de pourcentage de probabilité, à partir de "
        "l’estimation pour la moyenne des cas de référence ({base}). Barres pleines : vers malin ; "
        "barres hachurées : vers bénin.",
        "why_method": "Méthode : {method}.",
        "why_none": "Aucune explication n’a été calculée pour cette prédiction.",
        "towards_benign": "← bénin",
        "towards_malignant": "malin →",
        "points": "points",
        "outcome": "Diagnostic confirmé",
        "outcome.M": "Malin",
        "outcome.B": "Bénin",
        "outcome_line": "{diagnosis}, confirmé le {date}, saisi par {user} le {when}.",
        "outcome_none": "En attente du résultat histopathologique.",
        "measurements": "Mesures (30 caractéristiques WDBC) et plages de référence",
        "measurements_note": "Plage de référence : les valeurs observées dans les 569 cas WDBC ; "
        "une valeur en dehors est signalée, et l’estimation est moins fiable. WDBC ne documente "
        "aucune unité.",
        "measurement": "Mesure",
        "value": "Valeur",
        "range": "Plage de référence",
        "flag": "Signal",
        "flag.low": "↓ en dessous",
        "flag.high": "↑ au-dessus",
        "disclaimer": "Aide à la décision uniquement : cette estimation ne pose pas de "
        "diagnostic. Elle doit être interprétée par un clinicien qualifié avec l’ensemble du "
        "tableau cytologique, radiologique et clinique ; le diagnostic final repose sur "
        "l’histopathologie.",
        "footer_page": "Page {page} sur {pages}",
        "footer_hash": "SHA-256 du contenu {digest}",
        "footer_generated": "Généré le {when} · Pink Breast {software}",
        "amended": "Compte rendu modifié : un diagnostic confirmé a été ajouté après le premier "
        "compte rendu.",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS[lang]


def number(value: float, lang: str, spec: str = ".4g") -> str:
    text = format(value, spec)
    return text.replace(".", ",") if lang == "fr" else text


def percent(share: float, lang: str) -> str:
    """``0.973`` → ``97.3 %`` (``97,3 %`` in French)."""
    return number(100 * share, lang, ".1f") + "\u00a0%"


def probability(value: float, lang: str) -> str:
    """A probability as a percentage, never shown as a certainty (no "100.0 %" or "0.0 %")."""
    if value > 0.999:
        return "> " + percent(0.999, lang)
    if value < 0.001:
        return "< " + percent(0.001, lang)
    return percent(value, lang)


def day(value: date) -> str:
    return value.isoformat()


def moment(value: datetime) -> str:
    """An aware UTC datetime, to the minute, unambiguous in both languages."""
    return value.strftime("%Y-%m-%d %H:%M UTC")
