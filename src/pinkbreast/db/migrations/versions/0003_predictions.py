"""Create predictions (scored samples with their inputs) and outcomes (confirmed diagnoses).

Revision ID: 0003_predictions
Revises: 0002_accounts
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# Microseconds on every backend (MySQL/MariaDB DATETIME defaults to whole seconds).
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0003_predictions"
down_revision: str | None = "0002_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("sample_ref", sa.String(length=64), nullable=True),
        sa.Column("sample_date", sa.Date(), nullable=True),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("zone", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Double(), nullable=False),
        sa.Column("band_lower", sa.Double(), nullable=False),
        sa.Column("band_upper", sa.Double(), nullable=False),
        sa.Column("warnings", sa.String(length=1024), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
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
        sa.CheckConstraint(
            "zone IN ('malignant', 'indeterminate', 'benign')", name=op.f("ck_predictions_zone")
        ),
        sa.CheckConstraint(
            "source IN ('form', 'batch', 'api')", name=op.f("ck_predictions_source")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_predictions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictions")),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_predictions_idempotency"),
    )
    with op.batch_alter_table("predictions") as batch:
        for column in ("user_id", "created_at", "batch_id", "sample_ref", "model_version", "zone"):
            batch.create_index(batch.f(f"ix_predictions_{column}"), [column])
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prediction_id", sa.Integer(), nullable=False),
        sa.Column("diagnosis", sa.String(length=1), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("diagnosis IN ('M', 'B')", name=op.f("ck_outcomes_diagnosis")),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["predictions.id"],
            name=op.f("fk_outcomes_prediction_id_predictions"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_outcomes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
    )
    with op.batch_alter_table("outcomes") as batch:
        batch.create_index(batch.f("ix_outcomes_prediction_id"), ["prediction_id"])


def downgrade() -> None:
    op.drop_table("outcomes")
    op.drop_table("predictions")
