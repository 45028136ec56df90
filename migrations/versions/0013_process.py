"""process: weekly tasks under KPI assignments, task comments, notification channels and the sent log

Revision ID: 0013
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | tuple[str, ...] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    op.create_table(
        "process_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_process_task_progress")),
        sa.CheckConstraint("week IS NULL OR (week >= 1 AND week <= 53)", name=op.f("ck_process_task_week")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["kpi_assignment.id"],
            name=op.f("fk_process_task_assignment_id_kpi_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.id"], name=op.f("fk_process_task_employee_id_employee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_task")),
    )
    with op.batch_alter_table("process_task") as batch:
        batch.create_index(batch.f("ix_process_task_assignment_id"), ["assignment_id"], unique=False)
        batch.create_index(batch.f("ix_process_task_employee_id"), ["employee_id"], unique=False)
        batch.create_index(batch.f("ix_process_task_due_date"), ["due_date"], unique=False)
    op.create_table(
        "task_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["process_task.id"], name=op.f("fk_task_comment_task_id_process_task"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_user_id"], ["app_user.id"], name=op.f("fk_task_comment_author_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_comment")),
    )
    with op.batch_alter_table("task_comment") as batch:
        batch.create_index(batch.f("ix_task_comment_task_id"), ["task_id"], unique=False)
    op.create_table(
        "notification_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], name=op.f("fk_notification_channel_company_id_company")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_channel")),
        sa.UniqueConstraint("company_id", "kind", name="uq_notification_channel"),
    )
    with op.batch_alter_table("notification_channel") as batch:
        batch.create_index(batch.f("ix_notification_channel_company_id"), ["company_id"], unique=False)
    op.create_table(
        "notification_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channel.id"],
            name=op.f("fk_notification_sent_channel_id_notification_channel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_sent")),
        sa.UniqueConstraint("channel_id", "dedupe_key", name="uq_notification_sent"),
    )
    with op.batch_alter_table("notification_sent") as batch:
        batch.create_index(batch.f("ix_notification_sent_channel_id"), ["channel_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notification_sent")
    op.drop_table("notification_channel")
    op.drop_table("task_comment")
    op.drop_table("process_task")
