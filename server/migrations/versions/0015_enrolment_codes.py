"""An admin-issued, single-use code to enrol a second factor: kept as a hash with its expiry.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolment_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('enrolment_code_expires_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('enrolment_code_expires_at')
        batch_op.drop_column('enrolment_code_hash')
