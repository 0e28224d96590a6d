"""A family copy made offline from a signed note: jargon flagged and fixed, a third party
flagged, printed on its own, and recorded as shared by hand."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.api.casework import created
from tests.browser.conftest import check_accessibility, sign_in
from tests.browser.test_visit_note_judgment import go, items_of, sync_and_wait, watch_for_errors


def test_a_family_copy_is_made_offline_checked_printed_and_shared_by_hand(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    api = make_client("amara")
    created(
        api.post(
            "/api/people", json={"family_id": fid, "given_name": "Dean", "family_name": "Marsh"}
        )
    )
    note = created(
        api.post(
            "/api/notes",
            json={
                "family_id": fid,
                "sections": {
                    "what_happened": "We baked bread together. Sam showed me a drawing.",
                    "family_view": "Alex said contact with Dean at weekends is going well.",
                    "reflection": "I noticed Alex seemed tired.",
                    "next_steps": "We meet again next week.",
                },
            },
        )
    )
    assert api.post(f"/api/notes/{note['id']}/sign").status_code == 200

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    page.wait_for_function(
        """() => navigator.serviceWorker.controller !== null
            && (window.fieldwork.session.data.reference?.plain_words || []).length > 0"""
    )
    device.set_offline(True)

    go(page, f"#/note/{note['id']}")
    expect(page.get_by_role("heading", level=2, name="Family copies")).to_be_visible()
    page.get_by_role("button", name="Make a family copy").click()
    expect(page.get_by_role("heading", level=1, name="Family copy")).to_be_visible()
    # Drafted from the note: the family's words, never the worker's reflection.
    expect(page.get_by_role("textbox", name="Your view")).to_have_value(
        "Alex said contact with Dean at weekends is going well."
    )
    expect(page.get_by_label("What happened")).not_to_contain_text("tired")
    plain = page.locator("#plain-words")
    expect(plain).to_contain_text("instead of “contact”, try “time together")
    check_accessibility(page, "family copy: a jargon word flagged")

    # Dean lives elsewhere: out of the household, his name is flagged to check.
    page.get_by_label("Dean Marsh").uncheck()
    page.get_by_role("button", name="Save the draft").click()
    check = page.locator("#check-before-sharing")
    expect(check).to_contain_text("Your view names Dean, who does not live in this household.")
    page.get_by_role("button", name="Share the copy").click()
    expect(page.locator(".govuk-error-summary").first).to_contain_text("names Dean")
    check_accessibility(page, "family copy: check before sharing")

    # The worker puts it plainly and leaves Dean out.
    page.get_by_role("textbox", name="Your view").fill(
        "Alex said weekends with Sam's dad are going well."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    expect(page.locator("#check-before-sharing")).to_have_count(0)
    expect(page.locator("#plain-words")).to_contain_text("No long sentences or jargon found")

    # The print view: only the copy goes on paper.
    page.get_by_role("link", name="Print the copy").click()
    expect(page.get_by_role("heading", level=1, name="Print the family copy")).to_be_visible()
    copy = page.locator(".app-family-copy")
    expect(copy).to_contain_text("What we talked about and agreed")
    expect(copy).to_contain_text("For Sam Okoro, Alex Okoro, from Amara Obi")
    expect(copy).not_to_contain_text("Dean")
    check_accessibility(page, "family copy: print view")
    page.emulate_media(media="print")
    expect(copy).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("#app-navigation")).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the family copy").click()

    # Shared by hand, recorded with whom and how.
    page.get_by_role("button", name="Share the copy").click()
    expect(page.get_by_role("heading", level=2, name="Record how you shared it")).to_be_visible()
    page.get_by_role("button", name="Record as shared").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter who you gave or sent the copy to"
    )
    check_accessibility(page, "family copy: recording the sharing, with errors")
    page.get_by_label("Who did you give or send it to?").fill("Alex Okoro")
    page.get_by_label("By hand").check()
    page.get_by_role("button", name="Record as shared").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "recorded as shared with Alex Okoro"
    )
    expect(page.locator("#copy-state")).to_contain_text("Shared")
    expect(page.locator("#copy-state")).to_contain_text("by hand")
    expect(page.locator("#copy-state")).to_contain_text("Not synced yet")
    check_accessibility(page, "family copy: shared")

    device.set_offline(False)
    sync_and_wait(page)
    copies: list[dict[str, Any]] = items_of(api, f"/api/family-copies?note_id={note['id']}")
    assert len(copies) == 1
    shared = copies[0]
    assert shared["state"] == "signed"
    assert (shared["shared_with"], shared["shared_how"]) == ("Alex Okoro", "by_hand")
    assert shared["device_signed_at"] is not None and shared["signed_at"] is not None
    assert "contact" not in shared["sections"]["your_view"]
    assert len(shared["household_ids"]) == 2
    assert errors == []
