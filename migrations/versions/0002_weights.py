"""weights: department outcomes, weight proposals, versioned weight sets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:08:00.623433
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('department_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_outcome_department_id_department')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_department_outcome_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_outcome')),
    sa.UniqueConstraint('department_id', 'period_id', name='uq_department_outcome')
    )
    with op.batch_alter_table('department_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_outcome_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_outcome_period_id'), ['period_id'], unique=False)

    op.create_table('weight_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_period', sa.String(length=40), nullable=False),
    sa.Column('min_weight', sa.Float(), nullable=False),
    sa.Column('max_weight', sa.Float(), nullable=False),
    sa.Column('proposed_weights', sa.JSON(), nullable=False),
    sa.Column('current_weights', sa.JSON(), nullable=True),
    sa.Column('approved_weights', sa.JSON(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=80), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('weight_set_version', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status in ('pending','approved','rejected')", name=op.f('ck_weight_proposal_status')),
    sa.CheckConstraint('min_weight >= 0 AND min_weight <= max_weight AND max_weight <= 100', name=op.f('ck_weight_proposal_bounds')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_weight_proposal_created_by_app_user')),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], name=op.f('fk_weight_proposal_decided_by_app_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_weight_proposal_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_proposal'))
    )
    with op.batch_alter_table('weight_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weight_proposal_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_weight_proposal_status'), ['status'], unique=False)

    op.create_table('weight_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_period', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_proposal_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_weight_set_created_by_app_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_weight_set_department_id_department')),
    sa.ForeignKeyConstraint(['source_proposal_id'], ['weight_proposal.id'], name=op.f('fk_weight_set_source_proposal_id_weight_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_set')),
    sa.UniqueConstraint('department_id', 'version', name='uq_weight_set_version')
    )
    with op.batch_alter_table('weight_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weight_set_department_id'), ['department_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('weight_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weight_set_department_id'))
    op.drop_table('weight_set')
    with op.batch_alter_table('weight_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weight_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_weight_proposal_department_id'))
    op.drop_table('weight_proposal')
    with op.batch_alter_table('department_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_outcome_period_id'))
        batch_op.drop_index(batch_op.f('ix_department_outcome_department_id'))
    op.drop_table('department_outcome')
