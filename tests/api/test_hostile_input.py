"""Hostile bodies sent to the analyst's, admin's and supervisor's routes: 4xx, never 500.

The schemathesis fuzz test signs in as a caseworker; these routes refuse a
caseworker before they read the body, so their validation is tried here as the
roles that may call them.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .casework import publish_practice_settings

LONG = "x" * 30_000
NOT_UUID = "not-a-uuid"
FAR_FUTURE_OFFSET = "9999-12-31T23:59:59-05:00"  # later than any UTC datetime
FAR_PAST_OFFSET = "0001-01-01T00:00:00+05:00"  # earlier than any UTC datetime


@pytest.fixture
def staff(make_user, make_client, make_family):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    make_user("analyst", username="ana", team=None)
    hannah = make_user("supervisor", username="hannah")
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=hannah, worker=amara, name="Okoro")
    return {"family": family, "amara": amara}


def _hostile(field: str, valid: dict[str, Any]) -> list[Any]:
    """Bodies that break ``valid`` one way each: wrong type, oversize, unknown field..."""
    return [
        None,
        [],
        "a string",
        {},
        {**valid, "unexpected": 1},
        {**valid, field: None},
        {**valid, field: 12345},
        {**valid, field: [valid[field]]},
        {**valid, field: {"nested": True}},
        {**valid, field: LONG},
        {**valid, field: "\u0000"},
    ]


ANALYST_POSTS = [
    ("/api/reports", field, body)
    for field in ("first_day", "last_day")
    for body in _hostile(field, {"first_day": "2026-01-01", "last_day": "2026-01-31"})
] + [
    ("/api/reports", "first_day", {"first_day": "0001-01-01", "last_day": "9999-12-31"}),
    ("/api/reports", "first_day", {"first_day": "2026-02-30", "last_day": "2026-03-01"}),
    ("/api/reports", "first_day", {"first_day": "-2026-01-01", "last_day": "2026-03-01"}),
]

ADMIN_POSTS = [
    *[
        ("/api/admin/subject-access", "person_id", body)
        for body in _hostile("person_id", {"person_id": str(uuid.uuid4())})
    ],
    ("/api/admin/subject-access", "person_id", {"person_id": NOT_UUID}),
    *[
        ("/api/admin/subject-access/people/search", "q", body)
        for body in _hostile("q", {"q": "Okoro"})
    ],
    *[
        ("/api/decision-policy", "categories", body)
        for body in _hostile("categories", {"categories": []})
    ],
    (
        "/api/decision-policy",
        "categories",
        {"categories": [{"key": LONG, "label": LONG, "light": "purple"}]},
    ),
]


def _assert_refused(response: Any) -> None:
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    assert set(response.json) >= {"code", "status", "message", "errors"}


@pytest.mark.parametrize(("url", "field", "body"), ANALYST_POSTS)
def test_an_analyst_posting_a_hostile_body_gets_a_4xx(staff, make_client, url, field, body):
    _assert_refused(make_client("ana").post(url, json=body))


@pytest.mark.parametrize(("url", "field", "body"), ADMIN_POSTS)
def test_an_admin_posting_a_hostile_body_gets_a_4xx(staff, make_client, url, field, body):
    _assert_refused(make_client("root").post(url, json=body))


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("ana", "/api/reports?kind=weekly"),
        ("ana", "/api/reports?page=0"),
        ("ana", "/api/reports?page_size=100000"),
        ("ana", "/api/reports?page=99999999999999999999"),
        ("ana", f"/api/reports/{uuid.uuid4()}"),
        ("ana", f"/api/reports/{NOT_UUID}"),
        ("ana", f"/api/reports/{uuid.uuid4()}/download?format=exe"),
        ("ana", f"/api/reports/{uuid.uuid4()}/download"),
        ("root", "/api/admin/subject-access?page=-1"),
        ("root", f"/api/admin/subject-access/{NOT_UUID}"),
        ("root", f"/api/admin/subject-access/{uuid.uuid4()}/download"),
        ("root", f"/api/admin/audit?since={FAR_FUTURE_OFFSET}"),
        ("root", "/api/admin/audit?until=0001-01-01T00:00:00%2B05:00"),
    ],
)
def test_hostile_queries_and_addresses_get_a_4xx(staff, make_client, username, url):
    response = make_client(username).get(url)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]


SUPERVISOR_POSTS = [
    ("held_at", {"held_at": FAR_FUTURE_OFFSET, "title": "Fathers"}),
    ("held_at", {"held_at": FAR_PAST_OFFSET, "title": "Fathers"}),
    ("held_at", {"held_at": "2026-11-25T14:00:00", "title": "Fathers"}),
    ("held_at", {"held_at": "2026-13-01T14:00:00+00:00", "title": "Fathers"}),
    ("title", {"held_at": "2026-11-25T14:00:00+00:00", "title": LONG}),
    ("attendee_ids", {"held_at": "2026-11-25T14:00:00+00:00", "title": "F", "attendee_ids": [1]}),
    ("attendee_ids", {"held_at": "2026-11-25T14:00:00+00:00", "title": "F", "attendee_ids": "x"}),
    (
        "facilitator_id",
        {"held_at": "2026-11-25T14:00:00+00:00", "title": "F", "facilitator_id": NOT_UUID},
    ),
    (
        "team_id",
        {"held_at": "2026-11-25T14:00:00+00:00", "title": "F", "team_id": str(uuid.uuid4())},
    ),
]


@pytest.mark.parametrize(("field", "body"), SUPERVISOR_POSTS)
def test_a_supervisor_posting_a_hostile_session_gets_a_field_error(staff, make_client, field, body):
    response = make_client("hannah").post("/api/supervision-sessions", json=body)
    _assert_refused(response)
    assert any(key.split(".")[0] == field for key in response.json["errors"]), response.json


HANDOVER = {"change_reason": "worker_left", "handover_note": "Knows the family well."}


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("role", {"role": LONG}),
        ("role", {"role": "family_friend"}),
        ("role", {"role": 7}),
        ("worker_id", {"worker_id": NOT_UUID}),
        ("handover_note", {"handover_note": LONG}),
        ("change_reason", {"change_reason": "bored"}),
        ("unexpected", {"unexpected": True}),
    ],
)
def test_a_hostile_handover_gets_a_field_error(staff, make_client, field, change):
    body = {**HANDOVER, "worker_id": str(staff["amara"].id), **change}
    response = make_client("hannah").post(f"/api/families/{staff['family'].id}/handover", json=body)
    _assert_refused(response)
    assert field in response.json["errors"], response.json


def test_a_visit_time_that_cannot_be_held_in_utc_gets_a_field_error(staff, make_client):
    body = {"family_id": str(staff["family"].id), "occurred_at": FAR_FUTURE_OFFSET}
    response = make_client("amara").post("/api/interactions", json=body)
    _assert_refused(response)
    assert "occurred_at" in response.json["errors"]
