"""Reasons for closure numbered as the children in need census numbers them.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 08:30:00

The app's ``closure_reason`` list numbered its reasons from RC4 one below
the Department for Education's code set (and had no special guardianship
order, the Department's RC4), so every family closed for one of those
reasons went into the census one code off. The list now follows the
Department; the reasons already stored move to the code that means the same:

- ``family.closure_reason`` and ``case_episode.closure_reason``;
- ``judgment.ending`` (``closure_reason`` inside a proposal to end our work).

RC1 to RC3 mean the same in both lists; RC4 to RC8 become RC5 to RC9. The
families and decisions changed are fed to the devices that hold them (their
version goes up and a change-feed row is written), so no device shows an
old code under the new list's label.

Downgrade moves them back; a special guardianship order (RC4 now) has no
code in the old list, so it is cleared (the census report then lists that
closure as having no reason, and the worker records it again).
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

# The old code of each reason to the census's code for it.
UP = {"RC4": "RC5", "RC5": "RC6", "RC6": "RC7", "RC7": "RC8", "RC8": "RC9"}
# Back again; a special guardianship order has no old code.
DOWN: dict[str, str | None] = {"RC4": None, **{new: old for old, new in UP.items()}}

family = sa.table(
    "family",
    sa.column("id", sa.Uuid()),
    sa.column("closure_reason", sa.String(40)),
    sa.column("version", sa.Integer()),
)
case_episode = sa.table(
    "case_episode",
    sa.column("id", sa.Uuid()),
    sa.column("closure_reason", sa.String(40)),
)
judgment = sa.table(
    "judgment",
    sa.column("id", sa.Uuid()),
    sa.column("family_id", sa.Uuid()),
    sa.column("ending", JSON),
    sa.column("version", sa.Integer()),
)
sync_change = sa.table(
    "sync_change",
    sa.column("entity", sa.String(40)),
    sa.column("record_id", sa.Uuid()),
    sa.column("family_id", sa.Uuid()),
)


def _move(mapping: Mapping[str, str | None]) -> None:
    connection = op.get_bind()
    # One CASE per table, so a code moved is never moved again (RC4 to RC5, then to RC6).
    column = family.c.closure_reason
    moved = sa.case(*((column == old, sa.literal(new, sa.String)) for old, new in mapping.items()))
    families = list(
        connection.scalars(sa.select(family.c.id).where(column.in_(list(mapping))))
    )
    if families:
        connection.execute(
            sa.update(family)
            .where(column.in_(list(mapping)))
            .values(closure_reason=moved, version=family.c.version + 1)
        )
    column = case_episode.c.closure_reason
    moved = sa.case(*((column == old, sa.literal(new, sa.String)) for old, new in mapping.items()))
    connection.execute(
        sa.update(case_episode).where(column.in_(list(mapping))).values(closure_reason=moved)
    )
    # The proposals: few (one per ending), read and written back one by one, the
    # same on both databases.
    changed: list[tuple[uuid.UUID, uuid.UUID]] = []
    rows = connection.execute(
        sa.select(judgment.c.id, judgment.c.family_id, judgment.c.ending).where(
            judgment.c.ending.is_not(None)
        )
    )
    for judgment_id, family_id, ending in rows.all():
        if not isinstance(ending, dict) or ending.get("closure_reason") not in mapping:
            continue
        ending = {**ending, "closure_reason": mapping[ending["closure_reason"]]}
        connection.execute(
            sa.update(judgment)
            .where(judgment.c.id == judgment_id)
            .values(ending=ending, version=judgment.c.version + 1)
        )
        changed.append((judgment_id, family_id))
    _feed(
        connection,
        [{"entity": "family", "record_id": id_, "family_id": id_} for id_ in families]
        + [
            {"entity": "judgment", "record_id": id_, "family_id": family_id}
            for id_, family_id in changed
        ],
    )


def _feed(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Tell the devices holding these records that they changed (the feed keeps the latest)."""
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        for entity in {row["entity"] for row in chunk}:
            connection.execute(
                sa.delete(sync_change).where(
                    sync_change.c.entity == entity,
                    sync_change.c.record_id.in_(
                        [row["record_id"] for row in chunk if row["entity"] == entity]
                    ),
                )
            )
        connection.execute(sa.insert(sync_change), chunk)


def upgrade():
    _move(UP)


def downgrade():
    _move(DOWN)
