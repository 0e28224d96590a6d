"""Fixtures of the jobs' tests: Web Push keys, a stand-in push service, a signed note."""

from __future__ import annotations

import pytest

from tests.api.casework import publish_practice_settings

from .push_service import FakePushService


@pytest.fixture
def vapid(app):
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    keys = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    app.config.update(
        VAPID_PUBLIC_KEY=keys["VAPID_PUBLIC_KEY"],
        VAPID_PRIVATE_KEY=keys["VAPID_PRIVATE_KEY"],
        VAPID_SUBJECT="mailto:push@example.org",
        # The stand-in push service listens on 127.0.0.1 over http: allowed for tests only.
        PUSH_ALLOW_LOOPBACK_FOR_TESTS=True,
    )
    return keys


@pytest.fixture
def push_service():
    with FakePushService() as service:
        yield service


@pytest.fixture
def signed_note(make_user, make_family, make_client):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    worker = make_client("amara")
    note = worker.post(
        "/api/notes", json={"family_id": str(family.id), "sections": {"reflection": "x"}}
    ).json
    worker.post(f"/api/notes/{note['id']}/sign")
    return worker, family, note
