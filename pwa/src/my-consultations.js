// The consultations this device asked. The server keeps no link between a
// consultation and its asker, by design, so this device keeps its own private
// list, sealed with the data key like every other local record: which
// consultations it asked, the key that lets the asker (and no one else in
// their team) read and answer each, and which replies it has already shown. After each
// sync (and so on the sync timer and on a push) it looks for new replies and
// announces them ("new-replies"), for an in-app banner and, if allowed, a
// notification that names nothing.

import { CONSULTATION_FOLLOW_DAYS, CONSULTATION_POLL_MS } from "./config.js";
import { open, seal } from "./crypto/keys.js";
import { STORES } from "./db/database.js";
import { SyncState } from "./sync/sync-service.js";
import { nowMs } from "./clock.js";

const STATE_KEY = "my-consultations";

/** The header that carries an asker's key to the server (never the address). */
export const ASKER_KEY_HEADER = "X-Asker-Key";

/** Make the key for a new consultation: 32 random bytes, URL-safe base64. */
export function newAskerKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The headers that show the server this device asked a consultation (none for a peer's). */
export function askerHeaders(item) {
  return item?.asker_key ? { [ASKER_KEY_HEADER]: item.asker_key } : {};
}

/** Return the replies of a consultation this device has not shown yet. */
export function unseenReplies(followed, consultation) {
  const seen = new Set(followed?.seen || []);
  return (consultation.replies || []).filter((reply) => !seen.has(reply.id));
}

export class MyConsultations extends EventTarget {
  constructor({ db, key }) {
    super();
    this.db = db;
    this.key = key;
    this.items = new Map(); // id -> {id, title, posted_at, asker_key, seen: [reply ids], unseen: [reply ids]}
    this.lastChecked = 0;
  }

  async load() {
    const row = await this.db.get(STORES.state, STATE_KEY);
    const saved = row ? await open(this.key, row) : { items: [] };
    this.items = new Map(saved.items.map((item) => [item.id, item]));
    return this;
  }

  async #save() {
    const sealed = await seal(this.key, { items: [...this.items.values()] });
    await this.db.write([{ store: STORES.state, put: [{ key: STATE_KEY, ...sealed }] }]);
    this.dispatchEvent(new Event("change"));
  }

  has(id) {
    return this.items.has(id);
  }

  /** The consultations this device asked, newest first. */
  list() {
    return [...this.items.values()].sort((a, b) => (b.posted_at || "").localeCompare(a.posted_at || ""));
  }

  /** Those with replies not yet read here. */
  withNewReplies() {
    return this.list().filter((item) => item.unseen.length > 0);
  }

  /** Remember a consultation just posted from this device, with the key it was posted with. */
  async remember(consultation, askerKey) {
    this.items.set(consultation.id, {
      id: consultation.id,
      title: consultation.title,
      posted_at: consultation.posted_at,
      asker_key: askerKey,
      seen: (consultation.replies || []).map((reply) => reply.id),
      unseen: [],
    });
    await this.#save();
  }

  /** The worker has read every reply shown on this consultation. */
  async markRead(consultation) {
    const item = this.items.get(consultation.id);
    if (!item) return;
    const ids = (consultation.replies || []).map((reply) => reply.id);
    if (item.unseen.length === 0 && ids.every((id) => item.seen.includes(id))) return;
    item.seen = ids;
    item.unseen = [];
    await this.#save();
  }

  /**
   * Fetch each consultation asked here and note replies not shown before.
   * `fetchOne(id, item)` returns the consultation with its replies, or null if it is gone
   * (`item` is what this device keeps of it, its key included).
   * Returns the consultations that gained replies since the last check.
   */
  async check(fetchOne) {
    this.lastChecked = nowMs();
    const fresh = [];
    const since = new Date(nowMs() - CONSULTATION_FOLLOW_DAYS * 86_400_000).toISOString();
    for (const item of this.list().filter((followed) => !followed.posted_at || followed.posted_at >= since)) {
      const consultation = await fetchOne(item.id, item);
      if (!consultation) continue;
      const unseen = unseenReplies(item, consultation).map((reply) => reply.id).filter((id) => !item.unseen.includes(id));
      if (unseen.length) {
        item.unseen = [...item.unseen, ...unseen];
        fresh.push(item);
      }
    }
    if (fresh.length) {
      await this.#save();
      this.dispatchEvent(new CustomEvent("new-replies", { detail: fresh }));
    }
    return fresh;
  }
}

// One list per unlocked session: keyed by the session's open data, so locking
// (which drops the data and the key) leaves nothing of it in memory.
const lists = new WeakMap();

/** Return this unlocked session's list of its own consultations. */
export function myConsultations(session) {
  if (!session.data) {
    throw new Error("The app is locked.");
  }
  if (!lists.has(session.data)) {
    lists.set(session.data, new MyConsultations({ db: session.db, key: session.key }).load());
  }
  return lists.get(session.data);
}

/**
 * After each successful sync, at most every CONSULTATION_POLL_MS, look for
 * replies to this device's consultations (check() announces any it finds).
 */
export function watchForReplies(session, fetchOne) {
  const sync = session.sync;
  let checking = false;
  const onStatus = async () => {
    if (checking || sync.state !== SyncState.IDLE || !session.data) return;
    const mine = await myConsultations(session);
    if (!mine.items.size || nowMs() - mine.lastChecked < CONSULTATION_POLL_MS) return;
    checking = true;
    try {
      await mine.check(fetchOne);
    } catch {
      // Offline or signed out: the next sync tries again.
    } finally {
      checking = false;
    }
  };
  sync.addEventListener("status", onStatus);
  return () => sync.removeEventListener("status", onStatus);
}
