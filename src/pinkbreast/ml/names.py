"""Names in the MLflow registry, in a module that imports nothing (the web app reads them)."""

MODEL_NAME = "pinkbreast"
ALIAS = "champion"
