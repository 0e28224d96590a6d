"""Subject access export: an admin gets every record about one person as a bundle to redact."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.persistence import AuditEvent
from tests.workers import work_queue

from .casework import build_family, created, publish_practice_settings

BASE = "/api/admin/subject-access"


@pytest.fixture
def casework(make_user, make_client):
    """Two families; the Okoro family's child Tobi is the subject."""
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    make_user("analyst", username="ana", team=None)
    template = publish_practice_settings(make_client("root"))
    worker, supervisor = make_client("amara"), make_client("hannah")
    ids = build_family(worker, supervisor, template["id"])
    other = build_family(worker, supervisor, template["id"], name="Bell")
    # A note of Tobi's family that neither mentions him nor follows a visit he was in.
    unrelated = created(
        worker.post(
            "/api/notes",
            json={"family_id": ids["family"], "sections": {"what_happened": "Rent arrears call."}},
        )
    )
    worker.get(f"/api/people/{ids['person']}")  # a read the bundle must show
    return ids, other, unrelated


def export_bundle(app, admin, person_id: str) -> tuple[dict, zipfile.ZipFile]:
    response = admin.post(BASE, json={"person_id": person_id})
    assert response.status_code == 202, response.json
    assert response.json["status"] in {"queued", "done"}
    work_queue(app, "exports")
    export = admin.get(f"{BASE}/{response.json['id']}").json
    assert export["status"] == "done", export
    download = admin.get(f"{BASE}/{export['id']}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    disposition = download.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="subject-access-{export["id"]}.zip"'
    return export, zipfile.ZipFile(io.BytesIO(download.data))


def records(archive: zipfile.ZipFile, kind: str) -> list[dict]:
    return json.loads(archive.read(f"{kind}.json"))["records"]


def test_an_admin_gets_every_record_about_the_person_with_amendments_history_and_audit(
    app, casework, make_client
):
    ids, other, unrelated = casework
    export, archive = export_bundle(app, make_client("root"), ids["person"])

    assert [p["id"] for p in records(archive, "person")] == [ids["person"]]
    assert [f["id"] for f in records(archive, "family")] == [ids["family"]]
    assert [m["person_id"] for m in records(archive, "membership")] == [ids["person"]]
    assert [r["id"] for r in records(archive, "relationship")] == [ids["relationship"]]
    assert [i["id"] for i in records(archive, "interaction")] == [ids["interaction"]]
    notes = records(archive, "note")
    assert [n["id"] for n in notes] == [ids["note"]]
    assert notes[0]["sections"]["child_voice"] == "I like the dog."  # the original, unchanged
    amendments = records(archive, "amendment")
    assert [(a["id"], a["changes"]) for a in amendments] == [
        (ids["amendment"], {"child_voice": "I like the cat."})
    ]
    assert [j["id"] for j in records(archive, "judgment")] == [ids["judgment"]]  # names Tobi
    assert [r["id"] for r in records(archive, "review")] == [ids["review"]]
    assert [c["id"] for c in records(archive, "checklist")] == [ids["checklist"]]
    assert [c["id"] for c in records(archive, "conference")] == [ids["conference"]]
    assert [p["id"] for p in records(archive, "plan_action")] == [ids["plan_action"]]
    assert [p["id"] for p in records(archive, "plan_episode")] == [ids["plan_episode"]]
    # Its question names Tobi; the team's session header names no family and stays out.
    assert [d["id"] for d in records(archive, "supervision_discussion")] == [
        ids["supervision_discussion"]
    ]
    assert not any(name.startswith("supervision_session") for name in archive.namelist())

    everything = archive.read("index.html").decode() + "".join(
        archive.read(name).decode() for name in archive.namelist()
    )
    assert unrelated["id"] not in everything and "Rent arrears" not in everything
    assert other["family"] not in everything and other["person"] not in everything

    history = records(archive, "record_history")
    signed = [h for h in history if h["record_id"] == ids["note"] and "state" in h["changes"]]
    assert signed and signed[0]["changes"]["state"]["new"] == "signed"
    audit = records(archive, "audit_event")
    staff = {s["id"]: s["username"] for s in records(archive, "staff")}
    person_reads = [a for a in audit if a["record_id"] == ids["person"] and a["action"] == "read"]
    assert [staff[a["user_id"]] for a in person_reads] == ["amara"]
    assert "password_hash" not in archive.read("staff.json").decode()

    index = archive.read("index.html").decode()
    assert "Subject access bundle" in index and "I like the cat." in index
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["files"]["note.json"] == 1 and manifest["requested_by"] == "root"
    assert export["counts"]["amendment"] == 1


def test_each_export_and_download_is_audited(app, casework, make_client):
    ids, _, _ = casework
    export, _ = export_bundle(app, make_client("root"), ids["person"])
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "subject_access")
            .order_by(AuditEvent.id)
        ).all()
        details = [(e.action, str(e.record_id), e.family_id, e.detail) for e in events]
    assert details[0] == (
        "export",
        ids["person"],
        None,
        {"export_id": export["id"], "requested": True},
    )
    assert (
        "export",
        ids["person"],
        uuid.UUID(ids["family"]),
        {"export_id": export["id"]},
    ) in details
    assert details[-1][3] == {"export_id": export["id"], "downloaded": True}


@pytest.mark.parametrize("username", ["amara", "hannah", "ana"])
def test_other_roles_are_refused(app, casework, make_client, username):
    ids, _, _ = casework
    export = make_client("root").post(BASE, json={"person_id": ids["person"]}).json
    caller = make_client(username)
    for response in (
        caller.post(BASE, json={"person_id": ids["person"]}),
        caller.get(BASE),
        caller.get(f"{BASE}/{export['id']}"),
        caller.get(f"{BASE}/{export['id']}/download"),
        caller.post(f"{BASE}/people/search", json={"q": "Tobi"}),
    ):
        assert response.status_code == 403, response.json
        assert response.json["code"] == "forbidden"


def test_another_admins_export_is_not_found(app, casework, make_user, make_client):
    ids, _, _ = casework
    export = make_client("root").post(BASE, json={"person_id": ids["person"]}).json
    make_user("admin", username="root2", team=None)
    other_admin = make_client("root2")
    assert other_admin.get(f"{BASE}/{export['id']}").status_code == 404
    assert other_admin.get(f"{BASE}/{export['id']}/download").status_code == 404
    assert other_admin.get(BASE).json["total"] == 0


def test_an_unknown_person_gets_a_field_error(app, casework, make_client):
    response = make_client("root").post(
        BASE, json={"person_id": "00000000-0000-4000-8000-000000000000"}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"person_id": ["No person has this id."]}


def test_an_admin_finds_a_person_by_name_and_the_search_is_audited_without_its_text(
    app, casework, make_client
):
    ids, _, _ = casework
    response = make_client("root").post(f"{BASE}/people/search", json={"q": "tobi oko"})
    assert response.status_code == 200
    assert [(p["id"], p["families"]) for p in response.json] == [(ids["person"], 1)]
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "person")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert event.detail == {"subject_access_search": True, "count": 1}


def test_bundles_are_cleared_after_the_keeping_period(app, casework, make_client):
    from datetime import timedelta

    from server.jobs.subject_access import BUNDLE_KEEP_DAYS, clear_old_subject_access_bundles
    from server.persistence import SubjectAccessExport

    ids, _, _ = casework
    admin = make_client("root")
    export, _ = export_bundle(app, admin, ids["person"])
    with app.app_context():
        assert clear_old_subject_access_bundles() == 0
        db.session.execute(
            sa.update(SubjectAccessExport).values(
                created_at=clock.now() - timedelta(days=BUNDLE_KEEP_DAYS, hours=1)
            )
        )
        db.session.commit()
        assert clear_old_subject_access_bundles() == 1
    response = admin.get(f"{BASE}/{export['id']}/download")
    assert response.status_code == 409
    assert response.json["message"] == "The bundle has been cleared. Request a new export."
    assert admin.get(f"{BASE}/{export['id']}").json["cleared_at"] is not None
