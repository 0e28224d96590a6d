"""Attachments: photos and documents on case records, and their resumable uploads.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 09:00:00

- ``attachment``: a synced case record describing one file (its name, type,
  size and SHA-256 as the device gave them) and the server's upload state.
- ``attachment_upload``: where each attachment's upload has got to; the
  bytes are in the blob store, never in the database.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('parent_kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('byte_size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('upload_state', sa.String(length=10), nullable=False),
    sa.Column('refused_reason', sa.String(length=40), nullable=True),
    sa.Column('content_type_found', sa.String(length=100), nullable=True),
    sa.Column('device_written_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_attachment_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_attachment_family_id_family')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_attachment_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_parent_id'), ['parent_id'], unique=False)

    op.create_table('attachment_upload',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('attachment_id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_attachment_upload_attachment_id_attachment')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_attachment_upload_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_attachment_upload_family_id_family')),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_attachment_upload')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_attachment_upload_attachment_id'))
    )
    with op.batch_alter_table('attachment_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_upload_family_id'), ['family_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_upload_family_id'))
    op.drop_table('attachment_upload')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_parent_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_family_id'))
    op.drop_table('attachment')
