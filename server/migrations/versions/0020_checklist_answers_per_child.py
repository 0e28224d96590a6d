"""Checklist answers about children are per child: the children a checklist asks after, each item's child.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 09:00:00

Checklists made before keep their items for the whole family (no child, an
empty list of children), and read as they always did.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default='[]'))

    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('from_visit', sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_checklist_item_child_id_person'), 'person', ['child_id'], ['id'])


def downgrade():
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_checklist_item_child_id_person'), type_='foreignkey')
        batch_op.drop_column('from_visit')
        batch_op.drop_column('child_id')

    with op.batch_alter_table('checklist', schema=None) as batch_op:
        batch_op.drop_column('child_ids')
