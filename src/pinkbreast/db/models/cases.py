"""Labelled cases: the reference/training data (the original project's ``breast_cancer``
table) and the site's confirmed predictions adopted as evidence, each with its provenance."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.features import FEATURES
from pinkbreast.vocabulary import DIAGNOSES, ORIGINS, REFERENCE, sql_in


class Case(Base):
    """A sample with its confirmed diagnosis. ``origin`` says where it comes from: the reference
    data, or a site prediction (typed, imported, API, image-derived) adopted with the id of the
    prediction and who confirmed its outcome (one case per prediction, enforced by the database).
    """

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(sql_in("diagnosis", DIAGNOSES), name="diagnosis"),
        sa.CheckConstraint(sql_in("origin", ORIGINS), name="origin"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(255))
    diagnosis: Mapped[str] = mapped_column(sa.String(1))
    imported_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    origin: Mapped[str] = mapped_column(
        sa.String(16), default=REFERENCE, server_default=REFERENCE, index=True
    )
    prediction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("predictions.id"), unique=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_on: Mapped[date | None] = mapped_column(sa.Date)

    def feature_values(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in FEATURES}


# The 30 feature columns come from the one schema (DOUBLE: MySQL's FLOAT would lose digits).
for _feature in FEATURES:
    setattr(Case, _feature.name, mapped_column(sa.Double, nullable=False))
