"""Decisions that get reviewed, the worker's side of a declined decision, the private
supervision record, peer letters and proposed changes of light.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 21:41:49

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('peer_letter',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_letter'))
    )
    op.create_table('supervision_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('worker_id', sa.Uuid(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_supervision_record_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['worker_id'], ['user_account.id'], name=op.f('fk_supervision_record_worker_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_record'))
    )
    with op.batch_alter_table('supervision_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_record_worker_id'), ['worker_id'], unique=False)
    # Like the audit log: an entry is never changed or deleted.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER supervision_record_append_only BEFORE UPDATE OR DELETE ON "
            "supervision_record FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER supervision_record_no_{action.lower()} BEFORE {action} ON "
                "supervision_record BEGIN SELECT RAISE(ABORT, "
                "'supervision_record rows are append-only'); END"
            )

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', JSON, nullable=True))
        batch_op.add_column(sa.Column('addressed_to_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_addressed_to_id_user_account'), 'user_account', ['addressed_to_id'], ['id'])

    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('proposed_light', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=True))

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_contact_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_team_escalation_contact_id_user_account'), 'user_account', ['escalation_contact_id'], ['id'], use_alter=True)


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_team_escalation_contact_id_user_account'), type_='foreignkey')
        batch_op.drop_column('escalation_contact_id')

    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_column('evidence')
        batch_op.drop_column('proposed_light')
        batch_op.drop_column('category')

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_addressed_to_id_user_account'), type_='foreignkey')
        batch_op.drop_column('addressed_to_id')
        batch_op.drop_column('answers')

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER supervision_record_append_only ON supervision_record")
    with op.batch_alter_table('supervision_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_record_worker_id'))

    op.drop_table('supervision_record')
    op.drop_table('peer_letter')
