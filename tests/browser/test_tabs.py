"""Two tabs of the app on one device: changes saved in both at once are all kept and sent."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.extensions import db
from server.persistence import Note
from tests.browser.conftest import sign_in, unlock, wait_until_synced

CHANGES_PER_TAB = 5

# Each tab waits for the same signal, then records its changes one after another:
# both tabs take mutation ids from the one device row at the same moment.
WAIT_THEN_RECORD = """([family, tab, count]) => {
  const signal = new BroadcastChannel("test-start");
  window.recorded = new Promise((resolve) => { signal.onmessage = resolve; }).then(async () => {
    const ids = [];
    for (let i = 0; i < count; i += 1) {
      const note = await window.fieldwork.session.sync.enqueue("note", "create",
        crypto.randomUUID(), {family_id: family, sections: {reflection: `${tab} ${i}`}});
      ids.push(note.mutation_id);
    }
    return ids;
  });
}"""

START = "() => new BroadcastChannel('test-start').postMessage('go')"

STORED_OUTBOX = (
    "() => window.fieldwork.session.db.all('outbox').then((rows) => rows.map((r) => r.mutation_id))"
)


def open_second_tab(context: Any) -> Any:
    tab = context.new_page()
    tab.goto("/")
    unlock(tab)
    tab.get_by_role("heading", level=1, name="Your caseload").wait_for()
    wait_until_synced(tab)
    return tab


def test_changes_saved_in_two_tabs_at_the_same_moment_are_all_kept_and_all_sync(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    device = new_context()
    first = device.new_page()
    sign_in(first, "amara")
    second = open_second_tab(device)

    # Offline, so nothing is sent until both tabs have saved everything.
    device.set_offline(True)
    for page, tab in ((first, "first"), (second, "second")):
        page.evaluate(WAIT_THEN_RECORD, [str(family.id), tab, CHANGES_PER_TAB])
    first.evaluate(START)
    ids = first.evaluate("() => window.recorded") + second.evaluate("() => window.recorded")

    total = 2 * CHANGES_PER_TAB
    assert sorted(ids) == list(range(1, total + 1)), "every change has its own mutation id"
    assert sorted(first.evaluate(STORED_OUTBOX)) == sorted(ids), "every change is in the outbox"

    device.set_offline(False)
    first.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    second.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    for page in (first, second):
        # Waits on the page's own store (Playwright polls it), never on a wall clock.
        page.wait_for_function(
            "async () => (await window.fieldwork.session.db.all('outbox')).length === 0",
            polling=100,
        )

    with app.app_context():
        notes = db.session.scalars(sa.select(Note).where(Note.family_id == family.id)).all()
        kept = sorted(note.sections["reflection"] for note in notes)
    made = [f"{tab} {i}" for tab in ("first", "second") for i in range(CHANGES_PER_TAB)]
    assert kept == sorted(made)

    # Each tab shows both tabs' notes once the other has synced.
    for page in (first, second):
        page.wait_for_function(
            "(total) => window.fieldwork.session.data.all('note').filter((n) => !n.unsynced).length"
            " === total",
            arg=total,
        )
