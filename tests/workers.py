"""Run queued rq jobs in the test process, as a worker would."""

from __future__ import annotations

from flask import Flask


def work_queue(app: Flask, name: str) -> None:
    """With Redis, work one queue until it is empty; without, jobs already ran in-process."""
    if not app.config["REDIS_URL"]:
        return
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(name, connection=connection)
    with app.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)
