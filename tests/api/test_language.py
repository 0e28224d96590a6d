"""Each person's language: chosen through the API, checked, and spoken back."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def amara(okoro, make_client):
    return make_client("amara")


def test_a_worker_chooses_welsh_and_the_server_answers_in_welsh(amara):
    assert amara.get("/api/auth/session").json["user"]["language"] == "en"
    chosen = amara.put("/api/auth/language", json={"language": "cy"})
    assert chosen.status_code == 200
    assert chosen.json["language"] == "cy"
    assert amara.get("/api/auth/session").json["user"]["language"] == "cy"
    missing = amara.get(f"/api/families/{uuid.uuid4()}/chronology")
    assert missing.status_code == 404
    assert missing.json["message"] == "Heb ddod o hyd iddo."


def test_a_language_the_service_does_not_speak_is_refused_with_a_field_message(amara):
    refused = amara.put("/api/auth/language", json={"language": "fr"})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"language": ["Choose English or Cymraeg."]}
    assert amara.get("/api/auth/session").json["user"]["language"] == "en"


def test_the_refusal_itself_is_in_welsh_for_someone_who_chose_welsh(amara):
    amara.put("/api/auth/language", json={"language": "cy"})
    refused = amara.put("/api/auth/language", json={"language": "xx"})
    assert refused.json["message"] == "Gwiriwch y meysydd sydd wedi'u hamlygu."
    assert refused.json["errors"] == {"language": ["Dewiswch English neu Cymraeg."]}


def test_the_chronology_prints_in_welsh_with_welsh_dates(okoro, amara):
    amara.put("/api/auth/language", json={"language": "cy"})
    page = amara.get(f"/api/families/{okoro['family']}/chronology/print").text
    assert '<html lang="cy">' in page
    assert "<h1>Y stori hyd yma a'r gronoleg</h1>" in page
    assert "Argraffwyd ar " in page
    months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf")
    months += ("Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")
    assert any(f" {month} " in page for month in months)


def test_someone_not_signed_in_gets_their_browsers_language(make_client):
    anonymous = make_client()
    answer = anonymous.get("/api/auth/session", headers={"Accept-Language": "cy-GB,cy;q=0.9"})
    assert answer.status_code == 401
    assert answer.json["message"] == "Mewngofnodwch i barhau."


@pytest.fixture
def welsh(amara):
    assert amara.put("/api/auth/language", json={"language": "cy"}).status_code == 200
    return amara


def test_a_missing_required_field_is_refused_in_welsh(welsh):
    refused = welsh.put("/api/auth/language", json={})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"language": ["Mae angen llenwi'r maes hwn."]}


def test_an_unknown_field_is_refused_in_welsh(welsh):
    refused = welsh.put("/api/auth/language", json={"language": "cy", "colour": "red"})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"colour": ["Maes anhysbys."]}


def test_an_invalid_uuid_is_refused_in_welsh_in_a_query_and_in_an_address(okoro, welsh):
    family = okoro["family"]
    in_query = welsh.get(f"/api/families/{family}/chronology?child_id=sam")
    assert in_query.status_code == 422
    assert in_query.json["errors"] == {"child_id": ["Nid yw hwn yn UUID dilys."]}
    in_address = welsh.get("/api/families/not-an-id/chronology")
    assert in_address.status_code == 400
    assert in_address.json["errors"] == {"id": ["Nid yw hwn yn UUID dilys."]}


def test_the_same_answers_stay_english_for_an_english_speaker(okoro, amara):
    assert amara.put("/api/auth/language", json={}).json["errors"] == {
        "language": ["Missing data for required field."]
    }
    in_query = amara.get(f"/api/families/{okoro['family']}/chronology?child_id=sam")
    assert in_query.json["errors"] == {"child_id": ["Not a valid UUID."]}
