"""Typed SQLAlchemy models. Tables are created by Alembic migrations, never by ``create_all``."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pinkbreast.features import FEATURES

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Case(Base):
    """A reference/training sample with its confirmed diagnosis (the original's breast_cancer)."""

    __tablename__ = "cases"
    __table_args__ = (sa.CheckConstraint("diagnosis IN ('M', 'B')", name="diagnosis"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(255))
    diagnosis: Mapped[str] = mapped_column(sa.String(1))
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def feature_values(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in FEATURES}


# The 30 feature columns come from the one schema (DOUBLE: MySQL's FLOAT would lose digits).
for _feature in FEATURES:
    setattr(Case, _feature.name, mapped_column(sa.Double, nullable=False))
