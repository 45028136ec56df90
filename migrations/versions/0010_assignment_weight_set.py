"""the loop: kpi assignments record the weight-set version their weights came from; forecast jobs a draft
starts cover every shop whoever asked

Revision ID: 0010
Revises: 0002, 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | tuple[str, ...] | None = ("0002", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_assignment") as batch:
        batch.add_column(sa.Column("weight_set_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("forecast_job") as batch:
        batch.add_column(sa.Column("all_shops", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("forecast_job") as batch:
        batch.drop_column("all_shops")
    with op.batch_alter_table("kpi_assignment") as batch:
        batch.drop_column("weight_set_version")
