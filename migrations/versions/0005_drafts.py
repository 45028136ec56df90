"""goal drafts: a department's drafted OKR and personal KPIs, edited then published

Revision ID: 0005
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("source_draft_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=80), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.CheckConstraint("language in ('zh','en')", name=op.f("ck_goal_draft_language")),
        sa.CheckConstraint("status in ('draft','published')", name=op.f("ck_goal_draft_status")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_goal_draft_department_id_department")),
        sa.ForeignKeyConstraint(["objective_id"], ["objective.id"], name=op.f("fk_goal_draft_objective_id_objective")),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_goal_draft_period_id_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_draft")),
    )
    with op.batch_alter_table("goal_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_draft_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_draft_input_hash"), ["input_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_draft_period_id"), ["period_id"], unique=False)


def downgrade() -> None:
    op.drop_table("goal_draft")
