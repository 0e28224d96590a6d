"""Sync: ids a device skipped; one feed row per record and family.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 09:00:00

- ``device.skipped_mutation_ids``: the ids below a device's last mutation id
  that it never sent, so one sent late is applied instead of being answered
  ``duplicate`` and dropped.
- The change feed keeps only the latest row of each record as seen from each
  family (a later write deletes the earlier rows), so a pull sends each
  record's state once however its rows fall across pages. Existing feeds are
  compacted here; ``ix_sync_change_record`` finds a record's rows.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Rows a later row of the same record, seen from the same family, supersedes.
SUPERSEDED = """
DELETE FROM sync_change WHERE EXISTS (
    SELECT 1 FROM sync_change AS later
    WHERE later.record_id = sync_change.record_id
      AND later.entity = sync_change.entity
      AND (later.family_id = sync_change.family_id
           OR (later.family_id IS NULL AND sync_change.family_id IS NULL))
      AND (later.txid > sync_change.txid
           OR (later.txid = sync_change.txid AND later.seq > sync_change.seq))
)
"""


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('skipped_mutation_ids', JSON, server_default='[]', nullable=False)
        )
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.create_index('ix_sync_change_record', ['record_id'], unique=False)
    op.execute(SUPERSEDED)


def downgrade():
    # The rows compacted away were superseded; nothing needs them back.
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_change_record')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('skipped_mutation_ids')
