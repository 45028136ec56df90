"""security, second round: login lock back-off and labels, revocable server-side sessions, the person behind
each audited login

Revision ID: 0014_security
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_security"
down_revision: str | tuple[str, ...] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("strikes", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("label", sa.String(length=200), nullable=True))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_employee_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_from", sa.Integer(), nullable=True))
    # Where signing began in an existing log: the position of its first signed event (a seal signs only before).
    op.execute(
        "UPDATE audit_head SET signed_from = (SELECT COUNT(*) FROM audit_event e WHERE e.id <= "
        "(SELECT MIN(id) FROM audit_event WHERE mac IS NOT NULL)) "
        "WHERE EXISTS (SELECT 1 FROM audit_event WHERE mac IS NOT NULL)"
    )
    op.create_table(
        "auth_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_auth_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_session")),
    )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_session_user_id"))
    op.drop_table("auth_session")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("signed_from")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("actor_employee_id")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("label")
        batch_op.drop_column("strikes")
