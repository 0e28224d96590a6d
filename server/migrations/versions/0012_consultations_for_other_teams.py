"""A consultation is for other teams: keep the team it was asked from and the hash of the asker's key.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Consultations asked before this have neither: they stay visible to every
    # practitioner, as they were (the team that asked them is not known).
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_in_team_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('asker_key_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_consultation_asked_in_team_id'), ['asked_in_team_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_consultation_asked_in_team_id_team'), 'team', ['asked_in_team_id'], ['id'])


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consultation_asked_in_team_id_team'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consultation_asked_in_team_id'))
        batch_op.drop_column('asker_key_hash')
        batch_op.drop_column('asked_in_team_id')
