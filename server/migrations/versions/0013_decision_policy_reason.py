"""Keep the reason an admin gives for publishing each version of the decision policy.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 18:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.drop_column('reason')
