"""Create api_rate_windows: the API rate limit's counters, shared by every instance.

Revision ID: 0006_api_rate_windows
Revises: 0005_alerts
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_api_rate_windows"
down_revision: str | None = "0005_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_rate_windows",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "slot", name=op.f("pk_api_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("api_rate_windows")
