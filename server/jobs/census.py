"""Producing a statutory return: the CIN census XML or Ofsted's Annex A, with progress."""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import uuid
from collections import Counter
from collections.abc import Iterator

from flask import current_app

from .. import clock
from ..census import annex_a, cin_xml
from ..census.collect import CensusYear, ChildReturn, children, count_children
from ..census.rules import issues_of
from ..domain.errors import translatable
from ..domain.exports import ExportStatus, ReturnKind
from ..extensions import db
from ..persistence import StatutoryReturn
from ..transaction import checkpoint
from .context import with_app_context
from .queue import EXPORT_QUEUE, runs_on, set_progress

log = logging.getLogger(__name__)

RETURN_TIMEOUT_SECONDS = 60 * 60
# Stored in English, shown in the reader's language (api/common.py, StoredMessage).
DONE_STAGE = translatable("Done")
READING_STAGE = translatable("Reading the children's records")
WRITING_STAGE = translatable("Writing the lists")
FAILED_MESSAGE = translatable(
    "The return could not be produced. Produce it again, or ask the service desk."
)
STOPPED_MESSAGE = translatable(
    "The return stopped before it was finished. Produce it again, or ask the service desk."
)
NOT_STARTED_MESSAGE = translatable(
    "The return was not started in time. Produce it again, or ask the service desk."
)


@runs_on(EXPORT_QUEUE, job_timeout=RETURN_TIMEOUT_SECONDS)
@with_app_context
def produce_return(return_id: str) -> str:
    """Build and store one return; one done or failed is left as it is."""
    item = db.session.get(StatutoryReturn, uuid.UUID(return_id))
    if item is None:
        return "gone"
    if item.status in (ExportStatus.DONE, ExportStatus.FAILED):
        # A failed one (swept as stuck, server/jobs/sweep.py) is produced again as a new return.
        return str(item.status)
    item.status = ExportStatus.RUNNING
    item.started_at = clock.now()
    checkpoint()
    item_id, kind, year = item.id, item.kind, CensusYear(item.year)
    try:
        if kind == ReturnKind.CIN_CENSUS:
            content, count, issues = build_census(item_id, year)
        else:
            content, count, issues = build_annex_a(item_id, year)
    except Exception:
        db.session.rollback()
        item = db.session.get(StatutoryReturn, item_id)
        assert item is not None  # the row was there when the job began
        item.status = ExportStatus.FAILED
        item.error = FAILED_MESSAGE
        item.finished_at = clock.now()
        checkpoint()  # kept, though the job fails
        log.exception("statutory return %s failed", return_id)
        raise
    item = db.session.get(StatutoryReturn, item_id)
    assert item is not None  # the row was there when the job began
    db.session.refresh(item)  # progress was written by another connection
    if item.status == ExportStatus.FAILED:
        log.warning("statutory return %s finished after it was given up", return_id)
        return "failed"
    item.content = content
    item.children = count
    item.issues = issues
    item.status = ExportStatus.DONE
    item.progress = 100
    item.stage = DONE_STAGE
    item.finished_at = clock.now()
    return "done"


@contextlib.contextmanager
def long_lived_objects_frozen() -> Iterator[None]:
    """Leave the objects that were there before the job out of the collector's passes.

    The job makes tens of thousands of short-lived objects, and each full
    collection they set off also walks everything the process already held
    (the app, the ORM's mappers, the schema): a third of the job's CPU time at
    10,000 children (bench/census.py). Those older objects are frozen while
    the job runs and handed back to the collector after it.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def build_census(
    return_id: uuid.UUID | None, year: CensusYear
) -> tuple[bytes, int, dict[str, int]]:
    """Write and check the census file; return it, its children and the issues by rule."""
    with long_lived_objects_frozen():
        return _build_census(return_id, year)


def _build_census(
    return_id: uuid.UUID | None, year: CensusYear
) -> tuple[bytes, int, dict[str, int]]:
    total = max(1, count_children(db.session, year))
    issues: Counter[str] = Counter()

    def tick(done: int) -> None:
        if return_id is not None:
            set_progress(StatutoryReturn, return_id, 90 * done // total, READING_STAGE)

    def checked(stream: Iterator[ChildReturn]) -> Iterator[ChildReturn]:
        for child in stream:
            for issue in issues_of(child, year):
                issues[issue.rule.key] += 1
            yield child

    out = io.BytesIO()
    # Checked against the schema as it is written, a part at a time in a second thread.
    count = cin_xml.write(
        out,
        year,
        current_app.config["LA_NUMBER"],
        checked(children(db.session, year, progress=tick)),
        check=True,
    )
    return out.getvalue(), count, dict(sorted(issues.items()))


def build_annex_a(
    return_id: uuid.UUID | None, year: CensusYear
) -> tuple[bytes, int, dict[str, int]]:
    """Write the Annex A workbook; return it, its rows and each list's count."""

    def tick(percent: int, _list_name: str) -> None:
        if return_id is not None:
            set_progress(StatutoryReturn, return_id, percent, WRITING_STAGE)

    out = io.BytesIO()
    counts = annex_a.write(out, db.session, year, progress=tick)
    return out.getvalue(), sum(counts.values()), counts
