"""The supervision queue: a team's queue settings, and who approves group supervision decisions.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 22:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_age_days', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('sample_size', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('sample_size_new', sa.Integer(), server_default='4', nullable=False))
    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('group_supervision_approver', sa.String(length=30), server_default='facilitator', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.drop_column('group_supervision_approver')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('sample_size_new')
        batch_op.drop_column('sample_size')
        batch_op.drop_column('queue_age_days')
