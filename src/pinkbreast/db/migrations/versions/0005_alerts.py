"""Create alerts: monitoring alerts, at most one open per kind.

Revision ID: 0005_alerts
Revises: 0004_api_tokens
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# Microseconds on every backend (MySQL/MariaDB DATETIME defaults to whole seconds).
TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0005_alerts"
down_revision: str | None = "0004_api_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("open_key", sa.String(length=32), nullable=True),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("opened_figures", sa.Text(), nullable=False),
        sa.Column("resolved_figures", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("open_key", name=op.f("uq_alerts_open_key")),
    )
    with op.batch_alter_table("alerts") as batch:
        batch.create_index(batch.f("ix_alerts_kind"), ["kind"])


def downgrade() -> None:
    op.drop_table("alerts")
