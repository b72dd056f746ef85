"""Predictions made with the form's example buttons are marked: ``predictions.demonstration``.

A demonstration is stored like any prediction (it is audited and can be opened again) but left
out of monitoring (recall, drift, zone counts, metrics) and of exports. Existing rows are
marked ``false``: nothing recorded before this revision told them apart.

Revision ID: i16_01_demonstration_predictions
Revises: i17_01_audit_read_ids
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i16_01_demonstration_predictions"
down_revision: str | None = "i17_01_audit_read_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(
            sa.Column("demonstration", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("demonstration")
