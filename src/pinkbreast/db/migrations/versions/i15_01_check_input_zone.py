"""Zone ``check_input`` (the input guard) and no label for it.

A sample the input guard finds unlike the reference cases gets the zone ``check_input`` and no
malignant/benign label. Existing predictions keep their zone and label as stored. Downgrading
refuses while ``check_input`` predictions exist (they would have no valid zone).

Revision ID: i15_01_check_input_zone
Revises: 0006_api_rate_windows
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i15_01_check_input_zone"
down_revision: str | None = "0006_api_rate_windows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "zone IN ('malignant', 'indeterminate', 'benign')"
NEW = "zone IN ('malignant', 'indeterminate', 'benign', 'check_input')"


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_constraint(op.f("ck_predictions_zone"), type_="check")
        batch.create_check_constraint(op.f("ck_predictions_zone"), NEW)
        batch.alter_column("label", existing_type=sa.String(16), nullable=True)


def downgrade() -> None:
    found = (
        op.get_bind()
        .execute(
            sa.text("SELECT COUNT(*) FROM predictions WHERE zone = 'check_input' OR label IS NULL")
        )
        .scalar_one()
    )
    if found:
        raise RuntimeError(
            f"{found} predictions have the zone check_input: the older schema cannot hold them; "
            "export them (pinkbreast db backup) before downgrading"
        )
    with op.batch_alter_table("predictions") as batch:
        batch.drop_constraint(op.f("ck_predictions_zone"), type_="check")
        batch.create_check_constraint(op.f("ck_predictions_zone"), OLD)
        batch.alter_column("label", existing_type=sa.String(16), nullable=False)
