"""When a child may be at immediate risk: the council's numbers and agreement by phone.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 01:40:00

- ``urgent_contacts``: one row, the council's numbers for the team manager,
  the duty team and the emergency duty team.
- ``judgment.immediate_risk``: the worker said a child may be at immediate risk.
- ``review.agreed_by_id`` and ``review.agreed_at``: on a verbal approval, the
  supervisor who agreed by phone and when (the device's time, as given).

A decision category marked urgent is a key (``urgent``) in the policy's
categories, which are JSON: no column.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "urgent_contacts",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("team_manager", sa.String(length=40), nullable=False),
        sa.Column("duty_team", sa.String(length=40), nullable=False),
        sa.Column("emergency_duty_team", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_urgent_contacts_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_contacts")),
    )
    with op.batch_alter_table("judgment") as batch:
        batch.add_column(
            sa.Column("immediate_risk", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("review") as batch:
        batch.add_column(sa.Column("agreed_by_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_review_agreed_by_id_user_account"), "user_account", ["agreed_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("review") as batch:
        batch.drop_constraint(batch.f("fk_review_agreed_by_id_user_account"), type_="foreignkey")
        batch.drop_column("agreed_at")
        batch.drop_column("agreed_by_id")
    with op.batch_alter_table("judgment") as batch:
        batch.drop_column("immediate_risk")
    op.drop_table("urgent_contacts")
