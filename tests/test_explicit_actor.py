"""Services, the audit log and the record stores are told who acts: they never read the request.

The API layer reads the signed-in user and their device (``current_actor()``
in ``server/api/common.py``) and passes them on as an ``Actor``, so a service
works the same from a request, a sync push, a job or the command line; the
history rows and audit events it writes name that actor.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What only a request has: flask's request globals, and the session's user and device.
REQUEST_GLOBALS = {
    "flask": {"g", "request", "session"},
    "server.security.sessions": {"current_user", "current_device_id"},
}
# The stores the services write history rows and audit events to: the ORM
# session's and a sync push's.
STORES = ("server/persistence/store.py", "server/persistence/bulk.py")


def request_globals(source: str, where: str, package: str) -> list[str]:
    """Return each import of a request global in a module's source, as "where:line name"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the module's own package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            names = REQUEST_GLOBALS.get(module, set())
            found += [f"{where}:{node.lineno} {a.name}" for a in node.names if a.name in names]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "flask"
            and node.attr in REQUEST_GLOBALS["flask"]
        ):
            found.append(f"{where}:{node.lineno} flask.{node.attr}")
    return found


def _checked() -> list[tuple[str, str, str]]:
    paths = [
        ROOT / "server" / "audit.py",
        *(ROOT / store for store in STORES),
        *sorted((ROOT / "server" / "services").glob("*.py")),
    ]
    checked = []
    for path in paths:
        where = str(path.relative_to(ROOT))
        package = ".".join(path.relative_to(ROOT).parent.parts)
        checked.append((path.read_text(), where, package))
    return checked


def test_services_the_audit_log_and_the_stores_never_read_the_request_globals():
    found = [call for checked in _checked() for call in request_globals(*checked)]
    assert found == [], "take the actor from the caller (the API layer reads the request)"


def test_the_rule_covers_the_sync_engine_the_case_records_and_the_stores():
    checked = {where for _, where, _ in _checked()}
    assert {
        "server/audit.py",
        "server/services/case_records.py",
        "server/services/sync.py",
        "server/services/endings.py",
        *STORES,
    } <= checked


def audit_calls_without_actor(source: str, where: str) -> list[str]:
    """Return each audit call that names no actor, as "where:line function"."""
    found = []
    for function in ast.walk(ast.parse(source, filename=where)):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"record_event", "record_list_read"}
                and not any(keyword.arg == "actor" for keyword in node.keywords)
            ):
                found.append(f"{where}:{node.lineno} {function.name}")
    return found


def test_every_audit_event_names_its_actor():
    found = [
        call
        for path in sorted((ROOT / "server").rglob("*.py"))
        for call in audit_calls_without_actor(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], "pass actor= (the API layer's current_actor())"


def test_the_audit_check_finds_an_event_without_its_actor():
    source = (
        "def sign(actor, record):\n"
        "    record_event(AuditAction.SIGN, 'note', actor=actor)\n"
        "    record_event(AuditAction.READ, 'note')\n"
    )
    assert audit_calls_without_actor(source, "probe.py") == ["probe.py:3 sign"]


def test_the_check_finds_relative_and_absolute_imports():
    source = (
        "import flask\n"
        "from flask import current_app, g\n"
        "from ..security.sessions import current_user\n"
        "def who():\n"
        "    return flask.request\n"
    )
    assert request_globals(source, "probe.py", "server.services") == [
        "probe.py:2 g",
        "probe.py:3 current_user",
        "probe.py:5 flask.request",
    ]


def test_the_check_finds_the_device_read_by_a_store():
    source = "from ..security.sessions import current_device_id, current_user\n"
    assert request_globals(source, "store.py", "server.persistence") == [
        "store.py:1 current_device_id",
        "store.py:1 current_user",
    ]
