"""The device: offline start, locking, wrong passphrases, revocation, nothing readable at rest."""

from __future__ import annotations

from tests.browser.conftest import PASSPHRASE, check_accessibility, sign_in, unlock

RAW_READ = """async () => {
  // Everything IndexedDB holds, as bytes decoded to text: what a thief with the disk gets.
  const names = (await indexedDB.databases()).map((d) => d.name);
  const out = [];
  for (const name of names) {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    for (const store of db.objectStoreNames) {
      const rows = await new Promise((ok) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(r.result);
      });
      const text = (value) => {
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
          const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
          return new TextDecoder("latin1").decode(bytes);
        }
        if (value && typeof value === "object") return Object.values(value).map(text).join("|");
        return String(value);
      };
      out.push(rows.map(text).join("\\n"));
    }
    db.close();
  }
  return {names, text: out.join("\\n")};
}"""


def test_the_app_starts_offline_and_unlocks_from_the_encrypted_store(
    app, make_user, make_family, new_context
):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    context = new_context()
    page = context.new_page()
    sign_in(page, "amara")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="Unlock").wait_for()
    check_accessibility(page, "unlock")
    unlock(page)
    page.get_by_role("link", name="Okoro").wait_for()
    page.get_by_role("region", name="Sync status").get_by_text("Offline").wait_for()


def test_locking_leaves_nothing_readable_and_a_canary_is_never_in_plain_text(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    canary = "CANARY-7f3a-kitchen-table"
    response = make_client("amara").post(
        "/api/notes", json={"family_id": str(family.id), "sections": {"child_voice": canary}}
    )
    assert response.status_code == 201
    page = new_context().new_page()
    sign_in(page, "amara")
    # Unsynced too: a draft typed on the device, waiting in the outbox.
    page.evaluate(
        """(args) => window.fieldwork.session.sync.enqueue('note', 'create', crypto.randomUUID(),
              {family_id: args.family, sections: {reflection: args.canary}})""",
        {"family": str(family.id), "canary": canary + "-outbox"},
    )
    assert page.evaluate("() => window.fieldwork.session.data.all('note').length") == 2

    page.get_by_role("link", name="Lock").click()
    page.get_by_role("heading", name="Unlock").wait_for()
    stored = page.evaluate(RAW_READ)
    assert "fieldwork" in stored["names"]
    assert len(stored["text"]) > 1000  # the store is full of something: ciphertext
    assert canary not in stored["text"]
    assert "Okoro" not in stored["text"]

    unlock(page)
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Unlock").wait_for()
    assert canary not in page.evaluate(RAW_READ)["text"]


def test_ten_wrong_passphrases_wipe_the_device(app, make_user, make_family, new_context):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    sign_in(page, "amara")
    page.get_by_role("link", name="Lock").click()
    for attempt in range(1, 10):
        unlock(page, passphrase=f"wrong-{attempt}")
        page.locator("#passphrase-error", has_text=f"{10 - attempt} tries left").wait_for()
    check_accessibility(page, "unlock with an error")
    unlock(page, passphrase="wrong-10")
    page.get_by_role("heading", name="This device's data has been deleted").wait_for()
    assert "fieldwork" not in page.evaluate(RAW_READ)["names"]


def test_a_revoked_device_is_wiped_on_its_next_sync(
    app, make_user, make_family, make_client, new_context
):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    sign_in(page, "amara")
    device_id = page.evaluate("() => window.fieldwork.session.sync.deviceId")
    laptop = make_client("amara")
    assert laptop.post(f"/api/devices/{device_id}/revoke").status_code == 200
    page.get_by_role("button", name="Sync now").click()
    page.get_by_role("heading", name="This device's data has been deleted").wait_for()
    check_accessibility(page, "revoked")
    assert "fieldwork" not in page.evaluate(RAW_READ)["names"]


def test_the_app_locks_itself_after_inactivity(app, make_user, make_family, new_context):
    amara = make_user("caseworker", username="amara")
    make_family(team_of=amara, worker=amara, name="Okoro")
    page = new_context().new_page()
    page.clock.install()
    sign_in(page, "amara")
    page.clock.fast_forward("06:00")
    page.get_by_role("heading", name="Unlock").wait_for()
    unlock(page, PASSPHRASE)
    page.get_by_role("link", name="Okoro").wait_for()
