"""Names shared by the model, the database and the web app (the domain's words come from
:mod:`pinkbreast.vocabulary`)."""

# The zones, origins and sources are the vocabulary's (pinkbreast.vocabulary), re-exported here
# for the ML code that has always found them in this module.
from pinkbreast.vocabulary import (  # noqa: F401
    API_ORIGIN,
    BENIGN,
    CHECK_INPUT,
    DEFINITE_ZONES,
    IMAGE,
    IMPORTED,
    INDETERMINATE,
    MALIGNANT,
    ORIGIN_OF_SOURCE,
    ORIGINS,
    REFERENCE,
    SITE_ORIGINS,
    TYPED,
    ZONES,
)

MODEL_NAME = "pinkbreast"
ALIAS = "champion"
# The end of a model card cut to fit MLflow's description column (the whole card is the
# training run's model_card.md artifact).
CARD_CONTINUES = "*The card continues in the training run's artifact `model_card.md`.*\n"

CHALLENGER = "challenger"


def card_artifact(lang: str = "en") -> str:
    """The training run's artifact holding the model card in ``lang``: ``model_card.md``
    (English, the one the registered description copies) or ``model_card.fr.md``."""
    return "model_card.md" if lang == "en" else f"model_card.{lang}.md"
