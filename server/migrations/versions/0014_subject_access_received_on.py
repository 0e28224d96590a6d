"""Keep the day each subject access request was received: its statutory month runs from it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 19:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subject_access_export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('subject_access_export', schema=None) as batch_op:
        batch_op.drop_column('received_on')
