"""Children's plan episodes (early help, child in need, child protection, looked after) and placement addresses.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BOOKKEEPING = ("version", "updated_at", "updated_by_id")


def upgrade():
    op.create_table('plan_episode',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('plan_type', sa.String(length=20), nullable=False),
    sa.Column('cp_category', sa.String(length=4), nullable=True),
    sa.Column('legal_status', sa.String(length=4), nullable=True),
    sa.Column('placement_started_on', sa.Date(), nullable=True),
    sa.Column('placement_type', sa.String(length=4), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_episode_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_plan_episode_family_id_family')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_episode_person_id_person')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_plan_episode_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_episode'))
    )
    with op.batch_alter_table('plan_episode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_episode_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_episode_person_id'), ['person_id'], unique=False)

    op.create_table('placement_address',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('episode_id', sa.Uuid(), nullable=False),
    sa.Column('address', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['plan_episode.id'], name=op.f('fk_placement_address_episode_id_plan_episode')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_placement_address_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_address'))
    )
    with op.batch_alter_table('placement_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_address_episode_id'), ['episode_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # An ended episode is frozen like a signed record, in the database too.
        op.execute(
            "CREATE FUNCTION refuse_ended_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF OLD.ended_on IS NOT NULL AND (TG_OP = 'DELETE' OR "
            "(to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV)) THEN "
            "RAISE EXCEPTION 'ended % records cannot change', TG_TABLE_NAME; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        free = ", ".join(f"'{column}'" for column in BOOKKEEPING)
        op.execute(
            "CREATE TRIGGER plan_episode_ended_frozen BEFORE UPDATE OR DELETE ON plan_episode "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_ended_change({free})"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER plan_episode_ended_frozen ON plan_episode")
        op.execute("DROP FUNCTION refuse_ended_change()")
    with op.batch_alter_table('placement_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_address_episode_id'))

    op.drop_table('placement_address')
    with op.batch_alter_table('plan_episode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_episode_person_id'))
        batch_op.drop_index(batch_op.f('ix_plan_episode_family_id'))

    op.drop_table('plan_episode')
