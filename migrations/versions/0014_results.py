"""results: the one stored grade per person and period, and HR's calibration changes

Revision ID: 0014_results
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_results"
down_revision: str | tuple[str, ...] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    op.create_table(
        "grade_calibration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_grade_calibration_period_id_period")),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_grade_calibration_employee_id_employee")
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"], name=op.f("fk_grade_calibration_decided_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_calibration")),
    )
    op.create_index(op.f("ix_grade_calibration_period_id"), "grade_calibration", ["period_id"])
    op.create_index(op.f("ix_grade_calibration_employee_id"), "grade_calibration", ["employee_id"])
    op.create_table(
        "period_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("computed_score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("computed_grade", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("team_mean", sa.Float(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=True),
        sa.Column("calibration_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f("fk_period_result_period_id_period")),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], name=op.f("fk_period_result_employee_id_employee")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_period_result_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["review_item_id"], ["review_item.id"], name=op.f("fk_period_result_review_item_id_review_item")
        ),
        sa.ForeignKeyConstraint(
            ["calibration_id"],
            ["grade_calibration.id"],
            name=op.f("fk_period_result_calibration_id_grade_calibration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_result")),
        sa.UniqueConstraint("period_id", "employee_id", name="uq_period_result"),
    )
    op.create_index(op.f("ix_period_result_period_id"), "period_result", ["period_id"])
    op.create_index(op.f("ix_period_result_employee_id"), "period_result", ["employee_id"])


def downgrade() -> None:
    op.drop_table("period_result")
    op.drop_table("grade_calibration")
