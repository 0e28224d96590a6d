"""Retention: legal holds, and deleting a family's records when their time has passed.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 02:00:00

- ``legal_hold``: holds on families, set and lifted with a reason; a held
  family is never deleted.
- ``retention_release``: the ids the retention job is deleting in its current
  transaction. History rows, signed records and ended plan episodes stay
  undeletable by their triggers unless their family (or, for a person's
  history, the person) is named there. The job writes and removes the names
  within one transaction, so no other transaction sees a release.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

RELEASED = "EXISTS (SELECT 1 FROM retention_release r WHERE r.id = OLD.family_id)"
HISTORY_RELEASED = (
    "EXISTS (SELECT 1 FROM retention_release r WHERE r.id = OLD.family_id OR r.id = OLD.record_id)"
)


def _signed(released: bool) -> str:
    let_go = f"IF TG_OP = 'DELETE' AND {RELEASED} THEN RETURN OLD; END IF; " if released else ""
    return (
        "CREATE OR REPLACE FUNCTION refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {let_go}"
        "IF OLD.state = 'signed' AND (TG_OP = 'DELETE' OR "
        "(to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV)) THEN "
        "RAISE EXCEPTION 'signed % records cannot change', TG_TABLE_NAME; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )


def _ended(released: bool) -> str:
    let_go = f"IF TG_OP = 'DELETE' AND {RELEASED} THEN RETURN OLD; END IF; " if released else ""
    return (
        "CREATE OR REPLACE FUNCTION refuse_ended_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {let_go}"
        "IF OLD.ended_on IS NOT NULL AND (TG_OP = 'DELETE' OR "
        "(to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV)) THEN "
        "RAISE EXCEPTION 'ended % records cannot change', TG_TABLE_NAME; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )


def upgrade():
    op.create_table('legal_hold',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Uuid(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Uuid(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_lifted_by_id_user_account')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_set_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index('ix_legal_hold_family_lifted', ['family_id', 'lifted_at'], unique=False)

    op.create_table('retention_release',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_release'))
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'DELETE' AND {HISTORY_RELEASED} THEN RETURN OLD; END IF; "
            "RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$"
        )
        op.execute("DROP TRIGGER record_history_append_only ON record_history")
        op.execute(
            "CREATE TRIGGER record_history_append_only BEFORE UPDATE OR DELETE ON record_history "
            "FOR EACH ROW EXECUTE FUNCTION refuse_history_change()"
        )
        op.execute(_signed(released=True))
        op.execute(_ended(released=True))
    else:
        op.execute("DROP TRIGGER record_history_no_delete")
        op.execute(
            "CREATE TRIGGER record_history_no_delete BEFORE DELETE ON record_history "
            f"WHEN NOT {HISTORY_RELEASED} "
            "BEGIN SELECT RAISE(ABORT, 'record_history rows are append-only'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ended(released=False))
        op.execute(_signed(released=False))
        op.execute("DROP TRIGGER record_history_append_only ON record_history")
        op.execute(
            "CREATE TRIGGER record_history_append_only BEFORE UPDATE OR DELETE ON record_history "
            "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
        )
        op.execute("DROP FUNCTION refuse_history_change()")
    else:
        op.execute("DROP TRIGGER record_history_no_delete")
        op.execute(
            "CREATE TRIGGER record_history_no_delete BEFORE DELETE ON record_history "
            "BEGIN SELECT RAISE(ABORT, 'record_history rows are append-only'); END"
        )
    op.drop_table('retention_release')
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_hold_family_lifted')

    op.drop_table('legal_hold')
