"""Reference/training cases (the original project's ``breast_cancer`` table)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow
from pinkbreast.features import FEATURES


class Case(Base):
    """A reference/training sample with its confirmed diagnosis (the original's breast_cancer)."""

    __tablename__ = "cases"
    __table_args__ = (sa.CheckConstraint("diagnosis IN ('M', 'B')", name="diagnosis"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(255))
    diagnosis: Mapped[str] = mapped_column(sa.String(1))
    imported_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    def feature_values(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in FEATURES}


# The 30 feature columns come from the one schema (DOUBLE: MySQL's FLOAT would lose digits).
for _feature in FEATURES:
    setattr(Case, _feature.name, mapped_column(sa.Double, nullable=False))
