"""sales actuals: KPI actuals computed from shop sales, hand-entered overrides HR decides, forecast-based pace

Revision ID: 0016_sales_actuals
Revises: 0015_assignment_unique
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_sales_actuals"
down_revision: str | tuple[str, ...] | None = "0015_assignment_unique"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _versioned() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    ]


def _assignment_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["assignment_id"],
        ["kpi_assignment.id"],
        name=op.f(f"fk_{table}_assignment_id_kpi_assignment"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("sales_daily") as batch:
        batch.add_column(sa.Column("refunds", sa.Float(), nullable=True))
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("sales_formula", sa.String(length=40), nullable=True))
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("forecast_alert_below", sa.Float(), server_default="0.3", nullable=False))
    op.create_table(
        "sales_actual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("formula", sa.String(length=40), nullable=False),
        sa.Column("shop_codes", sa.JSON(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("missing_days", sa.Integer(), nullable=False),
        sa.Column("sums", sa.JSON(), nullable=False),
        sa.Column("counts", sa.String(length=10), nullable=False),
        *_versioned(),
        _assignment_fk("sales_actual"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_actual")),
    )
    with op.batch_alter_table("sales_actual") as batch:
        batch.create_index(batch.f("ix_sales_actual_assignment_id"), ["assignment_id"], unique=True)
    op.create_table(
        "actual_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("computed_value", sa.Float(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_versioned(),
        _assignment_fk("actual_override"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual_override")),
    )
    with op.batch_alter_table("actual_override") as batch:
        batch.create_index(batch.f("ix_actual_override_assignment_id"), ["assignment_id"], unique=False)
    op.create_table(
        "pace_forecast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("actual", sa.Float(), nullable=False),
        sa.Column("projected", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("p_target", sa.Float(), nullable=True),
        sa.Column("p_conservative", sa.Float(), nullable=True),
        sa.Column("p_stretch", sa.Float(), nullable=True),
        sa.Column("days_left", sa.Integer(), nullable=False),
        sa.Column("needed_per_day", sa.Float(), nullable=True),
        sa.Column("caveats", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        _assignment_fk("pace_forecast"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pace_forecast")),
    )
    with op.batch_alter_table("pace_forecast") as batch:
        batch.create_index(batch.f("ix_pace_forecast_assignment_id"), ["assignment_id"], unique=True)


def downgrade() -> None:
    op.drop_table("pace_forecast")
    op.drop_table("actual_override")
    op.drop_table("sales_actual")
    with op.batch_alter_table("company") as batch:
        batch.drop_column("forecast_alert_below")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("sales_formula")
    with op.batch_alter_table("sales_daily") as batch:
        batch.drop_column("refunds")
