"""Periodic jobs, read by the one ``rq cron`` process: ``rq cron server.jobs.schedule``."""

from __future__ import annotations

from rq import cron

from .queue import DEFAULT_QUEUE
from .sessions import end_expired_sessions

cron.register(end_expired_sessions, DEFAULT_QUEUE, interval=15 * 60)
