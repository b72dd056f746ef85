"""Read and move the registry's aliases (``champion``, ``challenger``) and record lineage.

Workers follow ``champion`` on their own (:func:`pinkbreast.ml.serving.champion` re-reads it
every ``RECHECK_SECONDS``): moving the alias is the whole of a promotion on the MLflow side.
"""

from __future__ import annotations

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from pinkbreast.ml.names import MODEL_NAME


def version_of(tracking_uri: str, alias: str) -> str | None:
    """The version ``alias`` names, or None when it is not set."""
    try:
        found = MlflowClient(tracking_uri=tracking_uri).get_model_version_by_alias(
            MODEL_NAME, alias
        )
    except MlflowException:
        return None
    return str(found.version)


def move(tracking_uri: str, alias: str, version: str) -> None:
    MlflowClient(tracking_uri=tracking_uri).set_registered_model_alias(MODEL_NAME, alias, version)


def tag_lineage(tracking_uri: str, version: str, tags: dict[str, str]) -> None:
    """Tags ``lineage.<key>`` on ``version`` (shown with its model card)."""
    client = MlflowClient(tracking_uri=tracking_uri)
    for key, value in tags.items():
        client.set_model_version_tag(MODEL_NAME, version, f"lineage.{key}", value[:5000])
