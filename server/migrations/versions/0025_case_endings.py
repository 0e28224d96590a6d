"""Agreed endings of our work, transfers between teams, and a family's case episodes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 02:00:00

- ``judgment.ending``: a proposal to end our work (step down, close or
  transfer), carried by a decision so it is proposed offline and agreed as
  decisions are; null on every other decision.
- ``case_episode``: each time the council worked with the family, from
  opening to closing, how it ended and why, and the earlier episode a
  reopening follows on from.
- ``family_transfer``: a family moving to another team, agreed by its own
  team's supervisor and waiting for the receiving team's supervisor.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('judgment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ending', JSON, nullable=True))

    op.create_table('case_episode',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('ending_kind', sa.String(length=20), nullable=True),
    sa.Column('closure_reason', sa.String(length=40), nullable=True),
    sa.Column('ending_judgment_id', sa.Uuid(), nullable=True),
    sa.Column('follows_id', sa.Uuid(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('opened_by_id', sa.Uuid(), nullable=True),
    sa.Column('closed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_case_episode_family_id_family')),
    sa.ForeignKeyConstraint(['ending_judgment_id'], ['judgment.id'], name=op.f('fk_case_episode_ending_judgment_id_judgment')),
    sa.ForeignKeyConstraint(['follows_id'], ['case_episode.id'], name=op.f('fk_case_episode_follows_id_case_episode')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_case_episode_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_case_episode_closed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_episode'))
    )
    with op.batch_alter_table('case_episode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_episode_family_id'), ['family_id'], unique=False)

    op.create_table('family_transfer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('judgment_id', sa.Uuid(), nullable=False),
    sa.Column('from_team_id', sa.Uuid(), nullable=False),
    sa.Column('to_team_id', sa.Uuid(), nullable=False),
    sa.Column('handover_note', sa.Text(), nullable=False),
    sa.Column('agreed_by_id', sa.Uuid(), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_by_id', sa.Uuid(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_family_transfer_family_id_family')),
    sa.ForeignKeyConstraint(['judgment_id'], ['judgment.id'], name=op.f('fk_family_transfer_judgment_id_judgment')),
    sa.ForeignKeyConstraint(['from_team_id'], ['team.id'], name=op.f('fk_family_transfer_from_team_id_team')),
    sa.ForeignKeyConstraint(['to_team_id'], ['team.id'], name=op.f('fk_family_transfer_to_team_id_team')),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['user_account.id'], name=op.f('fk_family_transfer_agreed_by_id_user_account')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'], name=op.f('fk_family_transfer_accepted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_transfer'))
    )
    with op.batch_alter_table('family_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_transfer_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_transfer_to_team_id'), ['to_team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('family_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_transfer_to_team_id'))
        batch_op.drop_index(batch_op.f('ix_family_transfer_family_id'))
    op.drop_table('family_transfer')
    with op.batch_alter_table('case_episode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_episode_family_id'))
    op.drop_table('case_episode')
    with op.batch_alter_table('judgment', schema=None) as batch_op:
        batch_op.drop_column('ending')
