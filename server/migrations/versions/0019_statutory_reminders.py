"""Statutory reminders sent: once per child's check, due date and stage (before, passed).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statutory_reminder',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('template_key', sa.String(length=60), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['plan_episode.id'], name=op.f('fk_statutory_reminder_episode_id_plan_episode')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statutory_reminder')),
    sa.UniqueConstraint('episode_id', 'template_key', 'due_on', 'stage', name='uq_statutory_reminder_once')
    )
    with op.batch_alter_table('statutory_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statutory_reminder_episode_id'), ['episode_id'], unique=False)


def downgrade():
    with op.batch_alter_table('statutory_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statutory_reminder_episode_id'))

    op.drop_table('statutory_reminder')
