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
