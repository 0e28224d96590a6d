"""Deleting closed families' records once the retention schedule lets them go."""

from __future__ import annotations

import logging

from .. import clock
from ..services import retention
from ..transaction import checkpoint
from .context import with_app_context
from .queue import DEFAULT_QUEUE, runs_on

log = logging.getLogger(__name__)

# Families per transaction: each batch's locks and deletions stay small.
BATCH_FAMILIES = 50


@runs_on(DEFAULT_QUEUE, job_timeout=60 * 60)
@with_app_context
def delete_records_past_retention(batch_size: int = BATCH_FAMILIES) -> int:
    """Delete every family whose keep-until date has passed, in batches; return how many.

    Each batch is committed on its own, so its locks and deletions stay small.
    """
    today, deleted = clock.today(), retention.Deleted()
    while True:
        batch = retention.delete_next_batch(today, batch_size)
        checkpoint()
        deleted.families += batch.families
        deleted.skipped += batch.skipped
        if batch.families == 0:
            break  # none left, or everything left was refused by the guard: stop rather than spin
    # Counts only: no names, no ids.
    log.info(
        "retention: %d families deleted, %d skipped by the guard",
        deleted.families,
        deleted.skipped,
    )
    return deleted.families
