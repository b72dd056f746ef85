"""Image provenance of predictions measured from an image: ``prediction_images``.

One row per prediction whose 30 values were measured on an image by ``pinkbreast.imaging``:
the image's SHA-256 and name (the file itself is kept in the instance folder's ``images/``),
the accepted nuclei's contours (JSON), the pixel size and the measuring code's version.

Revision ID: i20_01_image_provenance
Revises: i21_01_site_cases
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "i20_01_image_provenance"
down_revision: str | None = "i21_01_site_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Microseconds on every backend (MySQL/MariaDB DATETIME defaults to whole seconds).
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "prediction_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prediction_id", sa.Integer(), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=False),
        sa.Column("image_name", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("pixel_size_um", sa.Double(), nullable=False),
        sa.Column("method_version", sa.String(length=16), nullable=False),
        sa.Column("code_version", sa.String(length=32), nullable=False),
        sa.Column("nuclei", sa.Integer(), nullable=False),
        sa.Column("contours", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["prediction_id"], ["predictions.id"],
                                name=op.f("fk_prediction_images_prediction_id_predictions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_images")),
        sa.UniqueConstraint("prediction_id", name=op.f("uq_prediction_images_prediction_id")),
    )  # fmt: skip
    with op.batch_alter_table("prediction_images") as batch:
        batch.create_index(
            batch.f("ix_prediction_images_image_sha256"), ["image_sha256"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("prediction_images") as batch:
        batch.drop_index(batch.f("ix_prediction_images_image_sha256"))
    op.drop_table("prediction_images")
