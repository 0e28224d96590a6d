"""Background jobs, run by rq workers (or in-process when REDIS_URL is unset).

Jobs are small, take ids, are idempotent and never build an app at import
time: the worker builds one app and runs every job inside its context.
"""
