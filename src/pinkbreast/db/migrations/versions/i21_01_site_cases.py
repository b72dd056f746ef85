"""Site cases and reviewed promotions.

``cases`` gains the provenance of each labelled case: ``origin`` (reference, or a site
prediction typed, imported, sent by API or image-derived), the prediction it was adopted from
(one case per prediction) and who confirmed its outcome, and when. Existing rows are reference
cases. ``model_promotions`` records proposed, approved, rejected and rolled-back changes of the
served model; at most one proposal is open (unique ``open_key``). ``training_jobs`` holds the
trainings started from the admin page with their progress; one runs at a time (unique
``running_key``).

Revision ID: i21_01_site_cases
Revises: i16_01_demonstration_predictions
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

TIMESTAMP = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
ORIGINS = "'reference', 'typed', 'imported', 'api', 'image'"

revision: str = "i21_01_site_cases"
down_revision: str | None = "i16_01_demonstration_predictions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="reference")
        )
        batch.add_column(sa.Column("prediction_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed_on", sa.Date(), nullable=True))
        batch.create_check_constraint(op.f("ck_cases_origin"), f"origin IN ({ORIGINS})")
        batch.create_index(batch.f("ix_cases_origin"), ["origin"])
        batch.create_unique_constraint(batch.f("uq_cases_prediction_id"), ["prediction_id"])
        batch.create_foreign_key(
            batch.f("fk_cases_prediction_id_predictions"), "predictions", ["prediction_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_cases_confirmed_by_id_users"), "users", ["confirmed_by_id"], ["id"]
        )
    op.create_table(
        "model_promotions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_key", sa.String(length=8), nullable=True),
        sa.Column("from_version", sa.String(length=32), nullable=False),
        sa.Column("to_version", sa.String(length=32), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", TIMESTAMP, nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("single_person", sa.Boolean(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('promotion', 'rollback')", name=op.f("ck_model_promotions_kind")
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected', 'rolled_back')",
            name=op.f("ck_model_promotions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_model_promotions_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_model_promotions_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_promotions")),
        sa.UniqueConstraint("open_key", name=op.f("uq_model_promotions_open_key")),
    )
    with op.batch_alter_table("model_promotions") as batch:
        batch.create_index(batch.f("ix_model_promotions_status"), ["status"])
    op.create_table(
        "training_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("running_key", sa.String(length=8), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name=op.f("ck_training_jobs_status")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_training_jobs_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_jobs")),
        sa.UniqueConstraint("running_key", name=op.f("uq_training_jobs_running_key")),
    )


def downgrade() -> None:
    op.drop_table("training_jobs")
    op.drop_table("model_promotions")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_confirmed_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_cases_prediction_id_predictions"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_cases_prediction_id"), type_="unique")
        batch.drop_index(op.f("ix_cases_origin"))
        batch.drop_constraint(op.f("ck_cases_origin"), type_="check")
        batch.drop_column("confirmed_on")
        batch.drop_column("confirmed_by_id")
        batch.drop_column("prediction_id")
        batch.drop_column("origin")
