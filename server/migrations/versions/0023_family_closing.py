"""Families: the date our work ended and why.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 01:20:00

- ``family.closed_on``: the council date the family was closed (stepped
  down, transferred out of the council's social work, or closed), set when a
  supervisor agrees the ending; cleared when the family is reopened.
- ``family.closure_reason``: why, as a code from the ``closure_reason`` list
  (the CIN census reason codes where a child in need episode ends).

Retention counts from ``closed_on``; an open family is never deleted.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("family") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closure_reason", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("family") as batch:
        batch.drop_column("closure_reason")
        batch.drop_column("closed_on")
