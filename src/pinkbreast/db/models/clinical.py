"""Clinical records: predictions made for a sample, and the confirmed outcomes recorded later."""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pinkbreast.db.models.accounts import User
from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.vocabulary import DIAGNOSES, SOURCES, ZONES, sql_in


class PredictionReading:
    """How a prediction reads, whether loaded (:class:`PredictionRecord`) or just written
    (:class:`NewPrediction`): the same columns as attributes, and these helpers."""

    if TYPE_CHECKING:  # the columns both read as (declared for the type checker only)
        id: int
        created_at: datetime
        source: str
        sample_ref: str | None
        sample_date: date | None
        model_version: str
        probability: float
        zone: str
        label: str | None
        batch_id: str | None
        threshold: float
        band_lower: float
        band_upper: float
        warnings: str
        explanation: str | None
        outcomes: Sequence[Outcome]

    def feature_values(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in FEATURES}

    @property
    def warning_list(self) -> list[str]:
        return [w for w in self.warnings.split(",") if w]

    @property
    def explanation_data(self) -> dict | None:
        return json.loads(self.explanation) if self.explanation else None

    @property
    def outcome(self) -> Outcome | None:
        """The current confirmed outcome (the latest recorded), if any."""
        return self.outcomes[-1] if self.outcomes else None


class PredictionRecord(PredictionReading, Base):
    """One scored sample: who, when, which model, the raw inputs and what the model said."""

    __tablename__ = "predictions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_predictions_idempotency"),
        sa.CheckConstraint(sql_in("zone", ZONES), name="zone"),
        sa.CheckConstraint(sql_in("source", SOURCES), name="source"),
    )

    # Indexed only where a query reads through it (one B-tree written per prediction each):
    # the account (newest first), the date, the batch, the idempotency key. Why not the
    # zone, the model version or the sample reference: migration i19_01.
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(sa.String(8))
    batch_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    sample_ref: Mapped[str | None] = mapped_column(sa.String(64))
    sample_date: Mapped[date | None] = mapped_column(sa.Date)
    model_version: Mapped[str] = mapped_column(sa.String(32))
    probability: Mapped[float] = mapped_column(sa.Double)
    zone: Mapped[str] = mapped_column(sa.String(16))
    label: Mapped[str | None] = mapped_column(sa.String(16))  # None: zone check_input
    threshold: Mapped[float] = mapped_column(sa.Double)
    band_lower: Mapped[float] = mapped_column(sa.Double)
    band_upper: Mapped[float] = mapped_column(sa.Double)
    warnings: Mapped[str] = mapped_column(sa.String(1024), default="")
    explanation: Mapped[str | None] = mapped_column(sa.Text)  # JSON: base value, contributions
    # made with an example button: kept, but out of monitoring and exports
    demonstration: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )

    user: Mapped[User] = relationship(lazy="joined")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="prediction", order_by="Outcome.id", lazy="selectin"
    )


for _feature in FEATURES:
    setattr(PredictionRecord, _feature.name, mapped_column(sa.Double, nullable=False))


_FEATURES_OF = operator.itemgetter(*FEATURE_NAMES)


class NewPrediction(PredictionReading):
    """A prediction just inserted: its column values (``id`` included) as plain attributes.

    Not an ORM object: SQLAlchemy instruments each of a :class:`PredictionRecord`'s 47
    attributes, and building those objects was a third of a 1,000-row API request's CPU.
    """

    outcomes: tuple = ()  # just made: no outcome yet

    def __init__(self, values: dict, explanation_data: dict | None = None) -> None:
        """``values`` (taken as they are, not copied) become the attributes; ``explanation_data``
        is what :attr:`explanation_data` would read back from the ``explanation`` column,
        given when the caller has it at hand (else the column is parsed when asked)."""
        self.__dict__ = values
        self._explanation_data = explanation_data

    def feature_values(self) -> dict[str, float]:
        return dict(zip(FEATURE_NAMES, _FEATURES_OF(self.__dict__), strict=True))

    @property
    def explanation_data(self) -> dict | None:
        if self._explanation_data is None:
            return super().explanation_data
        return self._explanation_data


class Outcome(Base):
    """A confirmed diagnosis (histopathology). Corrections add rows: the history is kept."""

    __tablename__ = "outcomes"
    __table_args__ = (sa.CheckConstraint(sql_in("diagnosis", DIAGNOSES), name="diagnosis"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    prediction_id: Mapped[int] = mapped_column(sa.ForeignKey("predictions.id"), index=True)
    diagnosis: Mapped[str] = mapped_column(sa.String(1))
    confirmed_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    prediction: Mapped[PredictionRecord] = relationship(back_populates="outcomes")
    recorded_by: Mapped[User] = relationship(lazy="joined")
