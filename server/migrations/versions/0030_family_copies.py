"""Family copies, and the council's plain words for them.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 02:00:00

- ``family_copy``: what we talked about and agreed, in plain words, drafted
  from a signed note; frozen once it is recorded as shared (signed), in the
  database too on PostgreSQL.
- ``plain_word``: the council's own additions to the glossary the family
  copy's readability check reads.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
BOOKKEEPING = ("version", "updated_at", "updated_by_id")


def upgrade():
    op.create_table('family_copy',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('note_id', sa.Uuid(), nullable=False),
    sa.Column('household_ids', JSON, nullable=False),
    sa.Column('sections', JSON, nullable=False),
    sa.Column('confirmed', JSON, nullable=False),
    sa.Column('shared_with', sa.String(length=200), nullable=True),
    sa.Column('shared_how', sa.String(length=20), nullable=True),
    sa.Column('readability', JSON, nullable=False),
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
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_family_copy_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_family_copy_family_id_family')),
    sa.ForeignKeyConstraint(['note_id'], ['note.id'], name=op.f('fk_family_copy_note_id_note')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_family_copy_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_copy'))
    )
    with op.batch_alter_table('family_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_copy_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_copy_note_id'), ['note_id'], unique=False)

    op.create_table('plain_word',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('plain', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plain_word_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plain_word'))
    )

    if op.get_bind().dialect.name == "postgresql":
        # A shared copy is frozen like any signed record (refuse_signed_change: 0001).
        free = ", ".join(f"'{column}'" for column in BOOKKEEPING)
        op.execute(
            "CREATE TRIGGER family_copy_signed_frozen BEFORE UPDATE OR DELETE ON family_copy "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_signed_change({free})"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER family_copy_signed_frozen ON family_copy")
    op.drop_table('plain_word')
    with op.batch_alter_table('family_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_copy_note_id'))
        batch_op.drop_index(batch_op.f('ix_family_copy_family_id'))

    op.drop_table('family_copy')
