"""Strategy discussions: who took part, what was shared and decided, and the ICPC's dates.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 02:00:00

A strategy discussion is signed and then frozen, as a note is, in the
database too; only ``icpc_held_on`` (the day the initial child protection
conference was held, weeks later) may still be set.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

# Columns a signed strategy discussion may still change (refuse_signed_change, 0001).
FREE = ("icpc_held_on", "version", "updated_at", "updated_by_id")


def upgrade():
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
    op.create_table('strategy_discussion',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('discussed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('participants', json_type, nullable=False),
    sa.Column('child_ids', json_type, nullable=False),
    sa.Column('information_shared', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=False),
    sa.Column('s47_started_on', sa.Date(), nullable=True),
    sa.Column('icpc_due_on', sa.Date(), nullable=True),
    sa.Column('icpc_held_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_strategy_discussion_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_strategy_discussion_family_id_family')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_strategy_discussion_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_discussion'))
    )
    with op.batch_alter_table('strategy_discussion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_discussion_family_id'), ['family_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        free = ", ".join(f"'{column}'" for column in FREE)
        op.execute(
            "CREATE TRIGGER strategy_discussion_signed_frozen BEFORE UPDATE OR DELETE "
            "ON strategy_discussion "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_signed_change({free})"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER strategy_discussion_signed_frozen ON strategy_discussion")
    with op.batch_alter_table('strategy_discussion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_discussion_family_id'))
    op.drop_table('strategy_discussion')
