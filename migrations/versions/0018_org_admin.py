"""org admin on pages: a department's head and an employee's leaving date; the events a forecast used

Revision ID: 0018_org_admin
Revises: 0015_assignment_unique
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_org_admin"
down_revision: str | tuple[str, ...] | None = "0015_assignment_unique"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("department") as batch:
        batch.add_column(sa.Column("head_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_department_head_id_employee", "employee", ["head_id"], ["id"])
    with op.batch_alter_table("employee") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
    with op.batch_alter_table("forecast_job") as batch:
        batch.add_column(sa.Column("events", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("forecast_job") as batch:
        batch.drop_column("events")
    with op.batch_alter_table("employee") as batch:
        batch.drop_column("left_on")
    with op.batch_alter_table("department") as batch:
        batch.drop_constraint("fk_department_head_id_employee", type_="foreignkey")
        batch.drop_column("head_id")
