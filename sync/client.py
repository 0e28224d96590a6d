"""A reference sync client: a device's outbox, local store and pull loop.

It speaks the protocol of docs/sync.md over any ``Transport``, so tests drive
it through Flask's test client, benchmarks through HTTP, and a person from
the command line::

    python -m sync.client --server http://127.0.0.1:5000 --username cw.amara \\
        --state amara-phone.json sync

The local store keeps what the server last confirmed; reads overlay the
outbox on it, so a device always reads its own unsynced writes.
"""

from __future__ import annotations

import argparse
import copy
import getpass
import http.cookiejar
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from .protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PUSH_MUTATIONS,
    SCHEMA_VERSION,
    ChangeOp,
    MutationOp,
    ResultStatus,
)


class Transport(Protocol):
    """Sends one JSON request; returns the status, the JSON body and the headers."""

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]: ...


class SyncError(RuntimeError):
    """The server could not be reached or refused the whole request; the outbox is kept."""

    def __init__(self, status: int, body: Any):
        message = body.get("message") if isinstance(body, dict) else None
        super().__init__(f"{status}: {message or body}")
        self.status = status
        self.body = body


class DeviceWiped(SyncError):
    """The server revoked this device; its local data has been deleted."""


@dataclass
class LocalStore:
    """What a device holds: confirmed records, the cursor, the outbox and rejections."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    outbox: list[dict[str, Any]] = field(default_factory=list)
    next_mutation_id: int = 1
    rejections: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def key(entity: str, record_id: str) -> str:
        return f"{entity}/{record_id}"

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalStore:
        return cls(**data)

    def wipe(self) -> None:
        self.records.clear()
        self.outbox.clear()
        self.rejections.clear()
        self.conflicts.clear()
        self.cursor = None


class SyncClient:
    """One device: make changes offline, then ``sync()`` pushes and pulls."""

    def __init__(
        self,
        transport: Transport,
        device_id: uuid.UUID | None = None,
        store: LocalStore | None = None,
    ):
        self.transport = transport
        self.device_id = str(device_id or uuid.uuid4())
        self.store = store or LocalStore()
        self.csrf_token: str | None = None
        self.user: dict[str, Any] | None = None

    # --- talking to the server --------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        headers = {"X-CSRF-Token": self.csrf_token} if self.csrf_token else {}
        status, reply, _ = self.transport.post(path, body, headers)
        if status == 401 and isinstance(reply, dict) and reply.get("wipe"):
            self.store.wipe()
            raise DeviceWiped(status, reply)
        if status >= 400:
            raise SyncError(status, reply)
        return reply

    def login(self, username: str, password: str, totp_code: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "username": username,
            "password": password,
            "device_id": self.device_id,
        }
        if totp_code:
            body["totp_code"] = totp_code
        reply = self._post("/api/auth/login", body)
        self.csrf_token = reply["csrf_token"]
        self.user = reply["user"]
        return dict(reply)

    # --- local changes ----------------------------------------------------------------

    def _enqueue(
        self, entity: str, op: MutationOp, record_id: str, data: dict[str, Any], base: int | None
    ) -> None:
        self.store.outbox.append(
            {
                "mutation_id": self.store.next_mutation_id,
                "entity": entity,
                "op": op.value,
                "id": record_id,
                "base_version": base,
                "data": data,
            }
        )
        self.store.next_mutation_id += 1

    def create(self, entity: str, data: dict[str, Any], record_id: str | None = None) -> str:
        """Make a record offline; return its id (the device makes the UUID)."""
        record_id = record_id or str(uuid.uuid4())
        self._enqueue(entity, MutationOp.CREATE, record_id, dict(data), None)
        return record_id

    def _base_version(self, entity: str, record_id: str) -> int:
        confirmed = self.store.records.get(LocalStore.key(entity, record_id))
        return int(confirmed["version"]) if confirmed else 1

    def update(self, entity: str, record_id: str, changes: dict[str, Any]) -> None:
        """Change some fields offline; only the changed fields travel."""
        base = self._base_version(entity, record_id)
        self._enqueue(entity, MutationOp.UPDATE, record_id, dict(changes), base)

    def delete(self, entity: str, record_id: str) -> None:
        self._enqueue(
            entity, MutationOp.DELETE, record_id, {}, self._base_version(entity, record_id)
        )

    def sign(self, entity: str, record_id: str) -> None:
        self._enqueue(entity, MutationOp.SIGN, record_id, {}, self._base_version(entity, record_id))

    # --- reading ----------------------------------------------------------------------

    def view(self) -> dict[str, dict[str, Any]]:
        """Return every record as this device sees it: confirmed state plus unsynced changes."""
        records = copy.deepcopy(self.store.records)
        for mutation in self.store.outbox:
            key = LocalStore.key(mutation["entity"], mutation["id"])
            op = mutation["op"]
            if op == MutationOp.CREATE:
                records[key] = {
                    "version": 0,
                    "data": {**mutation["data"], "id": mutation["id"]},
                    "family_id": mutation["data"].get("family_id"),
                }
            elif key in records and op == MutationOp.UPDATE:
                records[key]["data"].update(mutation["data"])
            elif key in records and op == MutationOp.DELETE:
                del records[key]
            elif key in records and op == MutationOp.SIGN:
                records[key]["data"]["state"] = "signed"
        return records

    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        record = self.view().get(LocalStore.key(entity, record_id))
        return record["data"] if record else None

    def records_of(self, entity: str) -> Iterator[dict[str, Any]]:
        prefix = f"{entity}/"
        for key, record in self.view().items():
            if key.startswith(prefix):
                yield record["data"]

    # --- sync -------------------------------------------------------------------------

    def push(self) -> list[dict[str, Any]]:
        """Send the outbox in batches; every processed mutation leaves it, none is dropped."""
        results: list[dict[str, Any]] = []
        while self.store.outbox:
            batch = self.store.outbox[:MAX_PUSH_MUTATIONS]
            reply = self._post(
                "/api/sync/push",
                {"device_id": self.device_id, "schema_version": SCHEMA_VERSION, "mutations": batch},
            )
            by_id = {mutation["mutation_id"]: mutation for mutation in batch}
            done = set()
            for result in reply["results"]:
                mutation = by_id[result["mutation_id"]]
                done.add(result["mutation_id"])
                if result["status"] == ResultStatus.REJECTED:
                    self.store.rejections.append({**result, "mutation": mutation})
                elif result["status"] == ResultStatus.CONFLICT:
                    self.store.conflicts.append({**result, "mutation": mutation})
            self.store.outbox = [m for m in self.store.outbox if m["mutation_id"] not in done]
            results.extend(reply["results"])
            if not done:
                break  # the server processed nothing: never spin
        return results

    def pull(self, limit: int = DEFAULT_PULL_LIMIT, max_pages: int | None = None) -> int:
        """Pull pages until caught up (or ``max_pages``); return how many changes arrived."""
        received, pages = 0, 0
        while max_pages is None or pages < max_pages:
            try:
                page = self._post(
                    "/api/sync/pull",
                    {"device_id": self.device_id, "cursor": self.store.cursor, "limit": limit},
                )
            except SyncError as error:
                # Reset only from a cursor: a cursorless pull answered so would loop forever.
                if (
                    self.store.cursor is not None
                    and isinstance(error.body, dict)
                    and error.body.get("code") == "reset_required"
                ):
                    self.store.records.clear()  # the outbox stays: it is re-sent, not lost
                    self.store.cursor = None
                    continue
                raise
            self.apply_page(page)
            received += len(page["changes"])
            pages += 1
            if not page["has_more"]:
                break
        return received

    def apply_page(self, page: dict[str, Any]) -> None:
        """Store a page's changes and its cursor together (one step: nothing half-applied)."""
        records = dict(self.store.records)
        for change in page["changes"]:
            key = LocalStore.key(change["entity"], change["id"])
            if change["op"] == ChangeOp.EVICT and change["entity"] != "family":
                records.pop(key, None)  # a team's record (a supervision session) left scope
            elif change["op"] == ChangeOp.EVICT:
                _evict(records, change["id"])
            elif change["op"] == ChangeOp.DELETE:
                records.pop(key, None)
            elif change["entity"] == "rejection":
                # Known by its id, or by its mutation if this device heard it on push.
                mutation_id = change["data"].get("mutation_id")
                if not any(
                    r.get("id") == change["id"]
                    or (mutation_id is not None and r.get("mutation_id") == mutation_id)
                    for r in self.store.rejections
                ):
                    self.store.rejections.append({"id": change["id"], **change["data"]})
            else:
                records[key] = {
                    "version": change["version"],
                    "data": change["data"],
                    "family_id": change["family_id"],
                }
        self.store.records = records
        self.store.cursor = page["cursor"]

    def sync(self) -> None:
        """Push first (so edits reach the server before any eviction), then pull."""
        self.push()
        self.pull()


def _evict(records: dict[str, dict[str, Any]], family_id: str) -> None:
    """Delete a family that left this device's scope, and everything of it."""
    # A person's family_id names only the family whose feed brought it last; whether a
    # person goes is decided by the memberships and relationships left below.
    for key in [
        k
        for k, r in records.items()
        if r.get("family_id") == family_id and not k.startswith("person/")
    ]:
        del records[key]
    records.pop(LocalStore.key("family", family_id), None)
    linked = {r["data"]["person_id"] for k, r in records.items() if k.startswith("membership/")}
    # Someone a relationship names without being a member (a child's foster carer).
    linked |= {
        r["data"].get("to_person_id")
        for k, r in records.items()
        if k.startswith("relationship/") and r["data"].get("to_person_id")
    }
    for key in [k for k in records if k.startswith("person/") and k[7:] not in linked]:
        del records[key]


# --- the command line --------------------------------------------------------------------


def encode_json(body: Any) -> bytes:
    """Return a request body as JSON: quickly, or (for text with lone surrogates) as json does."""
    try:
        return msgspec.json.encode(body)
    except UnicodeEncodeError:
        return json.dumps(body).encode()


def decode_json(data: bytes) -> Any:
    """Return a response's JSON: quickly, or as json reads it (lone surrogate escapes)."""
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError:
        return json.loads(data)


class HttpTransport:
    """JSON over HTTP with a cookie jar, from the standard library."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        request = urllib.request.Request(  # noqa: S310 (the server URL is the operator's own)
            self.base_url + path,
            data=encode_json(body),
            headers={"Content-Type": "application/json", **headers},
            method="POST",
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return (
                    response.status,
                    decode_json(response.read() or b"null"),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, decode_json(text) if text else None, dict(error.headers)


def _load_state(path: str) -> tuple[str | None, LocalStore]:
    if not os.path.exists(path):
        return None, LocalStore()
    with open(path, encoding="utf-8") as handle:
        saved = json.load(handle)
    return saved["device_id"], LocalStore.from_json(saved["store"])


def _save_state(path: str, device_id: str, store: LocalStore) -> None:
    # Write then rename: a crash leaves the old state or the new, never half of one.
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, encoding="utf-8") as handle:
        json.dump({"device_id": device_id, "store": store.to_json()}, handle)
    os.replace(handle.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Act as a device that syncs with the server.")
    parser.add_argument("--server", default="http://127.0.0.1:5000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--state", required=True, help="JSON file holding this device's data")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sync", help="push the outbox, then pull until caught up")
    commands.add_parser("status", help="show what the device holds and what waits to sync")
    note = commands.add_parser("note", help="write a signed relational note for a family")
    note.add_argument("family_id")
    note.add_argument("text")
    args = parser.parse_args(argv)

    device_id, store = _load_state(args.state)
    client = SyncClient(
        HttpTransport(args.server), uuid.UUID(device_id) if device_id else None, store
    )
    password = os.environ.get("FIELDWORK_PASSWORD") or getpass.getpass("Password: ")
    try:
        client.login(args.username, password)
        if args.command == "note":
            note_id = client.create(
                "note", {"family_id": args.family_id, "sections": {"what_happened": args.text}}
            )
            client.sign("note", note_id)
            client.sync()
        elif args.command == "sync":
            client.sync()
    except SyncError as error:
        print(f"Sync failed: {error}", file=sys.stderr)
        return 1
    finally:
        _save_state(args.state, client.device_id, client.store)
    counts: dict[str, int] = {}
    for key in client.view():
        entity = key.split("/")[0]
        counts[entity] = counts.get(entity, 0) + 1
    print(
        json.dumps(
            {
                "records": counts,
                "waiting": len(client.store.outbox),
                "rejected": len(client.store.rejections),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
