"""Children's identifiers for the statutory returns.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 01:20:00

- ``person.upn``, ``person.former_upn``: unique pupil numbers (13 characters,
  the check letter validated by ``server.domain.upn``; a temporary number ends
  in a letter).
- ``person.upn_unknown``: why a child has no UPN, as the census codes it (UN1 to UN7).
- ``person.expected_date_of_birth``: for an unborn child.
- ``person.date_of_death``: the census's PersonDeathDate.
- ``plan_episode.initial_conference_on``: a child protection plan's initial
  child protection conference (the census's DateOfInitialCPC).
- ``statutory_return``: each census XML or Annex A a performance officer
  produced, with its progress, the file and the validation report's counts.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("upn", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("former_upn", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("upn_unknown", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("expected_date_of_birth", sa.Date(), nullable=True))
        batch.add_column(sa.Column("date_of_death", sa.Date(), nullable=True))
    with op.batch_alter_table("plan_episode") as batch:
        batch.add_column(sa.Column("initial_conference_on", sa.Date(), nullable=True))
    op.create_table(
        "statutory_return",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("issues", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_statutory_return_created_at", "statutory_return", ["created_at"])


def downgrade():
    op.drop_index("ix_statutory_return_created_at", table_name="statutory_return")
    op.drop_table("statutory_return")
    with op.batch_alter_table("plan_episode") as batch:
        batch.drop_column("initial_conference_on")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("date_of_death")
        batch.drop_column("expected_date_of_birth")
        batch.drop_column("upn_unknown")
        batch.drop_column("former_upn")
        batch.drop_column("upn")
