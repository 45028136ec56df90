"""onboarding: company settings, shop status and remembered mapping, promotion details, one-time passwords,
import jobs

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | tuple[str, ...] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=60), server_default="Asia/Shanghai", nullable=False))
        batch.add_column(sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False))
        batch.add_column(sa.Column("fiscal_year_start_month", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("stage", sa.String(length=20), server_default="mature", nullable=False))
    with op.batch_alter_table("shop") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("sales_mapping", sa.JSON(), nullable=True))
    with op.batch_alter_table("promo_event") as batch:
        batch.add_column(sa.Column("discount", sa.Float(), nullable=True))
        batch.add_column(sa.Column("intensity", sa.Float(), nullable=True))
        batch.add_column(sa.Column("builtin_key", sa.String(length=40), nullable=True))
        batch.create_unique_constraint(op.f("uq_promo_event_builtin_key"), ["builtin_key"])
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_import_job_status")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["app_user.id"], name=op.f("fk_import_job_requested_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    op.create_index(op.f("ix_import_job_requested_by"), "import_job", ["requested_by"], unique=False)
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_index(op.f("ix_import_job_requested_by"), table_name="import_job")
    op.drop_table("import_job")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("promo_event") as batch:
        batch.drop_constraint(op.f("uq_promo_event_builtin_key"), type_="unique")
        for name in ("builtin_key", "intensity", "discount"):
            batch.drop_column(name)
    with op.batch_alter_table("shop") as batch:
        for name in ("sales_mapping", "opened_on", "active"):
            batch.drop_column(name)
    with op.batch_alter_table("company") as batch:
        for name in ("stage", "fiscal_year_start_month", "currency", "timezone"):
            batch.drop_column(name)
