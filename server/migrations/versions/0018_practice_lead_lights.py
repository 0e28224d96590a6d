"""The practice lead's lights: trials for one team, narrower lights for newly qualified
workers, the day a worker qualified, and the suggestion a policy version answers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policy_trial',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('light', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('suggestion_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('ended_early_by_id', sa.Uuid(), nullable=True),
    sa.Column('ended_early_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_policy_trial_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['ended_early_by_id'], ['user_account.id'], name=op.f('fk_policy_trial_ended_early_by_id_user_account')),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_policy_trial_suggestion_id_suggestion')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_policy_trial_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_trial'))
    )
    with op.batch_alter_table('policy_trial', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_trial_team_id'), ['team_id'], unique=False)

    op.create_table('newly_qualified_lights',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_newly_qualified_lights_team_id_team')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_newly_qualified_lights_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newly_qualified_lights')),
    sa.UniqueConstraint('team_id', name=op.f('uq_newly_qualified_lights_team_id'))
    )

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qualified_on', sa.Date(), nullable=True))

    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggestion_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_decision_policy_suggestion_id_suggestion'), 'suggestion', ['suggestion_id'], ['id'])


def downgrade():
    with op.batch_alter_table('decision_policy', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decision_policy_suggestion_id_suggestion'), type_='foreignkey')
        batch_op.drop_column('suggestion_id')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('qualified_on')

    op.drop_table('newly_qualified_lights')
    with op.batch_alter_table('policy_trial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_trial_team_id'))

    op.drop_table('policy_trial')
