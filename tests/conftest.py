"""Fixtures: a migrated database per test, the app, a signed-in API client, factories.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is
set (CI). Under CI a missing PostgreSQL or Redis fails the run: it is never
skipped.

Run in parallel (``pytest -n 2``, as ``make test`` does), each pytest-xdist
worker has stores of its own, derived from the ones given: the database
DATABASE_URL names with the worker's suffix (``fieldwork_ci_gw0``), made and
migrated when the worker starts and dropped when it ends, and the Redis
database after REDIS_URL's, one a worker. Both are set in the worker's
environment, so the processes a test starts use them too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from server import clock, create_app
from server.domain.roles import Role
from server.extensions import db, limiter
from server.jobs.queue import wait_for_background_jobs
from server.persistence import Assignment, Family, Membership, Person, Team, User
from server.security import passwords
from server.security.passwords import hash_password

# "gw0", "gw1"... in a pytest-xdist worker; None when pytest runs on its own.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_stores(worker: str) -> None:
    """Point DATABASE_URL and REDIS_URL at this worker's own database and Redis db.

    The URLs given are kept as TEST_GIVEN_DATABASE_URL and TEST_GIVEN_REDIS_URL,
    so this runs once however often the module is imported.
    """
    if "TEST_GIVEN_DATABASE_URL" in os.environ:
        return
    index = int(worker.removeprefix("gw"))
    url = os.environ.get("DATABASE_URL", "")
    redis = os.environ.get("REDIS_URL", "")
    os.environ["TEST_GIVEN_DATABASE_URL"], os.environ["TEST_GIVEN_REDIS_URL"] = url, redis
    if url.startswith("postgres"):
        given = sa.engine.make_url(url)
        own = given.set(database=f"{given.database}_{worker}")
        os.environ["DATABASE_URL"] = own.render_as_string(hide_password=False)
    if redis:
        parts = urlsplit(redis)
        number = int(parts.path.strip("/") or 0) + 1 + index
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{number}"))


if WORKER:
    _worker_stores(WORKER)

# Property tests are judged by what they find, never by how fast this machine is:
# on two busy cores a generated example can take longer than Hypothesis's
# defaults allow without anything being wrong.
settings.register_profile("fieldwork", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fieldwork")

PASSWORD = "correct-horse-battery-staple-9"
DATABASE_URL = os.environ.get("DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

# The moments the suite runs at (tests/fixtures/moments.json, shared with the
# app's unit tests): no test may depend on the day it happens to run. Each test
# is frozen at one of them, picked from its name, so every run covers them all
# and a failure repeats on the same moment. TEST_CLOCK (a name from that file,
# or any ISO moment with its offset) runs every test at one moment.
TEST_MOMENTS = {
    name: datetime.fromisoformat(moment["at"])
    for name, moment in json.loads(
        (Path(__file__).parent / "fixtures" / "moments.json").read_text()
    ).items()
    if not name.startswith("_")
}


def _normalised(url: str) -> str:
    from server.config import _database_url

    return _database_url(url)


def on_postgres() -> bool:
    return bool(DATABASE_URL and DATABASE_URL.startswith("postgres"))


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not (on_postgres() and REDIS_URL):
        pytest.exit("CI must run against PostgreSQL and Redis (DATABASE_URL, REDIS_URL).", 3)


def moment_for(nodeid: str) -> tuple[str, datetime]:
    """Return the name and moment a test runs at."""
    chosen = os.environ.get("TEST_CLOCK")
    if chosen:
        if chosen in TEST_MOMENTS:
            return chosen, TEST_MOMENTS[chosen]
        return chosen, datetime.fromisoformat(chosen)
    names = sorted(TEST_MOMENTS)
    name = names[zlib.crc32(nodeid.encode()) % len(names)]
    return name, TEST_MOMENTS[name]


def pytest_report_header(config: pytest.Config) -> str:
    chosen = os.environ.get("TEST_CLOCK")
    return (
        f"clock: frozen at {chosen}"
        if chosen
        else "clock: frozen per test, one of " + ", ".join(sorted(TEST_MOMENTS))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture: factories, the app and the browser all see this moment.
    name, moment = moment_for(item.nodeid)
    clock.freeze(moment)
    item.add_report_section("setup", "clock", f"frozen at {moment.isoformat()} ({name})")


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    clock.thaw()


# A UUID in a parametrized value names the test with "<uuid>" instead: the
# workers of a parallel run must collect the same tests, so a name may not hold
# a random value (``uuid.uuid4()`` in a ``parametrize`` list).
UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    if isinstance(val, str) and UUID_TEXT.search(val):
        return UUID_TEXT.sub("<uuid>", val)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """Hash and check passwords with argon2id at its cheapest cost, in every test.

    The service's cost (RFC 9106's second profile: 64 MiB, three passes) is
    slow by design: on two busy cores each sign-in took 0.7 s, two fifths of
    the suite's time. Passwords are still argon2id hashes, checked for real;
    only the work factor differs, and the service's own is tested on its own.
    """
    saved = passwords._hasher, passwords._DUMMY_HASH
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._hasher = quick
    passwords._DUMMY_HASH = None  # made again, quickly, when first needed
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


@pytest.fixture(scope="session")
def password_hash(quick_password_hashing: None) -> str:
    """One argon2id hash for every factory user."""
    return hash_password(PASSWORD)


def _migrate(url: str, instance: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()


def _admin_engine() -> sa.Engine:
    """An engine on the database the run was given, to make and drop a worker's own."""
    given = _normalised(os.environ["TEST_GIVEN_DATABASE_URL"])
    return sa.create_engine(given, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _drop_own_database(url: str, *, then_create: bool = False) -> None:
    name = sa.engine.make_url(url).database
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if then_create:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return a database URL (PostgreSQL) or template file path (SQLite) at the latest schema.

    A parallel worker's PostgreSQL database is its own: made here, dropped after its last test.
    """
    instance = tmp_path_factory.mktemp("instance")
    if on_postgres():
        url = _normalised(DATABASE_URL or "")
        if WORKER:
            _drop_own_database(url, then_create=True)
        else:
            engine = sa.create_engine(url)
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        _migrate(url, instance)
        yield url
        if WORKER:
            _drop_own_database(url)
        return
    template = instance / "template.sqlite3"
    _migrate(f"sqlite:///{template}", instance)
    yield str(template)


def _written(connection: sa.Connection, tables: list[sa.Table]) -> tuple[list[sa.Table], list[str]]:
    """Return the tables that hold a row and the id sequences that have been used."""
    holding = sa.union_all(
        *(
            sa.select(sa.literal(table.name)).where(sa.exists().select_from(table))
            for table in tables
        )
    )
    found = set(connection.execute(holding).scalars())
    used = connection.execute(
        sa.text(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    ).scalars()
    return [table for table in tables if table.name in found], list(used)


def _delete_written_rows(connection: sa.Connection, tables: list[sa.Table]) -> None:
    written, sequences = _written(connection, tables)
    connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
    for table in written:
        connection.execute(table.delete())
    for name in sequences:
        connection.execute(sa.text(f'ALTER SEQUENCE "{name}" RESTART'))


def _empty_tables(app: Flask) -> None:
    """Delete the rows the test left and start the id sequences again.

    A test writes to a few of the fifty-odd tables, so this deletes from those
    alone, with triggers and foreign-key checks off for the transaction (the
    append-only tables refuse a DELETE otherwise). On two busy cores that took
    20 to 40 ms where one TRUNCATE of every table took 0.1 to 1 s: TRUNCATE
    makes each table's files anew. A database user who may not turn triggers
    off (not a superuser) gets the TRUNCATE.

    A browser test's last request (a page still syncing as it closes) can hold a
    table this needs; PostgreSQL then ends one of them as a deadlock.
    That is the test's leftovers, not a fault: try again once the request is gone.
    """
    with app.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        truncate = f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"
        superuser = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        for attempt in range(3):
            try:
                with db.engine.begin() as connection:
                    if connection.execute(sa.text(superuser)).scalar():
                        _delete_written_rows(connection, tables)
                    else:
                        connection.execute(sa.text(truncate))
                return
            except sa.exc.OperationalError as error:
                if "deadlock detected" not in str(error) or attempt == 2:
                    raise


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> str:
    if on_postgres():
        return migrated_database
    copy = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_database, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
            "SECRET_KEY": "test-secret-key",
            # Each test keeps attachments' bytes in its own folder, never the instance's.
            "ATTACHMENT_STORAGE": str(tmp_path / "attachments"),
        }
    )
    with app.app_context():
        limiter.reset()  # each test counts its own sign-in attempts, even on a shared Redis
    yield app
    wait_for_background_jobs()  # a push the test caused, still sending, finishes first
    if on_postgres():
        _empty_tables(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


class ApiClient:
    """A test client that speaks JSON and sends the CSRF token it was given at sign-in."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.csrf_token: str | None = None
        self.device_id = uuid.uuid4()
        self.user: dict[str, Any] | None = None

    def login(self, username: str, password: str = PASSWORD, **extra: Any) -> Any:
        response = self.client.post(
            "/api/auth/login",
            json={
                "username": username,
                "password": password,
                "device_id": str(self.device_id),
                **extra,
            },
        )
        if response.status_code == 200:
            self.csrf_token = response.json["csrf_token"]
            self.user = response.json["user"]
        return response

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        sent = dict(headers or {})
        if self.csrf_token:
            sent.setdefault("X-CSRF-Token", self.csrf_token)
        return sent

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        return self.client.post(url, json=json, headers=self._headers(headers), **kw)

    def patch(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        return self.client.patch(url, json=json, headers=self._headers(headers), **kw)

    def put(
        self, url: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        return self.client.put(url, json=json, headers=self._headers(headers), **kw)

    def delete(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.delete(url, headers=self._headers(headers), **kw)


@pytest.fixture
def make_client(app: Flask) -> Callable[..., ApiClient]:
    """Return a factory of API clients, each its own device; signed in if given a username."""

    def make(username: str | None = None) -> ApiClient:
        api_client = ApiClient(app.test_client())
        if username is not None:
            response = api_client.login(username)
            assert response.status_code == 200, response.json
        return api_client

    return make


@pytest.fixture
def make_user(app: Flask, password_hash: str) -> Callable[..., User]:
    """Return a factory of users: ``make_user("caseworker", team="North")``."""

    def make(
        role: str | Role = Role.CASEWORKER,
        *,
        team: str | None = "North",
        username: str | None = None,
        **fields: Any,
    ) -> User:
        with app.app_context():
            team_row = None
            if team is not None:
                team_row = db.session.scalar(sa.select(Team).where(Team.name == team))
                if team_row is None:
                    team_row = Team(name=team)
                    db.session.add(team_row)
                    db.session.flush()
            user = User(
                username=username or f"{Role(role).value}-{uuid.uuid4().hex[:8]}",
                display_name=fields.pop("display_name", "Test User"),
                role=Role(role).value,
                team_id=team_row.id if team_row else None,
                password_hash=password_hash,
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def make_family(app: Flask) -> Callable[..., Family]:
    """Return a factory of families with two people, assigned to ``worker`` if given."""

    def make(
        *, team_of: User, worker: User | None = None, name: str = "Family", **fields: Any
    ) -> Family:
        with app.app_context():
            family = Family(display_name=name, team_id=team_of.team_id, **fields)
            db.session.add(family)
            db.session.flush()
            for given, is_child in (("Alex", False), ("Sam", True)):
                person = Person(given_name=given, family_name=name, is_child=is_child)
                db.session.add(person)
                db.session.flush()
                db.session.add(Membership(family_id=family.id, person_id=person.id))
            if worker is not None:
                db.session.add(
                    Assignment(family_id=family.id, worker_id=worker.id, started_on=clock.today())
                )
            db.session.commit()
            db.session.refresh(family)
            db.session.expunge(family)
            return family

    return make
