"""review cycles: cycles, items, appeals, rubrics, weekly check-ins; period.locked_at, company.appeal_decider

Revision ID: 0017_review_cycles
Revises: 0015_assignment_unique
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_review_cycles"
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


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("period") as batch:
        batch.add_column(sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("appeal_decider", sa.String(length=12), nullable=False, server_default="hr"))
    op.create_table(
        "review_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "period_id",
            sa.Integer(),
            sa.ForeignKey("period.id", name="fk_review_cycle_period_id_period"),
            nullable=False,
        ),
        sa.Column("population", sa.String(length=20), nullable=False),
        sa.Column("department_ids", sa.JSON(), nullable=False),
        sa.Column("self_assessment", sa.Boolean(), nullable=False),
        sa.Column("appeal_decider", sa.String(length=12), nullable=False),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("self_assessment_on", sa.Date(), nullable=False),
        sa.Column("manager_review_on", sa.Date(), nullable=False),
        sa.Column("calibration_on", sa.Date(), nullable=False),
        sa.Column("publish_on", sa.Date(), nullable=False),
        sa.Column("appeal_until", sa.Date(), nullable=False),
        sa.Column("lock_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_name", sa.String(length=80), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycle")),
        sa.UniqueConstraint("period_id", name="uq_review_cycle_period"),
        sa.CheckConstraint(
            _in("stage", ("self_assessment", "manager_review", "calibration", "published", "locked")),
            name=op.f("ck_review_cycle_stage"),
        ),
        sa.CheckConstraint(
            _in("population", ("company", "departments", "key_positions")), name=op.f("ck_review_cycle_population")
        ),
        sa.CheckConstraint(_in("appeal_decider", ("hr", "skip_level")), name=op.f("ck_review_cycle_decider")),
        sa.CheckConstraint(
            "self_assessment_on <= manager_review_on AND manager_review_on <= calibration_on "
            "AND calibration_on <= publish_on AND publish_on <= appeal_until AND appeal_until < lock_on",
            name=op.f("ck_review_cycle_dates"),
        ),
    )
    op.create_index(op.f("ix_review_cycle_period_id"), "review_cycle", ["period_id"])
    op.create_table(
        "cycle_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "cycle_id",
            sa.Integer(),
            sa.ForeignKey("review_cycle.id", ondelete="CASCADE", name="fk_cycle_item_cycle_id_review_cycle"),
            nullable=False,
        ),
        sa.Column(
            "period_id", sa.Integer(), sa.ForeignKey("period.id", name="fk_cycle_item_period_id_period"), nullable=False
        ),
        sa.Column(
            "employee_id",
            sa.Integer(),
            sa.ForeignKey("employee.id", name="fk_cycle_item_employee_id_employee"),
            nullable=False,
        ),
        sa.Column(
            "department_id",
            sa.Integer(),
            sa.ForeignKey("department.id", name="fk_cycle_item_department_id_department"),
            nullable=False,
        ),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("employee.id", name="fk_cycle_item_reviewer_id_employee")),
        sa.Column("skip_level", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("self_entries", sa.JSON(), nullable=False),
        sa.Column("self_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_entries", sa.JSON(), nullable=False),
        sa.Column("overall_comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_name", sa.String(length=80), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=24), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extensions", sa.JSON(), nullable=False),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_item")),
        sa.UniqueConstraint("cycle_id", "employee_id", name="uq_cycle_item"),
        sa.CheckConstraint(
            _in(
                "status",
                ("open", "self_assessed", "reviewed", "published", "confirmed", "appealed", "locked", "reopened"),
            ),
            name=op.f("ck_cycle_item_status"),
        ),
    )
    for col in ("cycle_id", "period_id", "employee_id", "department_id", "reviewer_id", "status"):
        op.create_index(op.f(f"ix_cycle_item_{col}"), "cycle_item", [col])
    op.create_table(
        "cycle_appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("cycle_item.id", ondelete="CASCADE", name="fk_cycle_appeal_item_id_cycle_item"),
            nullable=False,
        ),
        sa.Column(
            "cycle_id",
            sa.Integer(),
            sa.ForeignKey("review_cycle.id", ondelete="CASCADE", name="fk_cycle_appeal_cycle_id_review_cycle"),
            nullable=False,
        ),
        sa.Column(
            "employee_id",
            sa.Integer(),
            sa.ForeignKey("employee.id", name="fk_cycle_appeal_employee_id_employee"),
            nullable=False,
        ),
        sa.Column("decider_id", sa.Integer(), sa.ForeignKey("employee.id", name="fk_cycle_appeal_decider_id_employee")),
        sa.Column("assignment_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("new_grade", sa.String(length=20), nullable=True),
        sa.Column("decided_by_name", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_appeal")),
        sa.UniqueConstraint("item_id", name="uq_cycle_appeal_item"),
        sa.CheckConstraint(_in("status", ("open", "upheld", "changed")), name=op.f("ck_cycle_appeal_status")),
    )
    for col in ("item_id", "cycle_id", "employee_id", "decider_id", "status"):
        op.create_index(op.f(f"ix_cycle_appeal_{col}"), "cycle_appeal", [col])
    op.create_table(
        "indicator_rubric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            sa.ForeignKey("indicator.id", name="fk_indicator_rubric_indicator_id_indicator"),
            nullable=False,
        ),
        sa.Column("levels", sa.JSON(), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_rubric")),
        sa.UniqueConstraint("indicator_id", name="uq_indicator_rubric"),
    )
    op.create_index(op.f("ix_indicator_rubric_indicator_id"), "indicator_rubric", ["indicator_id"])
    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "assignment_id",
            sa.Integer(),
            sa.ForeignKey("kpi_assignment.id", ondelete="CASCADE", name="fk_check_in_assignment_id_kpi_assignment"),
            nullable=False,
        ),
        sa.Column(
            "employee_id",
            sa.Integer(),
            sa.ForeignKey("employee.id", name="fk_check_in_employee_id_employee"),
            nullable=False,
        ),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("blocker", sa.Text(), nullable=False),
        sa.Column("manager_comment", sa.Text(), nullable=False),
        sa.Column("commented_by_name", sa.String(length=80), nullable=True),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("assignment_id", "week_start", name="uq_check_in_week"),
        sa.CheckConstraint("confidence >= 1 AND confidence <= 5", name=op.f("ck_check_in_confidence")),
    )
    op.create_index(op.f("ix_check_in_assignment_id"), "check_in", ["assignment_id"])
    op.create_index(op.f("ix_check_in_employee_id"), "check_in", ["employee_id"])


def downgrade() -> None:
    for table in ("check_in", "indicator_rubric", "cycle_appeal", "cycle_item", "review_cycle"):
        op.drop_table(table)
    with op.batch_alter_table("company") as batch:
        batch.drop_column("appeal_decider")
    with op.batch_alter_table("period") as batch:
        batch.drop_column("locked_at")
