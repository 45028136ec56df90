"""pay: position-value inventories, ratings, bonus pools, allocations with lines, second-review items

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | tuple[str, ...] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    ]


def _fk(table: str, col: str, ref: str, **kw: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{ref}.id"], name=op.f(f"fk_{table}_{col}_{ref}"), **kw)


def _index(table: str, *cols: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch:
        for col in cols:
            batch.create_index(batch.f(f"ix_{table}_{col}"), [col], unique=False)


def upgrade() -> None:
    op.create_table(
        "position_inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("campaign", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        *_versioned(),
        sa.CheckConstraint(
            "stage in ('startup','expansion','mature','transformation')", name=op.f("ck_position_inventory_stage")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_inventory")),
        sa.UniqueConstraint("quarter", "campaign", name="uq_position_inventory"),
    )
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("ratee_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("kind in ('self','peer','cross','manager')", name=op.f("ck_rating_kind")),
        sa.CheckConstraint("score >= 1 AND score <= 5", name=op.f("ck_rating_score")),
        _fk("rating", "period_id", "period"),
        _fk("rating", "ratee_id", "employee"),
        _fk("rating", "rater_id", "employee"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
        sa.UniqueConstraint("period_id", "ratee_id", "rater_id", "kind", name="uq_rating"),
    )
    _index("rating", "period_id", "ratee_id", "rater_id")
    op.create_table(
        "bonus_pool",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("campaign", sa.String(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        *_versioned(),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_bonus_pool_amount")),
        _fk("bonus_pool", "period_id", "period"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_pool")),
        sa.UniqueConstraint("period_id", name="uq_bonus_pool_period"),
    )
    _index("bonus_pool", "period_id")
    op.create_table(
        "bonus_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("payout", sa.Float(), nullable=False),
        sa.Column("company_outcome", sa.Float(), nullable=True),
        sa.Column("payable_fen", sa.BigInteger(), nullable=False),
        sa.Column("retained_fen", sa.BigInteger(), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("formula", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("approved_by_name", sa.String(length=80), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned(),
        sa.CheckConstraint("status in ('proposed','approved')", name=op.f("ck_bonus_allocation_status")),
        _fk("bonus_allocation", "pool_id", "bonus_pool"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_allocation")),
        sa.UniqueConstraint("pool_id", name="uq_bonus_allocation_pool"),
    )
    _index("bonus_allocation", "pool_id")
    op.create_table(
        "bonus_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("coaching_plan", sa.Boolean(), nullable=False),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_bonus_line_amount")),
        _fk("bonus_line", "allocation_id", "bonus_allocation", ondelete="CASCADE"),
        _fk("bonus_line", "department_id", "department"),
        _fk("bonus_line", "employee_id", "employee"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_line")),
        sa.UniqueConstraint("allocation_id", "employee_id", name="uq_bonus_line"),
    )
    _index("bonus_line", "allocation_id", "employee_id")
    op.create_table(
        "review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("subject_employee_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by_name", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("adjustments", sa.JSON(), nullable=True),
        *_versioned(),
        sa.CheckConstraint("status in ('open','confirmed','adjusted')", name=op.f("ck_review_item_status")),
        _fk("review_item", "period_id", "period"),
        _fk("review_item", "pool_id", "bonus_pool"),
        _fk("review_item", "subject_employee_id", "employee"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_item")),
    )
    _index("review_item", "period_id", "pool_id", "status")


def downgrade() -> None:
    for table, cols in (
        ("review_item", ("status", "pool_id", "period_id")),
        ("bonus_line", ("employee_id", "allocation_id")),
        ("bonus_allocation", ("pool_id",)),
        ("bonus_pool", ("period_id",)),
        ("rating", ("rater_id", "ratee_id", "period_id")),
    ):
        with op.batch_alter_table(table, schema=None) as batch:
            for col in cols:
                batch.drop_index(batch.f(f"ix_{table}_{col}"))
        op.drop_table(table)
    op.drop_table("position_inventory")
