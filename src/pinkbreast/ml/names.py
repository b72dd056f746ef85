"""Names shared by the model, the database and the web app, in a module that imports nothing."""

MODEL_NAME = "pinkbreast"
ALIAS = "champion"

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
