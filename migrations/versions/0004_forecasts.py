"""forecast jobs and target ranges

Revision ID: 0004
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("quantiles", sa.JSON(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_by_name", sa.String(length=80), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("data_hash", sa.String(length=64), nullable=True),
        sa.Column("history_end", sa.Date(), nullable=True),
        sa.Column("daily", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_forecast_job_period_id_period")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_forecast_job_shop_id_shop")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_job")),
    )
    with op.batch_alter_table("forecast_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecast_job_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forecast_job_shop_id"), ["shop_id"], unique=False)
    op.create_table(
        "target_range",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("conservative", sa.Float(), nullable=False),
        sa.Column("base", sa.Float(), nullable=False),
        sa.Column("stretch", sa.Float(), nullable=False),
        sa.Column("quantiles", sa.JSON(), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("backtest_mase", sa.Float(), nullable=True),
        sa.Column("backtest_daily_coverage", sa.Float(), nullable=True),
        sa.Column("backtest_total_coverage", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["forecast_job.id"], name=op.f("fk_target_range_job_id_forecast_job"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_target_range_period_id_period")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_target_range_shop_id_shop")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_range")),
    )
    with op.batch_alter_table("target_range", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_range_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_range_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_target_range_shop_id"), ["shop_id"], unique=False)


def downgrade() -> None:
    op.drop_table("target_range")
    op.drop_table("forecast_job")
