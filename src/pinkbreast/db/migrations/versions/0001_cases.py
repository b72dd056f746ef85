"""Create the cases table: reference/training samples with their confirmed diagnosis.

Revision ID: 0001_cases
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# Microseconds on every backend (MySQL/MariaDB DATETIME defaults to whole seconds).
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0001_cases"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("diagnosis", sa.String(length=1), nullable=False),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.Column("radius_mean", sa.Double(), nullable=False),
        sa.Column("texture_mean", sa.Double(), nullable=False),
        sa.Column("perimeter_mean", sa.Double(), nullable=False),
        sa.Column("area_mean", sa.Double(), nullable=False),
        sa.Column("smoothness_mean", sa.Double(), nullable=False),
        sa.Column("compactness_mean", sa.Double(), nullable=False),
        sa.Column("concavity_mean", sa.Double(), nullable=False),
        sa.Column("concave_points_mean", sa.Double(), nullable=False),
        sa.Column("symmetry_mean", sa.Double(), nullable=False),
        sa.Column("fractal_dimension_mean", sa.Double(), nullable=False),
        sa.Column("radius_se", sa.Double(), nullable=False),
        sa.Column("texture_se", sa.Double(), nullable=False),
        sa.Column("perimeter_se", sa.Double(), nullable=False),
        sa.Column("area_se", sa.Double(), nullable=False),
        sa.Column("smoothness_se", sa.Double(), nullable=False),
        sa.Column("compactness_se", sa.Double(), nullable=False),
        sa.Column("concavity_se", sa.Double(), nullable=False),
        sa.Column("concave_points_se", sa.Double(), nullable=False),
        sa.Column("symmetry_se", sa.Double(), nullable=False),
        sa.Column("fractal_dimension_se", sa.Double(), nullable=False),
        sa.Column("radius_worst", sa.Double(), nullable=False),
        sa.Column("texture_worst", sa.Double(), nullable=False),
        sa.Column("perimeter_worst", sa.Double(), nullable=False),
        sa.Column("area_worst", sa.Double(), nullable=False),
        sa.Column("smoothness_worst", sa.Double(), nullable=False),
        sa.Column("compactness_worst", sa.Double(), nullable=False),
        sa.Column("concavity_worst", sa.Double(), nullable=False),
        sa.Column("concave_points_worst", sa.Double(), nullable=False),
        sa.Column("symmetry_worst", sa.Double(), nullable=False),
        sa.Column("fractal_dimension_worst", sa.Double(), nullable=False),
        sa.CheckConstraint("diagnosis IN ('M', 'B')", name=op.f("ck_cases_diagnosis")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )


def downgrade() -> None:
    op.drop_table("cases")
