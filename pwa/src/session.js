// Signing in, setting the device's passphrase, unlocking, locking and wiping.
// While locked the data key is gone from memory and IndexedDB holds nothing
// readable; ten wrong passphrases, or a revoked device, delete it all.

import { MAX_UNLOCK_ATTEMPTS, MIN_PASSPHRASE_LENGTH } from "./config.js";
import { createDataKey, deriveWrappingKey, open, randomBytes, unwrapDataKey, seal } from "./crypto/keys.js";
import { LocalDatabase, STORES, deleteLocalData } from "./db/database.js";
import { get, post, request, setCsrfToken } from "./sync/api.js";
import { deviceLanguage, useLanguage } from "./i18n.js";
import { LocalData } from "./store.js";
import { useBankHolidays } from "./domain/bank-holidays.js";
import { useWorker } from "./domain/team-lights.js";
import { SyncService, SyncState, openMutation } from "./sync/sync-service.js";
import { DeviceStorage } from "./storage.js";
import { AttachmentVault } from "./attachments/vault.js";
import { AttachmentUploads } from "./attachments/uploads.js";
import { nowIso } from "./clock.js";

export class WrongPassphrase extends Error {}
export class Wiped extends Error {}

function newDeviceId() {
  return crypto.randomUUID();
}

export class Session extends EventTarget {
  constructor() {
    super();
    this.db = null;
    this.key = null;
    this.user = null;
    this.data = null;
    this.sync = null;
    this.vault = null; // attachments' bytes, sealed like records (attachments/vault.js)
    this.attachments = null; // their uploads (attachments/uploads.js)
    this.pendingSecret = null;
    this.storage = new DeviceStorage();
    this.draftWrites = new Map(); // draft key -> its last write, so a key's writes land in the order asked
  }

  async openDatabase() {
    if (!this.db) {
      this.db = await LocalDatabase.open();
    }
    return this.db;
  }

  async device() {
    const db = await this.openDatabase();
    return (await db.get(STORES.device, "device")) || null;
  }

  get unlocked() {
    return this.key !== null;
  }

  /** Sign in online. Returns what the app must ask next: a passphrase to set or to enter. */
  async signIn(username, password, totpCode) {
    const db = await this.openDatabase();
    // Made once: two tabs signing in at once agree on one device.
    const device = await db.update(STORES.device, "device", (stored) =>
      stored ? null : { key: "device", device_id: newDeviceId(), next_mutation_id: 1, failed_unlocks: 0 },
    );
    const body = { username, password, device_id: device.device_id };
    if (totpCode) {
      body.totp_code = totpCode;
    }
    const reply = await post("/api/auth/login", body);
    setCsrfToken(reply.csrf_token);
    this.user = reply.user;
    useWorker(this.user);
    await useLanguage(this.user.language || deviceLanguage());
    this.pendingSecret = reply.device_secret;
    this.secondFactorSetup = reply.second_factor_setup_required;
    if (device.user_id && device.user_id !== reply.user.id) {
      // The server refuses a device registered to someone else; this is a guard only.
      throw new Error("This device belongs to another worker.");
    }
    // Read again as it is written: another tab may have taken mutation ids meanwhile.
    const signedIn = await this.#updateDevice({
      user_id: reply.user.id,
      username: reply.user.username,
      secret: reply.device_secret,
    });
    return signedIn.wrapped ? "unlock" : "set-passphrase";
  }

  /** First sign-in on this device: make the data key and wrap it with the passphrase. */
  async setPassphrase(passphrase) {
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new WrongPassphrase(`Use at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    }
    const device = await this.device();
    const salt = randomBytes(16);
    const wrappingKey = await deriveWrappingKey(passphrase, salt, device.secret);
    const { key, wrapped, iv } = await createDataKey(wrappingKey);
    await this.#updateDevice({ salt, wrapped, wrap_iv: iv, failed_unlocks: 0 });
    await this.#opened(key, device);
    await this.#saveProfile();
  }

  /** Unlock with the passphrase, offline or online. Ten failures wipe the device. */
  async unlock(passphrase) {
    const device = await this.device();
    if (!device?.wrapped) {
      throw new Wiped("There is nothing on this device to unlock. Sign in.");
    }
    let key;
    try {
      const wrappingKey = await deriveWrappingKey(passphrase, device.salt, device.secret);
      key = await unwrapDataKey(device.wrapped, device.wrap_iv, wrappingKey);
    } catch {
      // Counted on the row as stored: wrong tries in two tabs both count.
      const counted = await this.db.update(STORES.device, "device", (stored) =>
        stored ? { ...stored, failed_unlocks: (stored.failed_unlocks || 0) + 1 } : null,
      );
      if (!counted) {
        throw new Wiped("There is nothing on this device to unlock. Sign in."); // another tab wiped it
      }
      const failed = counted.failed_unlocks;
      if (failed >= MAX_UNLOCK_ATTEMPTS) {
        await this.wipe();
        throw new Wiped("Too many wrong passphrases. The data on this device has been deleted.");
      }
      throw new WrongPassphrase(
        `That passphrase is not right. ${MAX_UNLOCK_ATTEMPTS - failed} tries left before this device's data is deleted.`,
      );
    }
    await this.#updateDevice({ failed_unlocks: 0 });
    await this.#opened(key, device);
  }

  /**
   * Change some of the device row's fields, reading it in the same transaction:
   * a row read before a slow step (signing in, deriving a key) and written back
   * whole would undo what another tab wrote meanwhile (its mutation counter).
   */
  #updateDevice(fields) {
    return this.db.update(STORES.device, "device", (stored) => (stored ? { ...stored, ...fields } : null));
  }

  async #opened(key, device) {
    this.key = key;
    const [records, outbox, notices, profile] = await Promise.all([
      this.#openAll(STORES.records),
      this.#openOutbox(),
      this.#openAll(STORES.notices),
      this.db.get(STORES.state, "profile"),
    ]);
    const saved = profile ? await open(key, profile) : {};
    this.user = this.user || saved.user || null;
    useWorker(this.user);
    await useLanguage(this.user?.language || deviceLanguage());
    this.data = new LocalData();
    this.data.load({ records, outbox, notices, reference: saved.reference });
    useBankHolidays(this.data.reference.bank_holidays);
    this.vault = new AttachmentVault({ db: this.db, key });
    this.attachments = new AttachmentUploads({ vault: this.vault, data: this.data });
    await this.attachments.refresh();
    this.sync = new SyncService({
      db: this.db,
      key,
      data: this.data,
      deviceId: device.device_id,
      resumeSession: () => this.resumeServerSession(true),
      attachments: this.attachments,
    });
    await this.sync.loadState();
    this.sync.addEventListener("revoked", () => this.#revoked());
    // Space used moves with every change and sync: look again whenever either happens.
    this.sync.addEventListener("status", () => {
      if (this.sync?.state !== SyncState.SYNCING) {
        this.storage.refresh().catch(() => {});
      }
    });
    this.dispatchEvent(new Event("unlocked"));
    // Ask at every unlock: a browser may agree later (the app installed, used more).
    // Not awaited: some browsers ask the person, and unlocking must not wait for them.
    this.storage.askToKeep().catch(() => {});
  }

  /** Read the device's store again (another tab synced into it). */
  async reloadData() {
    if (!this.key) {
      return;
    }
    const [records, outbox, notices] = await Promise.all([
      this.#openAll(STORES.records),
      this.#openOutbox(),
      this.#openAll(STORES.notices),
    ]);
    this.data.load({ records, outbox, notices, reference: this.data.reference });
    await this.sync.loadState();
    await this.attachments.refresh();
  }

  /** Keep what a form holds, sealed, until it is saved or abandoned. */
  saveDraft(key, values) {
    const savedAt = nowIso();
    return this.#inOrder(key, async () => {
      const sealed = await seal(this.key, { values, saved_at: savedAt });
      await this.db.write([{ store: STORES.drafts, put: [{ key, ...sealed }] }]);
    });
  }

  async loadDraft(key) {
    await this.draftWrites.get(key)?.catch(() => {});
    const row = await this.db.get(STORES.drafts, key);
    return row ? (await open(this.key, row)).values : null;
  }

  deleteDraft(key) {
    return this.#inOrder(key, () => this.db.write([{ store: STORES.drafts, delete: [key] }]));
  }

  /**
   * Run a write of one draft after the writes of it asked for before. Sealing
   * takes a moment, so without this a save begun as the worker typed could land
   * after the form was saved and its draft deleted, bringing the old words back.
   * @param {string} key
   * @param {() => Promise<void>} write
   */
  #inOrder(key, write) {
    const written = (this.draftWrites.get(key) || Promise.resolve()).catch(() => {}).then(write);
    this.draftWrites.set(key, written);
    const settled = () => {
      if (this.draftWrites.get(key) === written) {
        this.draftWrites.delete(key);
      }
    };
    written.then(settled, settled);
    return written;
  }

  async #openOutbox() {
    const rows = await this.db.all(STORES.outbox);
    return Promise.all(rows.map((row) => openMutation(this.key, row)));
  }

  async #openAll(store) {
    const rows = await this.db.all(store);
    return Promise.all(rows.map((row) => open(this.key, row)));
  }

  /** Fetch what forms and date rules need (code lists, names, bank holidays, urgent numbers) and keep it sealed. */
  async refreshReference() {
    const practitioner = ["caseworker", "supervisor"].includes(this.user?.role);
    const [vocabularies, directory, bankHolidays, urgentContacts, supervisionSettings, endingSettings, plainWords] = await Promise.all([
      get("/api/vocabularies"),
      get("/api/directory"),
      get("/api/bank-holidays"),
      // The numbers to phone when a child may be at immediate risk: shown offline.
      get("/api/urgent-contacts"),
      // The queue's team settings, kept for use offline; someone with no team has none.
      practitioner ? get("/api/supervision-settings").catch(() => null) : null,
      // The council's clearing period: how long a closed family stays on this device.
      practitioner ? get("/api/case-endings/settings").catch(() => null) : null,
      // The council's glossary: the family copy's plain-words check reads it offline.
      practitioner ? get("/api/plain-words").catch(() => []) : [],
    ]);
    this.data.reference = {
      // Each list as [code, label] pairs in the server's order: the most common first, "Other" last.
      vocabularies: Object.fromEntries(vocabularies.map((v) => [v.name, v.options.map(({ code, label }) => [code, label])])),
      // Each list's numbering, kept beside the list it describes: a proposal says the
      // edition its reason came from, so the server reads the code as the worker meant it.
      vocabulary_editions: Object.fromEntries(vocabularies.map((v) => [v.name, v.edition ?? 1])),
      directory: Object.fromEntries(directory.map((person) => [person.id, person])),
      bank_holidays: bankHolidays,
      urgent_contacts: urgentContacts,
      supervision_settings: supervisionSettings,
      ending_settings: endingSettings,
      plain_words: plainWords.map(({ term, plain }) => ({ term, plain })),
    };
    useBankHolidays(bankHolidays);
    await this.#saveProfile();
    this.data.changed(); // screens drawn before the names arrived show them now
  }

  async #saveProfile() {
    if (!this.key) {
      return; // locked: the profile is saved at the next unlock
    }
    const sealed = await seal(this.key, { user: this.user, reference: this.data.reference });
    await this.db.write([{ store: STORES.state, put: [{ key: "profile", ...sealed }] }]);
  }

  /**
   * Choose the language of the app, the server's messages and notifications.
   * It applies at once, offline too; the server is told now or at the next
   * connection (language_unsent), so the person's other devices follow.
   */
  async chooseLanguage(code) {
    const chosen = await useLanguage(code);
    this.user = { ...this.user, language: chosen, language_unsent: true };
    await this.#saveProfile();
    await this.#sendLanguage().catch(() => {});
    this.dispatchEvent(new Event("language"));
    return chosen;
  }

  async #sendLanguage() {
    if (!this.user?.language_unsent) {
      return;
    }
    await request("PUT", "/api/auth/language", { language: this.user.language });
    this.user = { ...this.user, language_unsent: false };
    await this.#saveProfile();
  }

  /** Follow a language chosen on another device, unless this one has a choice still to send. */
  async #followLanguage(server) {
    if (this.user?.language_unsent) {
      await this.#sendLanguage();
    } else if (server?.language && server.language !== this.user?.language && this.key) {
      await useLanguage(server.language);
      this.user = { ...this.user, language: server.language };
      await this.#saveProfile();
      this.dispatchEvent(new Event("language"));
    }
  }

  /** Restore the CSRF token of a session that survived a reload (online only). */
  async resumeServerSession(raise = false) {
    try {
      const session = await get("/api/auth/session");
      setCsrfToken(session.csrf_token);
      await this.#followLanguage(session.user).catch(() => {});
      return true;
    } catch (error) {
      if (raise) {
        throw error; // the sync service turns it into offline or "sign in again"
      }
      return false;
    }
  }

  lock() {
    this.#forget();
    this.dispatchEvent(new Event("locked"));
  }

  #forget() {
    this.attachments?.stop();
    this.attachments = null;
    this.vault = null;
    this.sync?.stop();
    this.sync = null;
    this.data = null;
    this.key = null;
  }

  async signOut() {
    try {
      await post("/api/auth/logout", {});
    } catch {
      // Offline: the server session times out by itself; the device locks now.
    }
    setCsrfToken(null);
    this.lock();
  }

  async wipe() {
    this.#forget();
    this.db?.close();
    this.db = null;
    await deleteLocalData();
    this.dispatchEvent(new Event("wiped"));
  }

  async #revoked() {
    await this.wipe();
    this.dispatchEvent(new Event("revoked"));
  }
}
