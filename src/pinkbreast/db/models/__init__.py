"""Typed SQLAlchemy models, one module per area. Tables are created by Alembic migrations.

Importing this package registers every table on ``Base.metadata`` (Alembic compares it with
the migrations), and re-exports the models: ``from pinkbreast.db.models import User``.
"""

from pinkbreast.db.models.accounts import ROLES, STATUSES, AuditEvent, LoginFailure, User
from pinkbreast.db.models.api_tokens import ApiRateWindow, ApiToken
from pinkbreast.db.models.base import Base, as_utc, utcnow
from pinkbreast.db.models.cases import Case
from pinkbreast.db.models.clinical import (
    SOURCES,
    NewPrediction,
    Outcome,
    PredictionReading,
    PredictionRecord,
)
from pinkbreast.db.models.images import ImageProvenance
from pinkbreast.db.models.monitoring import Alert
from pinkbreast.db.models.promotions import ModelPromotion
from pinkbreast.db.models.training import TrainingJob

__all__ = [
    "ROLES",
    "SOURCES",
    "STATUSES",
    "Alert",
    "ApiRateWindow",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Case",
    "ImageProvenance",
    "LoginFailure",
    "ModelPromotion",
    "Outcome",
    "NewPrediction",
    "PredictionReading",
    "PredictionRecord",
    "TrainingJob",
    "User",
    "as_utc",
    "utcnow",
]
