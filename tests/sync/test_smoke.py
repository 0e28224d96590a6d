from __future__ import annotations

from tests.sync.devices import device


def test_a_note_written_offline_reaches_a_second_device(app, make_user, make_family):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    phone, tablet = device(app, "amara"), device(app, "amara")
    phone.pull()
    assert phone.get("family", str(family.id))["display_name"] == "Okoro"
    note_id = phone.create(
        "note", {"family_id": str(family.id), "sections": {"what_happened": "Tea"}}
    )
    phone.sign("note", note_id)
    results = phone.push()
    assert [r["status"] for r in results] == ["applied", "applied"]
    tablet.pull()
    assert tablet.get("note", note_id)["state"] == "signed"
