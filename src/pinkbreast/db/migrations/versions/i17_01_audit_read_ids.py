"""Audit rows name every record a read returned: ``audit_events.record_ids``.

A list or export of predictions writes one audit row holding the ids it returned (``,12,13,``:
commas on both ends so that "who read prediction 12" is one ``LIKE '%,12,%'``). Existing rows
keep ``NULL`` (they name at most one record, in ``record_id``).

Revision ID: i17_01_audit_read_ids
Revises: i15_01_check_input_zone
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_01_audit_read_ids"
down_revision: str | None = "i15_01_check_input_zone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("record_ids", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("record_ids")
