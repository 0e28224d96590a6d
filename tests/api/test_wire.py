"""The fast dump used by pull shows every record exactly as its schema does."""

from __future__ import annotations

import sqlalchemy as sa

import demo
from server.extensions import db
from server.persistence import Amendment, Attachment, Note
from server.persistence.case import CASE_RECORDS
from server.records.schemas import dump_row, record_dumper


def test_every_kind_dumps_the_same_fast_and_through_its_schema(app, app_context):
    demo.load_demo_data(families=6, seed=11)
    note = db.session.scalars(sa.select(Note).where(Note.state == "signed")).first()
    db.session.add(
        Amendment(
            family_id=note.family_id,
            target_kind="note",
            target_id=note.id,
            reason="Misheard",
            changes={"strengths": "Warmth"},
        )
    )
    # The demo attaches no files: its council has no blob store to keep them in.
    db.session.add(
        Attachment(
            family_id=note.family_id,
            parent_kind="note",
            parent_id=note.id,
            filename="drawing.jpg",
            content_type="image/jpeg",
            byte_size=2048,
            sha256="0" * 64,
            device_written_at=note.created_at,
        )
    )
    db.session.commit()
    compared = 0
    for kind, model in CASE_RECORDS.items():
        records = db.session.scalars(sa.select(model).limit(200)).all()
        rows = {
            row["id"]: row
            for row in db.session.execute(sa.select(model.__table__).limit(200)).mappings()
        }
        assert records, kind
        for record in records:
            assert dump_row(kind, rows[record.id]) == record_dumper(kind).dump(record), kind
            compared += 1
    assert compared > 1000
