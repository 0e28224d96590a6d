"""The supervisor's team view (offline) and handing a family over to another worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from server import clock
from server.extensions import db
from server.persistence import Assignment, Membership, Person, PlanEpisode
from tests.api.casework import created, publish_practice_settings
from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_conference_and_reviews import go, wait_for_reference, watch_for_errors


def allocate(app: Any, family: Any, *spells: tuple[Any, int, int | None]) -> None:
    """Give a family its allocated workers: (worker, started days ago, ended days ago or None)."""
    today = clock.today()
    with app.app_context():
        for worker, started, ended in spells:
            db.session.add(
                Assignment(
                    family_id=family.id,
                    worker_id=worker.id,
                    started_on=today - timedelta(days=started),
                    ended_on=None if ended is None else today - timedelta(days=ended),
                    change_reason=None if ended is None else "workload",
                    handover_note=None if ended is None else "Knows the family well.",
                )
            )
        db.session.commit()


def protect_child(app: Any, family: Any, started_days_ago: int) -> None:
    """Put the family's child on a child protection plan that began some days ago."""
    with app.app_context():
        child = db.session.scalar(
            sa.select(Person.id)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.family_id == family.id, Person.is_child.is_(True))
        )
        db.session.add(
            PlanEpisode(
                family_id=family.id,
                person_id=child,
                plan_type="child_protection",
                cp_category="NEG",
                started_on=clock.today() - timedelta(days=started_days_ago),
            )
        )
        db.session.commit()


def days_ago(days: int) -> datetime:
    return clock.now() - timedelta(days=days)


def contact(worker: Any, family: Any, days: int, *, meaningful: bool) -> None:
    created(
        worker.post(
            "/api/interactions",
            json={
                "family_id": str(family.id),
                "occurred_at": days_ago(days).isoformat(),
                "mode": "phone",
                "purpose": "direct_work",
                "meaningful": meaningful,
            },
        )
    )


def rows_of(page: Any, panel: str, caption: str) -> Any:
    return page.locator(f"#{panel} table").filter(has_text=caption).locator("tbody tr")


def test_the_team_view_shows_relational_health_and_compliance_apart_offline(
    app, make_user, make_family, make_client, new_context
):
    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))  # statutory visits every 10 working days
    make_user("supervisor", username="priya", display_name="Priya Shah")
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    ben = make_user("caseworker", username="ben", display_name="Ben Hall")
    # Okoro: Amara's for 400 days, a meaningful contact 3 days ago; Sam's child
    # protection plan began a week ago, so his first visit is due within the fortnight.
    okoro = make_family(team_of=amara, name="Okoro", created_at=days_ago(700))
    allocate(app, okoro, (amara, 400, None))
    protect_child(app, okoro, 7)
    # Singh: Sam's plan began 60 days ago and he was never visited (overdue); the
    # worker changed twice this year; only a contact that was not meaningful, yesterday.
    singh = make_family(team_of=amara, name="Singh", created_at=days_ago(600))
    allocate(app, singh, (ben, 500, 200), (amara, 200, 20), (ben, 20, None))
    protect_child(app, singh, 60)
    contact(make_client("amara"), okoro, 3, meaningful=True)
    contact(make_client("ben"), singh, 1, meaningful=False)

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "priya")
    wait_for_reference(page)
    device.set_offline(True)
    page.get_by_role("link", name="Team view").click()
    expect(page.get_by_role("heading", level=1, name="Your team")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Relational health")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Compliance")).to_be_visible()

    no_contact = rows_of(page, "relational-panel", "no meaningful contact for more than 20")
    expect(no_contact).to_have_count(1)
    expect(no_contact.first).to_contain_text("Singh")
    expect(no_contact.first).to_contain_text("None recorded")
    expect(no_contact.first).to_contain_text("Ben Hall")
    link = no_contact.first.get_by_role("link", name="Singh")
    assert link.get_attribute("href") == f"#/family/{singh.id}"

    changed = rows_of(page, "relational-panel", "worker changed in the last 12 months")
    expect(changed).to_have_count(1)
    expect(changed.first).to_contain_text("Singh")
    expect(changed.first.locator("td").first).to_have_text("2")

    lengths = rows_of(page, "relational-panel", "current worker")
    expect(lengths).to_have_count(2)
    expect(lengths.filter(has_text="Okoro")).to_contain_text("1 year, 1 month")
    expect(lengths.filter(has_text="Okoro")).to_contain_text("Amara Okafor")
    expect(lengths.filter(has_text="Singh")).to_contain_text("20 days")  # under a month on any date

    overdue = rows_of(page, "compliance-panel", "overdue")
    expect(overdue).to_have_count(1)
    expect(overdue.first).to_contain_text("Singh")
    expect(overdue.first).to_contain_text("Overdue")
    expect(overdue.first).to_contain_text("Visit: Sam")
    due = rows_of(page, "compliance-panel", "due in the next 14 days")
    expect(due).to_have_count(1)
    expect(due.first).to_contain_text("Okoro")
    check_accessibility(page, "team view")

    # The supervisor chooses N: a bad number is refused, a smaller one lists Okoro too.
    days = page.get_by_label(
        "Show families with no meaningful contact for more than this many days"
    )
    days.fill("a week")
    page.get_by_role("button", name="Show families").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="whole number")).to_have_attribute(
        "href", "#contact-days"
    )
    check_accessibility(page, "team view with an error")
    days.fill("2")
    page.get_by_role("button", name="Show families").click()
    no_contact = rows_of(page, "relational-panel", "no meaningful contact for more than 2 days")
    expect(no_contact).to_have_count(2)
    expect(no_contact.nth(1)).to_contain_text("Okoro")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert errors == []


def test_a_supervisor_hands_a_family_over_with_a_note(
    app, make_user, make_family, make_client, new_context
):
    priya = make_user("supervisor", username="priya", display_name="Priya Shah")
    amara = make_user("caseworker", username="amara", display_name="Amara Okafor")
    make_user("caseworker", username="ben", display_name="Ben Hall")
    make_user("caseworker", team="South", username="sol", display_name="Sol South")
    family = make_family(team_of=priya, worker=amara, name="Okoro")
    note = "Grace trusts the health visitor. Tobi's school review is on Friday."

    previous = new_context().new_page()
    sign_in(previous, "amara")
    expect(previous.get_by_role("link", name="Okoro")).to_be_visible()

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "priya")
    wait_for_reference(page)
    go(page, f"#/family/{family.id}")
    history = page.locator("#assignment-history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Amara Okafor")
    expect(history.first).to_contain_text("Now")
    page.get_by_role("link", name="Assign or hand over the family").click()
    expect(
        page.get_by_role("heading", level=1, name="Assign or hand over the family")
    ).to_be_visible()
    expect(page.get_by_text("it is not saved on this device to send later")).to_be_visible()
    # Only the other workers of Priya's team are offered.
    options = page.get_by_label("Who does the family move to?").locator("option")
    expect(options).to_have_text(["Choose a worker", "Ben Hall", "Priya Shah (you)"])
    check_accessibility(page, "handover")

    # Without a note: refused, with the error summary, and nothing sent.
    page.get_by_label("Who does the family move to?").select_option(label="Ben Hall")
    page.get_by_label("Workload balancing").check()
    page.get_by_role("button", name="Hand over the family").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Write a handover note")).to_have_attribute(
        "href", "#handover-note"
    )
    expect(page.locator("#handover-note-error")).to_contain_text("Write a handover note")
    expect(page.get_by_label("Who does the family move to?")).to_have_value(
        page.evaluate(
            "() => Object.values(window.fieldwork.session.data.reference.directory)"
            ".find((p) => p.display_name === 'Ben Hall').id"
        )
    )
    check_accessibility(page, "handover with an error")

    # Offline: said plainly, nothing queued, the note kept.
    page.get_by_label("Handover note").fill(note)
    device.set_offline(True)
    page.get_by_role("button", name="Hand over the family").click()
    expect(page.locator("#handover-problem")).to_contain_text("There is no connection")
    assert page.evaluate("() => window.fieldwork.session.data.outbox.length") == 0
    expect(page.get_by_label("Handover note")).to_have_value(note)

    device.set_offline(False)
    page.get_by_role("button", name="Hand over the family").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The family is now with Ben Hall"
    )
    wait_until_synced(page)
    history = page.locator("#assignment-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Ben Hall")
    expect(history.nth(1)).to_contain_text("Workload balancing")
    expect(history.nth(1)).to_contain_text(note)
    draft = page.evaluate(
        "id => window.fieldwork.session.loadDraft(`family/${id}/handover`)", str(family.id)
    )
    assert draft is None
    assert errors == []

    # The receiving worker's device gets the family, with the history and the note.
    receiving = new_context().new_page()
    sign_in(receiving, "ben")
    receiving.get_by_role("link", name="Okoro").click()
    rows = receiving.locator("#assignment-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("you")
    expect(rows.nth(1)).to_contain_text("Amara Okafor")
    expect(rows.nth(1)).to_contain_text(note)
    expect(receiving.get_by_role("link", name="Assign or hand over the family")).to_have_count(0)
    check_accessibility(receiving, "family page with its workers")

    # The previous worker's device lets the family go at its next sync.
    previous.get_by_role("button", name="Sync now").click()
    wait_until_synced(previous)
    expect(previous.get_by_role("link", name="Okoro")).to_have_count(0)
    assert previous.evaluate("() => window.fieldwork.session.data.all('family').length") == 0
    go(previous, f"#/family/{family.id}")
    expect(previous.get_by_role("heading", level=1, name="Family not found")).to_be_visible()
