"""Reads of case records go through services, as writes do: the API layer never queries them.

A handler parses its input, calls a service with the actor (``current_actor()``)
and dumps what it gets back; the service scopes the query (``server.access``)
and audits the read. Checked on the source: no module under ``server/api``
uses a model that holds a family's data except to annotate a type, and only
the modules listed below, whose tables hold no family's data, query the
database at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

from server.api.records import ROUTES
from server.extensions import db
from server.persistence.case import CASE_RECORDS
from server.services import record_lists

ROOT = Path(__file__).resolve().parents[1]
FAMILY_KEYS = {"family_id", "person_id"}

# API modules that still query the database themselves, each with why it may: none
# of these tables holds a family's data (the first check above keeps it so).
QUERYING = {
    "server/api/health.py": "the readiness probe runs SELECT 1 to see the database answer",
    "server/api/admin.py": "staff accounts and teams (the admin's own records), and the audit "
    "log, which names a family by its id only and which only an admin searches",
    "server/api/practice.py": "the council's settings: decision policy versions, checklist "
    "templates and the urgent numbers, none about a family",
}
# Models with a family or person column that an API module may still query, and why.
FAMILY_MODELS_QUERIED = {
    ("server/api/admin.py", "AuditEvent"): "the audit log an admin searches and exports: it "
    "names a family by id only, never its records; the log is written only by server/audit.py",
}


def family_models() -> set[str]:
    """Return the names of the mapped classes that hold a family's (or a person's) data."""
    mapped = [mapper.class_ for mapper in db.Model.registry.mappers]
    return {
        model.__name__
        for model in mapped
        if FAMILY_KEYS & set(model.__table__.c.keys()) or model in CASE_RECORDS.values()
    }


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Return the ids of every node inside a type annotation."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
        elif isinstance(node, ast.arg | ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None:
                inside |= {id(part) for part in ast.walk(annotation)}
    return inside


def family_model_uses(source: str, where: str, models: set[str]) -> list[str]:
    """Return each use of a family model outside an annotation, as "where:line name"."""
    tree = ast.parse(source, filename=where)
    annotations = _annotation_nodes(tree)
    return [
        f"{where}:{node.lineno} {node.id}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and node.id in models
        and id(node) not in annotations
        and (where, node.id) not in FAMILY_MODELS_QUERIED
    ]


def queries(source: str, where: str) -> list[str]:
    """Return each place a module reaches the database itself, as "where:line what"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        if isinstance(node, ast.Import):
            found += [
                f"{where}:{node.lineno} import {a.name}"
                for a in node.names
                if a.name.split(".")[0] == "sqlalchemy"
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "sqlalchemy":
                found.append(f"{where}:{node.lineno} from {module}")
            found += [f"{where}:{node.lineno} {a.name}" for a in node.names if a.name == "page_of"]
        elif isinstance(node, ast.Attribute) and (
            node.attr == "query"
            or (
                node.attr == "session"
                and isinstance(node.value, ast.Name)
                and node.value.id == "db"
            )
        ):
            found.append(f"{where}:{node.lineno} .{node.attr}")
    return found


def _api_modules() -> list[tuple[str, str]]:
    paths = sorted((ROOT / "server" / "api").rglob("*.py"))
    return [(path.read_text(), str(path.relative_to(ROOT))) for path in paths]


def test_handlers_use_family_models_only_to_annotate_types():
    models = family_models()
    found = [use for module in _api_modules() for use in family_model_uses(*module, models)]
    assert found == [], "read case records through a service that takes the actor"


def test_only_the_listed_handlers_query_the_database():
    found = [
        call
        for source, where in _api_modules()
        if where not in QUERYING
        for call in queries(source, where)
    ]
    assert found == [], "query in a service (server/services/), called with current_actor()"


def test_every_listed_handler_still_queries():
    modules = dict((where, source) for source, where in _api_modules())
    stale = [where for where in QUERYING if not queries(modules.get(where, ""), where)]
    stale += [
        f"{where} {model}"
        for where, model in FAMILY_MODELS_QUERIED
        if not any(
            isinstance(node, ast.Name) and node.id == model
            for node in ast.walk(ast.parse(modules.get(where, "")))
        )
    ]
    assert stale == [], "a module that no longer queries leaves the list"


def test_the_family_models_are_found_from_the_tables():
    models = family_models()
    assert {"Family", "Person", "Note", "Judgment", "Interaction", "PlanEpisode"} <= models
    assert {"RecordHistory", "SubjectAccessExport", "Membership", "AttachmentUpload"} <= models
    assert not {"User", "Team", "DecisionPolicy", "Suggestion"} & models


def test_the_checks_find_a_query_and_a_family_model():
    source = (
        "import sqlalchemy as sa\n"
        "from ..persistence import Note\n"
        "from ..persistence.pages import page_of\n"
        "def notes(page: int) -> list[Note]:\n"
        "    return db.session.scalars(sa.select(Note)).all()\n"
    )
    assert queries(source, "probe.py") == [
        "probe.py:1 import sqlalchemy",
        "probe.py:3 page_of",
        "probe.py:5 .session",
    ]
    assert family_model_uses(source, "probe.py", {"Note"}) == ["probe.py:5 Note"]


def test_each_listed_filter_is_applied_by_the_service():
    for spec in ROUTES:
        assert set(spec.filters) == set(record_lists.rules(spec.kind).filters), spec.kind
