"""Keep when a note, decision, comment or correction was written and signed on the device.

The server's own times (``created_at``, ``signed_at``) stay beside them: they
say when the record reached the council.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('note', 'judgment', 'review')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('device_signed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('device_signed_at')
            batch_op.drop_column('device_written_at')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_column('device_written_at')
