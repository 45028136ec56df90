"""assignment uniqueness: two partial unique indexes (person, department) replace a unique key that never fired

Revision ID: 0015_assignment_unique
Revises: 0014_results
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_assignment_unique"
down_revision: str | tuple[str, ...] | None = "0014_results"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_assignment") as batch:
        batch.drop_constraint("uq_assignment", type_="unique")
    for owner in ("person", "department"):
        column = "employee_id" if owner == "person" else "department_id"
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"uq_assignment_{owner}",
            "kpi_assignment",
            ["period_id", "indicator_id", column],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    op.drop_index("uq_assignment_department", table_name="kpi_assignment")
    op.drop_index("uq_assignment_person", table_name="kpi_assignment")
    with op.batch_alter_table("kpi_assignment") as batch:
        batch.create_unique_constraint("uq_assignment", ["period_id", "indicator_id", "employee_id", "department_id"])
