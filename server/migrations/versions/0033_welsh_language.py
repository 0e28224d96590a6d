"""Welsh: each person's language, a family copy's language, a visit's interpreter.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 05:00:00

- ``user_account.language``: the language of their screens, messages and
  notifications, ``en`` or ``cy`` (the Welsh Language Standards' Active Offer).
- ``family_copy.language``: the language a family copy is printed in.
- ``interaction.interpreter``: who interpreted at a visit, and in which language.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))
    with op.batch_alter_table('family_copy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interpreter', JSON, nullable=True))


def downgrade():
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_column('interpreter')
    with op.batch_alter_table('family_copy', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')
