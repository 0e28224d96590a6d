"""Chronology entries a worker adds, and the versioned story so far.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 01:30:00

- ``chronology_entry``: a significant event a worker records (date, event,
  where the information came from, its impact on the child, the children it
  concerns). Events already held in other records are proposed from them and
  are not stored again.
- ``case_summary``: one version of the family's story so far; each save is a
  new row naming the one it follows, so no version is ever changed.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _bookkeeping(table):
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Uuid(), nullable=True),
        sa.Column('updated_by_id', sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f(f'fk_{table}_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f(f'fk_{table}_family_id_family')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f(f'fk_{table}_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    op.create_table('chronology_entry',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('event', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('impact', sa.Text(), nullable=True),
    sa.Column('child_ids', JSON, nullable=False),
    sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True),
    *_bookkeeping('chronology_entry'),
    )
    with op.batch_alter_table('chronology_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chronology_entry_family_id'), ['family_id'], unique=False)

    op.create_table('case_summary',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('sections', JSON, nullable=False),
    sa.Column('previous_id', sa.Uuid(), nullable=True),
    sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['previous_id'], ['case_summary.id'], name=op.f('fk_case_summary_previous_id_case_summary')),
    *_bookkeeping('case_summary'),
    )
    with op.batch_alter_table('case_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_summary_family_id'), ['family_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_summary_family_id'))
    op.drop_table('case_summary')
    with op.batch_alter_table('chronology_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chronology_entry_family_id'))
    op.drop_table('chronology_entry')
