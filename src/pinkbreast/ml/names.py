"""Names shared by the model, the database and the web app, in a module that imports nothing."""

MODEL_NAME = "pinkbreast"
ALIAS = "champion"
# The end of a model card cut to fit MLflow's description column (the whole card is the
# training run's model_card.md artifact).
CARD_CONTINUES = "*The card continues in the training run's artifact `model_card.md`.*\n"

# The zones a served answer can fall in. ``check_input``: the input guard found the sample
# unlike the reference cases (see pinkbreast.ml.fastpath.guard) — no malignant/benign answer.
MALIGNANT, INDETERMINATE, BENIGN, CHECK_INPUT = (
    "malignant",
    "indeterminate",
    "benign",
    "check_input",
)
ZONES = (MALIGNANT, INDETERMINATE, BENIGN, CHECK_INPUT)
DEFINITE_ZONES = (MALIGNANT, BENIGN)

# Where a labelled case (the ``cases`` table) comes from: the reference data (WDBC and files
# imported as such), or the site's own confirmed predictions, by how they were entered.
REFERENCE, TYPED, IMPORTED, API_ORIGIN, IMAGE = "reference", "typed", "imported", "api", "image"
ORIGINS = (REFERENCE, TYPED, IMPORTED, API_ORIGIN, IMAGE)
SITE_ORIGINS = ORIGINS[1:]
# A prediction's ``source`` -> the origin of the case adopted from it.
ORIGIN_OF_SOURCE = {"form": TYPED, "batch": IMPORTED, "api": API_ORIGIN, "image": IMAGE}
CHALLENGER = "challenger"


def card_artifact(lang: str = "en") -> str:
    """The training run's artifact holding the model card in ``lang``: ``model_card.md``
    (English, the one the registered description copies) or ``model_card.fr.md``."""
    return "model_card.md" if lang == "en" else f"model_card.{lang}.md"
