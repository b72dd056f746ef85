"""Three indexes on ``predictions`` that no query uses are dropped: ``zone``, ``model_version``
and ``sample_ref``.

Every index is one more B-tree written (and, on SQLite, one more page appended to the log and
synced) for every prediction stored. No query reads through these three: the zone filter of a
list is always narrowed first by the account (``ix_predictions_user_id``, which also gives the
newest-first order) or by the date (``ix_predictions_created_at``); zone and model version
counts group the rows of a date range; a sample reference is searched as a part of it, any
case (``lower(sample_ref) LIKE '%…%'``), which no B-tree can answer. The query plans are
checked in ``tests/integration/test_query_plans.py``.

Revision ID: i19_01_prediction_indexes
Revises: i20_01_image_provenance
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i19_01_prediction_indexes"
down_revision: str | None = "i20_01_image_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNUSED = ("zone", "model_version", "sample_ref")


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        for column in UNUSED:
            batch.drop_index(batch.f(f"ix_predictions_{column}"))


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        for column in UNUSED:
            batch.create_index(batch.f(f"ix_predictions_{column}"), [column])
