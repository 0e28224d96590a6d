"""Databases of a benchmark's own: made on the server DATABASE_URL names, dropped after."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from server import create_app
from server.config import Settings, _database_url
from server.extensions import db

# Benchmarks sign in over plain HTTP, so the app runs outside production mode.
BENCH_SECRET_KEY = "bench-secret-key-not-for-any-real-service"  # noqa: S105 (benchmark only)


def server_url(given: str | None) -> str:
    """Return the database server to use: the argument, else DATABASE_URL, else SQLite."""
    url = given or os.environ.get("DATABASE_URL")
    return _database_url(url) if url else "sqlite://"


def on_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def app_config(url: str) -> dict[str, Any]:
    """Return the Flask config of an app on ``url``: the service's own, minus Redis."""
    settings = Settings(
        production=False, database_url=url, redis_url=None, secret_key=BENCH_SECRET_KEY
    )
    return settings.flask_config()


def make_app(url: str) -> Flask:
    """Return the service's app on the database at ``url``."""
    app = create_app(app_config(url))
    # The app logs each request's problems at INFO; a benchmark's report is on stdout.
    logging.getLogger().setLevel(logging.WARNING)
    return app


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the latest schema, as ``flask db upgrade`` does."""
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    logging.getLogger().setLevel(logging.WARNING)  # alembic's setup turns INFO back on


@contextlib.contextmanager
def own_database(name: str, server: str, *, keep: bool = False) -> Iterator[str]:
    """Create and migrate the database ``bench_<name>_<pid>``; yield its URL; drop it after.

    On PostgreSQL it is made on the server of ``server``; on SQLite it is a
    file in a temporary folder. With ``keep`` it is left for inspection.
    """
    if not on_postgres(server):
        folder = tempfile.mkdtemp(prefix=f"bench_{name}_")
        url = f"sqlite:///{folder}/bench_{name}.sqlite3"
        try:
            migrate(url)
            yield url
        finally:
            if keep:
                print(f"kept database {url}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    database = f"bench_{name}_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = make_url(server).set(database=database).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        if keep:
            print(f"kept database {database}")
        else:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def engine_for(url: str) -> sa.Engine:
    """Return an engine for bulk loading and checking, apart from any app."""
    if on_postgres(url):
        return sa.create_engine(url, poolclass=NullPool)
    return sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})


def vacuum_analyze(url: str) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would in time."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE" if on_postgres(url) else "ANALYZE"))
    engine.dispose()


def database_size_mb(url: str) -> float | None:
    if not on_postgres(url):
        path = make_url(url).database
        return os.path.getsize(path) / 2**20 if path and os.path.exists(path) else None
    engine = engine_for(url)
    with engine.connect() as connection:
        size = connection.scalar(sa.text("SELECT pg_database_size(current_database())"))
    engine.dispose()
    return float(size) / 2**20
