// The sync service: the outbox of local changes, pushing them, pulling the
// server's changes page by page, and when to do it (docs/sync.md). One tab
// leads sync through a Web Lock; the others hear about it on a channel.

import {
  BACKGROUND_SYNC_TAG,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  PULL_LIMIT,
  PUSH_BATCH,
  SCHEMA_VERSION,
  SYNC_AFTER_WRITE_MS,
  SYNC_INTERVAL_MS,
  SYNC_LOCK_NAME,
} from "../config.js";
import { open, seal } from "../crypto/keys.js";
import { STORES } from "../db/database.js";
import { applyMutation, recordKey } from "../store.js";
import { forgetChanges } from "../attachments/vault.js";
import { ApiError, DeviceRevoked, Offline, SessionEnded, connection, hasCsrfToken, post } from "./api.js";
import { now, nowIso } from "../clock.js";

export const SyncState = Object.freeze({
  IDLE: "idle",
  SYNCING: "syncing",
  OFFLINE: "offline",
  SIGNED_OUT: "signed-out", // the server session ended: sign in to sync
  FAILED: "failed",
});

/** @typedef {typeof SyncState[keyof typeof SyncState]} SyncStateName */

/** Open a sealed outbox row: its id is the row's key, kept beside the sealed change. */
export async function openMutation(key, row) {
  return { ...(await open(key, row)), mutation_id: row.mutation_id };
}

// Tabs tell each other they synced (made when sync starts, not on import).
let channel = null;
function tabsChannel() {
  if (!channel && typeof BroadcastChannel === "function") {
    channel = new BroadcastChannel("fieldwork");
  }
  return channel;
}

export class SyncService extends EventTarget {
  constructor({ db, key, data, deviceId, resumeSession = null, attachments = null }) {
    super();
    // Attachments' bytes follow their records, after each sync and never inside it.
    this.attachments = attachments;
    // Unlocked offline, the app has no CSRF token yet: get one before the first push.
    this.resumeSession = resumeSession;
    this.db = db;
    this.key = key;
    this.data = data;
    this.deviceId = deviceId;
    /** @type {SyncStateName} */
    this.state = SyncState.IDLE;
    this.lastSync = null;
    this.progress = null;
    this.failures = 0;
    this.timers = [];
    this.running = null;
    this.listeners = [];
  }

  // --- the outbox ------------------------------------------------------------------

  /**
   * Record a local change: it is saved on the device at once and sent when it can be.
   * partOf ({entity, id}) names the record a part belongs to (a checklist's answer
   * to its checklist), so the worker is told of one change, not one per part.
   */
  async enqueue(entity, op, id, data = {}, baseVersion = null, { partOf = null } = {}) {
    const change = {
      entity,
      op,
      id,
      // A record made on this device and not yet sent will be version 1 on the server.
      base_version: op === "create" ? null : baseVersion ?? Math.max(1, this.data.record(entity, id)?.version ?? 1),
      data,
      client_ts: nowIso(),
      ...(partOf ? { part_of: partOf } : {}), // kept on the device, never sent
    };
    // Sealed before its id is known: the id is taken and the row written in one
    // transaction, which cannot wait for encryption (openMutation adds it back).
    const mutationId = await this.db.addToOutbox(await seal(this.key, change));
    const mutation = { mutation_id: mutationId, ...change };
    this.data.setOutbox([...this.data.outbox, mutation]);
    this.#announce();
    this.scheduleSoon();
    return mutation;
  }

  // --- when to sync ----------------------------------------------------------------

  start() {
    const listen = (target, type, handler) => {
      target.addEventListener(type, handler);
      this.listeners.push(() => target.removeEventListener(type, handler));
    };
    listen(window, "online", () => this.syncNow("online"));
    // Say "offline" the moment the browser or a failed request knows it, not
    // when the next sync fails; a request answered again means try at once.
    listen(window, "offline", () => this.#wentOffline());
    listen(connection, "unreachable", () => this.#wentOffline());
    listen(connection, "reachable", () => {
      if (this.state === SyncState.OFFLINE) {
        this.syncNow("reachable");
      }
    });
    if (globalThis.navigator?.onLine === false) {
      this.#wentOffline();
    }
    listen(document, "visibilitychange", () => {
      if (document.visibilityState === "visible") {
        this.syncNow("visible");
      }
    });
    if (navigator.serviceWorker) {
      listen(navigator.serviceWorker, "message", (event) => {
        if (event.data?.type === "sync") {
          this.syncNow(event.data.reason || "worker");
        }
      });
    }
    const tabs = tabsChannel();
    if (tabs) {
      const onMessage = (event) => {
        if (event.data?.type === "synced") {
          this.dispatchEvent(new CustomEvent("reload-needed"));
        }
      };
      tabs.addEventListener("message", onMessage);
      this.listeners.push(() => tabs.removeEventListener("message", onMessage));
    }
    this.timers.push(setInterval(() => this.syncNow("timer"), SYNC_INTERVAL_MS));
    return this.syncNow("start");
  }

  stop() {
    this.timers.forEach(clearInterval);
    this.timers = [];
    clearTimeout(this.soon);
    clearTimeout(this.retry);
    this.listeners.forEach((remove) => remove());
    this.listeners = [];
  }

  scheduleSoon() {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.syncNow("after-write"), SYNC_AFTER_WRITE_MS);
    globalThis.navigator?.serviceWorker?.ready
      .then((registration) => registration.sync?.register(BACKGROUND_SYNC_TAG))
      .catch(() => {}); // Background Sync is optional; the timers still run
  }

  /** Push then pull, unless a sync is running here or another tab leads it. */
  syncNow(reason = "button") {
    if (this.running) {
      return this.running;
    }
    const run = async () => {
      const locks = globalThis.navigator?.locks;
      if (locks) {
        return locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, (lock) =>
          lock ? this.#sync(reason) : null,
        );
      }
      return this.#sync(reason);
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #sync(reason) {
    if (this.state !== SyncState.OFFLINE || globalThis.navigator?.onLine !== false) {
      // With no network at all, an attempt stays "Offline" rather than flickering "Syncing".
      this.#setState(SyncState.SYNCING);
    }
    try {
      if (this.resumeSession && !hasCsrfToken()) {
        await this.resumeSession();
      }
      await this.push();
      await this.pull();
      this.failures = 0;
      this.lastSync = now();
      await this.#saveState();
      this.#setState(SyncState.IDLE);
      tabsChannel()?.postMessage({ type: "synced" });
      this.#uploadAttachments();
    } catch (error) {
      this.#failed(error, reason);
    }
  }

  #uploadAttachments() {
    // Not awaited: a sync reports done when the records are, however long photos take.
    this.attachments
      ?.run()
      .then((sent) => {
        if (sent > 0) {
          this.scheduleSoon(); // learn soon whether the server stored them
        }
      })
      .catch((error) => console.error("uploading attachments", error));
  }

  #failed(error, reason) {
    if (error instanceof DeviceRevoked) {
      this.#setState(SyncState.FAILED, error);
      this.dispatchEvent(new CustomEvent("revoked"));
      return;
    }
    if (error instanceof SessionEnded) {
      this.#setState(SyncState.SIGNED_OUT, error);
      return;
    }
    this.failures += 1;
    const offline = error instanceof Offline;
    this.#setState(offline ? SyncState.OFFLINE : SyncState.FAILED, error);
    if (!offline && !(error instanceof ApiError)) {
      console.error("sync failed", reason, error); // a fault in the app: keep it visible
    }
    // Back off exponentially, with jitter so devices do not return all at once.
    const wait = error.retryAfter
      ? error.retryAfter * 1000
      : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - 1));
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.syncNow("retry"), wait * (0.5 + Math.random()));
  }

  #wentOffline() {
    if (this.state !== SyncState.OFFLINE) {
      this.#setState(SyncState.OFFLINE);
    }
  }

  /**
   * @param {SyncStateName} state
   * @param {Error | null} [error]
   */
  #setState(state, error = null) {
    this.state = state;
    this.error = error;
    this.#announce();
  }

  #announce() {
    this.dispatchEvent(new Event("status"));
  }

  // --- push ------------------------------------------------------------------------

  async push() {
    for (;;) {
      // The outbox as stored, not as this tab holds it: other tabs add to it
      // too, and the server answers an id below one it has seen as done.
      const batch = await Promise.all(
        (await this.db.first(STORES.outbox, PUSH_BATCH)).map((row) => openMutation(this.key, row)),
      );
      if (!batch.length) {
        return;
      }
      const reply = await post("/api/sync/push", {
        device_id: this.deviceId,
        schema_version: SCHEMA_VERSION,
        mutations: batch.map(({ mutation_id, entity, op, id, base_version, data, client_ts }) => ({
          mutation_id,
          entity,
          op,
          id,
          base_version,
          data,
          client_ts,
        })),
      });
      const byId = new Map(batch.map((mutation) => [mutation.mutation_id, mutation]));
      const done = [];
      const confirmed = [];
      const notices = [];
      for (const result of reply.results) {
        const mutation = byId.get(result.mutation_id);
        done.push(result.mutation_id);
        if (result.status === "rejected") {
          notices.push({ key: `rejection/${mutation.mutation_id}`, kind: "rejected", result, mutation });
        } else {
          if (result.status === "conflict") {
            notices.push({ key: `conflict/${mutation.mutation_id}`, kind: "conflict", result, mutation });
          }
          const current = confirmed.find((r) => r.entity === mutation.entity && r.id === mutation.id)
            || this.data.record(mutation.entity, mutation.id);
          const next = applyMutation(current, mutation);
          if (next) {
            delete next.data.unsynced;
            next.version = result.version ?? next.version;
            next.data.version = next.version;
            confirmed.push(next);
          }
        }
      }
      if (!done.length) {
        return; // the server processed nothing: never spin
      }
      const sealedRecords = await Promise.all(
        confirmed.map(async (record) => ({ key: recordKey(record.entity, record.id), ...(await seal(this.key, record)) })),
      );
      const sealedNotices = await Promise.all(
        notices.map(async (notice) => ({ key: notice.key, ...(await seal(this.key, notice)) })),
      );
      await this.db.write([
        { store: STORES.outbox, delete: done },
        { store: STORES.records, put: sealedRecords },
        { store: STORES.notices, put: sealedNotices },
      ]);
      this.data.putConfirmed(confirmed);
      this.data.notices.push(...notices);
      const finished = new Set(done);
      this.data.setOutbox(this.data.outbox.filter((m) => !finished.has(m.mutation_id)));
    }
  }

  // --- pull ------------------------------------------------------------------------

  async pull({ maxPages = Infinity } = {}) {
    let received = 0;
    const fetchPage = (cursor) =>
      post("/api/sync/pull", { device_id: this.deviceId, cursor: cursor ?? null, limit: PULL_LIMIT });
    // While one page is stored, the next is already on its way: the server's
    // work and the device's overlap. The cursor is saved only with its page, so
    // stopping at any point repeats at most one page.
    let next = fetchPage(this.cursor);
    for (let page = 0; page < maxPages; page += 1) {
      let reply;
      try {
        reply = await next;
      } catch (error) {
        if (error instanceof ApiError && error.code === "reset_required" && this.cursor) {
          await this.#reset();
          next = fetchPage(null);
          continue;
        }
        throw error;
      }
      next = reply.has_more && page + 1 < maxPages ? fetchPage(reply.cursor) : null;
      next?.catch(() => {}); // its failure is handled when it is awaited
      await this.applyPage(reply);
      received += reply.changes.length;
      this.progress = reply.has_more
        ? { received, total: received + (reply.remaining ?? 0) }
        : null;
      this.dispatchEvent(new CustomEvent("progress", { detail: this.progress }));
      if (!reply.has_more) {
        break;
      }
    }
    if (received > 0) {
      this.data.changed(); // only when something arrived: screens redraw on change
    }
    return received;
  }

  /** Store a page, its cursor and what it removes in one transaction. */
  async applyPage(page) {
    const put = [];
    const removed = [];
    for (const change of page.changes) {
      if (change.op === "evict" && change.entity !== "family") {
        removed.push(recordKey(change.entity, change.id)); // a team's record (a session) left scope
      } else if (change.op === "evict") {
        const keys = this.data.keysOfFamily(change.id);
        removed.push(...keys, ...this.data.orphanedPeople(keys));
      } else if (change.op === "delete") {
        removed.push(recordKey(change.entity, change.id));
      } else if (change.entity === "rejection") {
        this.#noticeFromServer(change);
      } else {
        put.push({
          entity: change.entity,
          id: change.id,
          version: change.version,
          family_id: change.family_id ?? change.data?.family_id ?? null,
          data: change.data,
        });
      }
    }
    const sealed = await Promise.all(
      put.map(async (record) => ({ key: recordKey(record.entity, record.id), ...(await seal(this.key, record)) })),
    );
    this.cursor = page.cursor;
    const state = await this.#sealedState();
    // An attachment's bytes go with its record: a family leaving takes its photos.
    const attachmentsRemoved = removed.filter((key) => key.startsWith("attachment/")).map((key) => key.slice("attachment/".length));
    await this.db.write([
      { store: STORES.records, delete: removed, put: sealed },
      { store: STORES.state, put: [state] },
      ...forgetChanges(attachmentsRemoved),
    ]);
    this.data.removeConfirmed(removed);
    this.data.putConfirmed(put);
  }

  #noticeFromServer(change) {
    const mutationId = change.data.mutation_id;
    if (this.data.notices.some((n) => n.result?.mutation_id === mutationId && n.kind === "rejected")) {
      return; // already heard of it from the push
    }
    const notice = {
      key: `rejection/${mutationId}`,
      kind: "rejected",
      result: { mutation_id: mutationId, reason: change.data.reason, message: change.data.message, errors: change.data.errors },
      mutation: { mutation_id: mutationId, entity: change.data.entity, op: change.data.op, id: change.data.record_id, data: change.data.data },
    };
    this.data.notices.push(notice);
    seal(this.key, notice).then((sealed) =>
      this.db.write([{ store: STORES.notices, put: [{ key: notice.key, ...sealed }] }]),
    );
  }

  async #reset() {
    // The server cannot continue from our cursor: start again, keeping the outbox.
    this.cursor = null;
    await this.db.write([{ store: STORES.records, clear: true }]);
    this.data.confirmed.clear();
  }

  async #sealedState() {
    return { key: "sync", ...(await seal(this.key, { cursor: this.cursor, last_sync: this.lastSync?.toISOString() ?? null })) };
  }

  async #saveState() {
    await this.db.write([{ store: STORES.state, put: [await this.#sealedState()] }]);
  }

  async loadState() {
    const row = await this.db.get(STORES.state, "sync");
    if (row) {
      const state = await open(this.key, row);
      this.cursor = state.cursor;
      this.lastSync = state.last_sync ? new Date(state.last_sync) : null;
    }
  }

  async dismissNotice(key) {
    this.data.notices = this.data.notices.filter((notice) => notice.key !== key);
    await this.db.write([{ store: STORES.notices, delete: [key] }]);
    this.#announce();
  }
}
