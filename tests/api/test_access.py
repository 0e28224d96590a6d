"""The access matrix: every record route, every role, a record outside the caller's scope.

All are refused with 404 (never 403, which would confirm the record exists),
and no list, search or count shows anything of it.
"""

from __future__ import annotations

import pytest

from server.api.records import ROUTES
from server.domain.records import AMENDABLE, DELETABLE, RecordKind

from .casework import build_family, publish_practice_settings

PATHS = {spec.kind.value: spec.path for spec in ROUTES}
UPDATE_BODIES = {"base_version": 1}


@pytest.fixture
def outside_family(make_user, make_client):
    """A South team family with one record of every kind, and clients of other roles."""
    make_user("admin", username="root", team=None)
    owner = make_user("caseworker", team="South", username="south.worker")
    make_user("supervisor", team="South", username="south.sup")
    template = publish_practice_settings(make_client("root"))
    ids = build_family(make_client("south.worker"), make_client("south.sup"), template["id"])
    make_user("caseworker", team="North", username="north.worker")
    make_user("caseworker", team="South", username="south.other")  # same team, not assigned
    make_user("supervisor", team="North", username="north.sup")
    make_user("analyst", team=None, username="analyst")
    return ids, owner


CALLERS = ["north.worker", "south.other", "north.sup", "analyst", "root"]


def record_routes(kind: RecordKind, record_id: str) -> list[tuple[str, str, dict | None]]:
    base = f"{PATHS[kind.value]}/{record_id}"
    routes: list[tuple[str, str, dict | None]] = [
        ("GET", base, None),
        ("GET", f"{base}/history", None),
        ("PATCH", base, UPDATE_BODIES),
    ]
    if kind in DELETABLE:
        routes.append(("DELETE", base, None))
    if kind in (RecordKind.NOTE, RecordKind.JUDGMENT):
        routes.append(("POST", f"{base}/sign", None))
    if kind in AMENDABLE:
        routes.append(("POST", f"{base}/amendments", {"reason": "x", "changes": {"body": "y"}}))
    return routes


@pytest.mark.parametrize("caller", CALLERS)
def test_no_route_reveals_a_record_outside_the_callers_scope(outside_family, make_client, caller):
    ids, _ = outside_family
    client = make_client(caller)
    for kind_name, record_id in ids.items():
        kind = RecordKind(kind_name)
        for method, url, body in record_routes(kind, record_id):
            if method == "PATCH" and kind in (RecordKind.AMENDMENT, RecordKind.REVIEW):
                continue  # no update route at all for these kinds
            response = client.client.open(
                url, method=method, json=body, headers={"X-CSRF-Token": client.csrf_token}
            )
            assert response.status_code == 404, (caller, method, url, response.json)
            assert record_id not in response.get_data(as_text=True)


@pytest.mark.parametrize("caller", CALLERS)
def test_lists_searches_and_counts_show_nothing_outside_scope(outside_family, make_client, caller):
    ids, _ = outside_family
    client = make_client(caller)
    for path in PATHS.values():
        for query in ("", f"?family_id={ids['family']}", "?include_deleted=true"):
            response = client.get(path + query)
            assert response.status_code == 200, (caller, path, response.json)
            assert response.json["total"] == 0, (caller, path + query)
            assert response.json["items"] == []
    search = client.post("/api/families/search", json={"q": "Okoro"})
    assert search.json == {"items": [], "page": 1, "page_size": 50, "total": 0}


@pytest.mark.parametrize("caller", CALLERS)
def test_nothing_can_be_created_in_a_family_outside_scope(outside_family, make_client, caller):
    ids, _ = outside_family
    client = make_client(caller)
    attempts = {
        "/api/people": {"family_id": ids["family"], "given_name": "X", "family_name": "Y"},
        "/api/notes": {"family_id": ids["family"], "sections": {"what_happened": "x"}},
        "/api/plan-actions": {"family_id": ids["family"], "task": "x", "who": "y"},
        "/api/reviews": {
            "target_kind": "note",
            "target_id": ids["note"],
            "review_kind": "comment",
            "body": "x",
        },
    }
    for url, body in attempts.items():
        response = client.post(url, json=body)
        assert response.status_code == 404, (caller, url, response.json)


def test_the_assigned_worker_and_their_supervisor_see_everything(outside_family, make_client):
    """The control: the same routes answer 200 inside scope, so the matrix can fail."""
    ids, _ = outside_family
    for username in ("south.worker", "south.sup"):
        client = make_client(username)
        for kind_name, record_id in ids.items():
            response = client.get(f"{PATHS[kind_name]}/{record_id}")
            assert response.status_code == 200, (username, kind_name)
            listing = client.get(f"{PATHS[kind_name]}?family_id={ids['family']}")
            assert listing.json["total"] >= 1, (username, kind_name)


def test_unassigning_removes_access_at_once(outside_family, make_client):
    ids, _ = outside_family
    worker = make_client("south.worker")
    supervisor = make_client("south.sup")
    assignment = supervisor.get(f"/api/assignments/{ids['assignment']}").json
    response = supervisor.patch(
        f"/api/assignments/{ids['assignment']}",
        json={
            "base_version": assignment["version"],
            "ended_on": "2026-11-29",
            "change_reason": "workload",
            "handover_note": "Tobi trusts the school nurse.",
        },
    )
    assert response.status_code == 200, response.json
    assert worker.get(f"/api/families/{ids['family']}").status_code == 404
    assert worker.get("/api/notes").json["total"] == 0


@pytest.mark.parametrize("caller", ["north.worker", "south.other"])
def test_an_id_outside_scope_reads_as_unknown_when_a_record_is_made_with_it(
    outside_family, make_client, caller
):
    ids, _ = outside_family
    client = make_client(caller)
    own = client.post("/api/families", json={"display_name": "Lee family"})
    assert own.status_code == 201, own.json
    attempts = {
        "/api/families": {"id": ids["family"], "display_name": "Lee family"},
        "/api/notes": {
            "id": ids["note"],
            "family_id": own.json["id"],
            "sections": {"what_happened": "x"},
        },
        "/api/plan-actions": {
            "id": ids["plan_action"],
            "family_id": own.json["id"],
            "task": "x",
            "who": "y",
        },
    }
    unknown = client.get(f"/api/notes/{ids['note']}").json
    for url, body in attempts.items():
        response = client.post(url, json=body)
        assert response.status_code == 404, (caller, url, response.json)
        assert response.json == unknown, (caller, url)
    # An id the caller can see is still named as taken.
    again = client.post("/api/families", json={"id": own.json["id"], "display_name": "Lee family"})
    assert again.status_code == 409 and again.json["code"] == "version_conflict"
