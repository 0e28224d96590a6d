"""Periodic jobs, read by the one ``rq cron`` process: ``rq cron server.jobs.schedule``."""

from __future__ import annotations

from rq import cron

from .decisions import remind_decisions_due_for_review
from .queue import DEFAULT_QUEUE, EXPORT_QUEUE
from .reports import produce_monthly_summary
from .retention import delete_records_past_retention
from .sessions import end_expired_sessions
from .subject_access import clear_old_subject_access_bundles
from .sweep import fail_stuck_exports
from .visits import remind_visits_due

cron.register(end_expired_sessions, DEFAULT_QUEUE, interval=15 * 60)
# Weekday mornings, before visits are planned for the day.
cron.register(remind_visits_due, DEFAULT_QUEUE, cron="0 7 * * 1-5")
# Every morning, weekends too: a decision's review date is whatever day the worker chose.
cron.register(remind_decisions_due_for_review, DEFAULT_QUEUE, cron="5 7 * * *")
# Nightly: subject access bundles hold case content and are kept 30 days.
cron.register(clear_old_subject_access_bundles, DEFAULT_QUEUE, cron="30 2 * * *")
# Nightly, early: last month's service summary. On the 1st it is made; on other nights
# the job does nothing unless last month's failed, which it then tries again.
cron.register(produce_monthly_summary, EXPORT_QUEUE, cron="15 1 * * *")
# Every 10 minutes: summaries and bundles whose worker died are marked failed. On the
# default queue, so a stuck exports worker does not hold up its own sweep.
cron.register(fail_stuck_exports, DEFAULT_QUEUE, interval=10 * 60)
# Nightly, after the bundles: closed families past their retention date are deleted.
cron.register(delete_records_past_retention, DEFAULT_QUEUE, cron="45 2 * * *")
