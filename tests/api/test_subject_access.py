"""Subject access export: an admin gets every record about one person as a bundle to redact."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from server import clock
from server.domain.exports import subject_access_deadline
from server.domain.plain_dates import long_date
from server.extensions import db
from server.persistence import AuditEvent, Person
from server.services.subject_access import CASE_KINDS
from server.services.subject_access_index import (
    NOT_SHOWN,
    TRAIL,
    Names,
    humanise,
    plain_text,
    record_fields,
)
from tests.workers import work_queue

from .casework import build_family, created, publish_practice_settings

BASE = "/api/admin/subject-access"


@pytest.fixture
def casework(make_user, make_client):
    """Two families; the Okoro family's child Tobi is the subject."""
    make_user("admin", username="root", team=None, display_name="Rita Admin")
    make_user("caseworker", username="amara", display_name="Amara Mensah")
    make_user("supervisor", username="hannah", display_name="Hannah Ward")
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


def test_the_childs_referrals_and_assessments_are_in_the_bundle_and_no_one_elses(
    app, casework, make_client
):
    ids, other, _ = casework
    amara = make_client("amara")

    def refer(family: str, person: str, **values: object) -> str:
        made = amara.post(
            "/api/referrals",
            json={"family_id": family, "person_id": person, "source": "2A", **values},
        )
        assert made.status_code == 201, made.json
        return str(made.json["id"])

    referred = clock.today() - timedelta(days=40)
    referral = refer(
        ids["family"],
        ids["person"],
        referred_on=referred.isoformat(),
        primary_need="N1",
        assessment_started_on=(referred + timedelta(days=1)).isoformat(),
        assessment_authorised_on=(referred + timedelta(days=20)).isoformat(),
        assessment_factors=["3B"],
    )
    elsewhere = refer(other["family"], other["person"], referred_on=referred.isoformat())
    _, archive = export_bundle(app, make_client("root"), ids["person"])

    (found,) = records(archive, "referral")
    assert (found["id"], found["source"], found["assessment_factors"]) == (referral, "2A", ["3B"])
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert elsewhere not in everything
    _page, reader = read_index(archive)
    text = " ".join("".join(reader.text).split())
    assert (2, "Referrals and the assessments after them (1)") in reader.headings
    assert (3, "Referral: Schools") in reader.headings
    assert "Who made the referral" in text and long_date(referred) in text
    assert "Abuse or neglect" in text and "Domestic abuse: concerns about a parent" in text
    assert json.loads(archive.read("manifest.json"))["files"]["referral.json"] == 1


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


class IndexReader(HTMLParser):
    """Read the index as a screen reader would: landmarks, headings, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.heading: list[str] | None = None
        self.text: list[str] = []
        self.in_style = False
        self.timeline: list[str] = []
        self.cell: str | None = None
        self.section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.heading = []
        self.in_style = tag == "style"
        self.cell = dict(attrs).get("data-label") if tag == "td" else self.cell
        if tag == "section":
            self.section = dict(attrs).get("id")

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self.heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self.heading).split())))
            self.heading = None
        if tag == "style":
            self.in_style = False
        if tag == "td":
            self.cell = None
        if tag == "section":
            self.section = None

    def handle_data(self, data: str) -> None:
        if self.in_style:
            return
        self.text.append(data)
        if self.heading is not None:
            self.heading.append(data)
        if self.section == "timeline" and self.cell == "When" and data.strip():
            self.timeline.append(data.strip())


MOMENT = re.compile(r"(\d{1,2} [A-Z][a-z]+ \d{4})(?: at (midday|midnight|\d{1,2}(?::\d\d)?[ap]m))?")


def moment_of(words: str) -> datetime:
    """Read "5 December 2026 at 2:30pm" (or a date alone) back as a moment, to compare."""
    found = MOMENT.fullmatch(words)
    assert found, words
    day = datetime.strptime(found.group(1), "%d %B %Y")
    clock_time = found.group(2) or "midnight"
    if clock_time in ("midday", "midnight"):
        return day.replace(hour=12 if clock_time == "midday" else 0)
    parsed = datetime.strptime(clock_time, "%I:%M%p" if ":" in clock_time else "%I%p")
    return day.replace(hour=parsed.hour, minute=parsed.minute)


def read_index(archive: zipfile.ZipFile) -> tuple[str, IndexReader]:
    page = archive.read("index.html").decode()
    reader = IndexReader()
    reader.feed(page)
    return page, reader


def test_the_index_is_a_document_to_redact_from_not_a_dump(app, casework, make_client):
    ids, _, _ = casework
    with app.app_context():
        person = db.session.get(Person, uuid.UUID(ids["person"]))
        assert person is not None
        person.ethnicity, person.disabilities = "WOTH", ["MOB"]
        db.session.commit()
    _, archive = export_bundle(app, make_client("root"), ids["person"])
    page, reader = read_index(archive)
    text = " ".join("".join(reader.text).split())

    # Landmarks and headings: one h1, a section (h2) of each kind, a heading (h3) per record.
    tags = [tag for tag, _ in reader.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert tags.count(landmark) == 1, landmark
    assert [h for h in reader.headings if h[0] == 1] == [(1, "Records about Tobi Okoro")]
    sections = {title for level, title in reader.headings if level == 2}
    for title in ("Notes (1)", "Visits and other contacts (1)", "Decisions (judgment log) (1)"):
        assert title in sections
    assert (3, "Home visit: statutory visit") in reader.headings
    # A child's plan by its name in the code lists, under its own heading.
    assert "Children's plans (1)" in sections
    assert "Child in need plan" in text and "child_in_need" not in text
    assert [kind for kind in CASE_KINDS if f'id="section-{kind}"' not in page] == []

    # Staff by name, codes by their labels, dates and times in words; no ids, codes or JSON.
    staff = records(archive, "staff")
    assert "Amara Mensah (caseworker)" in text and "Hannah Ward (supervisor)" in text
    for member in staff:
        assert member["id"] not in page
    assert "Any other White background" in text and "Mobility" in text
    assert not re.search(r"\bWOTH\b|\bMOB\b|\bBAFR\b", text)
    assert "Grace Okoro (another person)" in text  # the other end of his relationship
    assert "Home visit" in text and "home_visit" not in text and "statutory_visit" not in text
    assert "20 November 2026 at 10am" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text.replace(ids["person"], ""))
    assert "{&#34;" not in page and '{"' not in text and "&#34;" not in page
    assert "The child's voice" in text and "I like the dog." in text
    assert "docs/" not in page

    # Everything in the order it happened (a checklist's answers go with the checklist).
    assert len(reader.timeline) == sum(
        len(records(archive, kind)) for kind in CASE_KINDS if kind != "checklist_item"
    )
    assert "Bedroom seen" in text
    # An answer about a child names the child it is for; the checklist, whom it asked about.
    assert "Children asked about" in text
    checklist_table = page[page.index('id="section-checklist_item"') :]
    assert "Tobi Okoro" in checklist_table[: checklist_table.index("</table>")]
    moments = [moment_of(words) for words in reader.timeline]
    assert moments == sorted(moments)

    # The JSON stays beside it, for tools.
    assert records(archive, "person")[0]["ethnicity"] == "WOTH"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["person_name"] == "Tobi Okoro"


def test_the_index_is_in_the_language_of_the_admin_who_asked(app, casework, make_client):
    ids, _, _ = casework
    admin = make_client("root")
    assert admin.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    _, archive = export_bundle(app, admin, ids["person"])
    page, reader = read_index(archive)
    text = " ".join("".join(reader.text).split())
    assert '<html lang="cy">' in page
    assert [h for h in reader.headings if h[0] == 1] == [(1, "Cofnodion am Tobi Okoro")]
    sections = {title for level, title in reader.headings if level == 2}
    assert {"Nodiadau (1)", "Ymweliadau a chysylltiadau eraill (1)"} <= sections
    assert "Sut i ddarllen y bwndel hwn" in sections
    # Code lists' labels, the app's own words and dates in Welsh; names as they are.
    assert (3, "Ymweliad cartref: ymweliad statudol") in reader.headings
    assert "Amara Mensah (gweithiwr achos)" in text and "Hannah Ward (goruchwyliwr)" in text
    assert "Grace Okoro (person arall)" in text
    assert "20 Tachwedd 2026 am 10am" in text
    assert "Visits and other contacts" not in text and "How to read this bundle" not in text
    # The files for tools stay as stored.
    assert records(archive, "person")[0]["given_name"] == "Tobi"
    assert json.loads(archive.read("manifest.json"))["rule"].startswith("The person's own record")


def test_a_time_column_added_later_appears_labelled_in_words() -> None:
    table = sa.Table(
        "note_like",
        sa.MetaData(),
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("device_signed_at", sa.DateTime(timezone=True)),
        sa.Column("device_received_at", sa.DateTime(timezone=True)),
        sa.Column("reviewed_by_id", sa.Uuid),
        sa.Column("follow_up_on", sa.Date),
    )
    reviewer = uuid.uuid4()
    row = SimpleNamespace(
        __table__=table,
        id=uuid.uuid4(),
        device_signed_at=datetime(2026, 12, 5, 12, 16, tzinfo=UTC),
        device_received_at=datetime(2026, 7, 1, 11, 21, tzinfo=UTC),
        reviewed_by_id=reviewer,
        follow_up_on=date(2027, 1, 4),
    )
    names = Names(
        staff={str(reviewer): SimpleNamespace(display_name="Hannah Ward", role="supervisor")},
        people={},
        families={},
        teams={},
        templates={},
        categories={},
        subject="",
    )
    shown = {label: plain_text(value) for label, value in record_fields("note", row, names)}
    assert shown == {
        "Signed (on the worker's device)": "5 December 2026 at 12:16pm",
        "Device received at": "1 July 2026 at 12:21pm",  # BST
        "Reviewed by": "Hannah Ward (supervisor)",
        "Follow up on": "4 January 2027",
    }


def test_your_exports_say_whose_bundle_each_is_and_the_statutory_deadline(
    app, casework, make_client
):
    ids, _, _ = casework
    admin = make_client("root")
    received = clock.today() - timedelta(days=3)
    asked = admin.post(BASE, json={"person_id": ids["person"], "received_on": received.isoformat()})
    assert asked.status_code == 202, asked.json
    today_by_default = admin.post(BASE, json={"person_id": ids["person"]})
    assert today_by_default.json["received_on"] == clock.today().isoformat()
    listed = admin.get(BASE).json["items"]
    mine = next(item for item in listed if item["id"] == asked.json["id"])
    assert mine["person_name"] == "Tobi Okoro"
    assert mine["received_on"] == received.isoformat()
    assert mine["respond_by"] == subject_access_deadline(received).isoformat()
    assert date.fromisoformat(mine["respond_by"]) > received


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [(-1, "The date must be today or earlier."), (367, "The date must be within the last year.")],
)
def test_a_received_date_in_the_future_or_long_ago_is_refused_on_its_field(
    app, casework, make_client, days_ago, message
):
    ids, _, _ = casework
    received = clock.today() - timedelta(days=days_ago)
    response = make_client("root").post(
        BASE, json={"person_id": ids["person"], "received_on": received.isoformat()}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"received_on": [message]}


# Labels whose Welsh is the same word (the catalogue says so).
SAME_IN_WELSH = {"Person"}


def test_every_field_a_bundle_shows_has_a_welsh_label(app):
    """Each column shown of each kind of record is labelled in Welsh for a Welsh reader."""
    shown = [
        (kind, column.key)
        for kind in CASE_KINDS
        for column in db.metadata.tables[kind].columns
        if column.key not in NOT_SHOWN | set(TRAIL)
    ]
    with app.test_request_context():
        english = [humanise(name, kind) for kind, name in shown]
    with app.test_request_context(), force_locale("cy"):
        welsh = [humanise(name, kind) for kind, name in shown]
    missing = [
        f"{kind}.{name}: {words}"
        for (kind, name), words, cy in zip(shown, english, welsh, strict=True)
        if words == cy and words not in SAME_IN_WELSH
    ]
    assert len(shown) > 200 and missing == [], "label these in subject_access_index.py"
