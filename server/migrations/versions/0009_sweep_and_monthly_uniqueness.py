"""Stuck exports are swept (started_at), and one monthly summary per month is kept

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:41:31.913652

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

MONTHLY_NOT_FAILED = "kind = 'monthly' AND status <> 'failed'"
DUPLICATE_MESSAGE = "Another summary of the same month was kept instead of this one."

summary = sa.table(
    'service_summary',
    sa.column('id', sa.Uuid()),
    sa.column('kind', sa.String()),
    sa.column('period_start', sa.Date()),
    sa.column('period_end', sa.Date()),
    sa.column('status', sa.String()),
    sa.column('error', sa.String()),
    sa.column('created_at', sa.DateTime(timezone=True)),
)


def _fail_duplicate_monthly_summaries():
    # Before the unique index: a month made twice by racing schedulers keeps one summary
    # (a done one first, then the earliest); the others are marked failed, not deleted.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(summary.c.id, summary.c.period_start, summary.c.period_end)
        .where(summary.c.kind == 'monthly', summary.c.status != 'failed')
        .order_by(
            summary.c.period_start,
            summary.c.period_end,
            sa.case((summary.c.status == 'done', 0), else_=1),
            summary.c.created_at,
            summary.c.id,
        )
    ).all()
    kept = set()
    duplicates = []
    for row in rows:
        period = (row.period_start, row.period_end)
        if period in kept:
            duplicates.append(row.id)
        kept.add(period)
    if duplicates:
        connection.execute(
            sa.update(summary)
            .where(summary.c.id.in_(duplicates))
            .values(status='failed', error=DUPLICATE_MESSAGE)
        )


def upgrade():
    _fail_duplicate_monthly_summaries()
    with op.batch_alter_table('service_summary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('uq_service_summary_monthly_period', ['kind', 'period_start', 'period_end'], unique=True, postgresql_where=sa.text(MONTHLY_NOT_FAILED), sqlite_where=sa.text(MONTHLY_NOT_FAILED))

    with op.batch_alter_table('subject_access_export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('subject_access_export', schema=None) as batch_op:
        batch_op.drop_column('started_at')

    with op.batch_alter_table('service_summary', schema=None) as batch_op:
        batch_op.drop_index('uq_service_summary_monthly_period', postgresql_where=sa.text(MONTHLY_NOT_FAILED), sqlite_where=sa.text(MONTHLY_NOT_FAILED))
        batch_op.drop_column('started_at')
