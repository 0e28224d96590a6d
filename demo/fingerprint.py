"""Fingerprint the demo council a seed loads, table by table, to show a change left it alone.

Loads the demo into the (empty, migrated) database DATABASE_URL names, with the
clock stopped at one moment and ids numbered from one, so that two loads of the
same code give the same rows; then hashes every table's rows in primary-key
order and prints, or writes, one hash per table. Compare two fingerprints to see
which tables a change touched::

    PYTHONPATH=$PWD flask --app server db upgrade
    PYTHONPATH=$PWD python -m demo.fingerprint --out before.json
    (change the code, load into another fresh database)
    PYTHONPATH=$PWD python -m demo.fingerprint --out after.json --compare before.json

Password hashes, the sync feed's transaction ids, numbering and epoch are made
afresh each load, so they are left out (``UNSTABLE``; a table whose key is left
out is ordered by all its other columns); everything else is compared as stored.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import sqlalchemy as sa

# A Monday morning in term time: the moment every fingerprint is taken at.
MOMENT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
# Made afresh each load whatever the demo writes: a password's salt, the transaction
# that recorded a change, the sync epoch the migrations draw, and the feed's numbering
# (the session flushes the practice lead's last two rows in either order).
UNSTABLE = {
    ("user_account", "password_hash"),
    ("sync_change", "txid"),
    ("sync_change", "seq"),
    ("sync_state", "value"),
}


def load(*, families: int, seed: int) -> dict[str, int]:
    """Load the demo into the app's database with a stopped clock and numbered ids."""
    import demo
    from server import clock
    from server.extensions import db
    from server.persistence import columns

    numbers = itertools.count(1)
    with (
        clock.frozen(MOMENT),
        mock.patch.object(columns, "uuid7", lambda: uuid.UUID(int=next(numbers))),
    ):
        counts = demo.load_demo_data(families=families, seed=seed)
        db.session.commit()
    return counts


def fingerprint(connection: sa.Connection) -> dict[str, str]:
    """Return a hash of each table's rows, in primary-key order, by table name."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    hashes = {}
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        if table.name == "alembic_version":
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in UNSTABLE]
        key = list(table.primary_key.columns)
        kept = {c.name for c in columns}
        order = key if key and all(c.name in kept for c in key) else columns
        digest = hashlib.sha256()
        for row in connection.execute(sa.select(*columns).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
        hashes[table.name] = digest.hexdigest()
    return hashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, help="write the fingerprint here (JSON)")
    parser.add_argument("--compare", type=Path, help="an earlier fingerprint to compare with")
    args = parser.parse_args(argv)

    from server import create_app
    from server.extensions import db

    app = create_app()
    with app.app_context():
        load(families=args.families, seed=args.seed)
        with db.engine.connect() as connection:
            hashes = fingerprint(connection)
    text = json.dumps(hashes, indent=2, sort_keys=True) + "\n"
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    if args.compare:
        earlier = json.loads(args.compare.read_text())
        differ = sorted(
            name for name in earlier.keys() | hashes.keys() if earlier.get(name) != hashes.get(name)
        )
        for name in differ:
            print(f"differs: {name}", file=sys.stderr)
        print(f"{len(hashes) - len(differ)} of {len(hashes)} tables the same", file=sys.stderr)
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
