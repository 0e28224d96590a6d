// The one owner of IndexedDB. Other modules never open a transaction: they
// call these functions. Everything stored is sealed (crypto/keys.js) except
// the device's public facts and the wrapped key needed to unlock.
//
// IndexedDB itself comes through idb (vendor/idb.js in the build), whose
// promises keep a transaction's steps in order. Never await unrelated work
// inside a transaction: it commits as soon as nothing is asked of it, so
// encrypt first, then write, and decide a read-then-update synchronously.

import { deleteDB, openDB } from "/vendor/idb.js";
import { DATABASE_NAME } from "../config.js";

const VERSION = 2;
export const STORES = {
  device: "device", // one row: ids, salt, wrapped data key, failed unlocks, mutation counter (not secret)
  state: "state", // sealed: cursor, last sync, who signed in
  records: "records", // sealed records, keyed "entity/id"
  outbox: "outbox", // sealed mutations, keyed by mutation_id
  drafts: "drafts", // sealed form drafts, keyed by form
  notices: "notices", // sealed rejections and conflicts to show the worker
  attachmentChunks: "attachment_chunks", // sealed pieces of photos and files, keyed [attachment id, piece number]
  attachmentFiles: "attachment_files", // each attachment held here: its size (plain) and sealed upload state
};

function upgrade(database, oldVersion) {
  // Each version adds; none ever drops a store that holds someone's work.
  if (oldVersion < 1) {
    database.createObjectStore(STORES.device, { keyPath: "key" });
    database.createObjectStore(STORES.state, { keyPath: "key" });
    database.createObjectStore(STORES.records, { keyPath: "key" });
    database.createObjectStore(STORES.outbox, { keyPath: "mutation_id" });
    database.createObjectStore(STORES.drafts, { keyPath: "key" });
    database.createObjectStore(STORES.notices, { keyPath: "key" });
  }
  if (oldVersion < 2) {
    // A photo is kept as sealed pieces, so no one record holds megabytes and
    // one attachment's pieces are read or deleted by one key range.
    database.createObjectStore(STORES.attachmentChunks, { keyPath: ["attachment_id", "index"] });
    database.createObjectStore(STORES.attachmentFiles, { keyPath: "attachment_id" });
  }
}

export class LocalDatabase {
  constructor(idb) {
    this.idb = idb;
  }

  static async open(name = DATABASE_NAME) {
    const idb = await openDB(name, VERSION, {
      upgrade: (database, oldVersion) => upgrade(database, oldVersion),
      // Another tab wiping the device (or upgrading) needs this connection closed.
      blocking: (currentVersion, blockedVersion, event) => /** @type {IDBDatabase} */ (event.target).close(),
    });
    return new LocalDatabase(idb);
  }

  close() {
    this.idb.close();
  }

  get(store, key) {
    return this.idb.get(store, key);
  }

  all(store) {
    return this.idb.getAll(store);
  }

  /** Return the first `count` rows of a store in key order (the oldest mutations). */
  first(store, count) {
    return this.idb.getAll(store, null, count);
  }

  count(store) {
    return this.idb.count(store);
  }

  /**
   * Return the rows of a store whose keys fall in a range (one attachment's pieces).
   * @param {string} store
   * @param {IDBKeyRange} range
   */
  range(store, range) {
    return this.idb.getAll(store, range);
  }

  /**
   * Write several stores in one transaction: every change lands, or none.
   * `changes` is a list of {store, put: [rows]} or {store, delete: [keys]} or
   * {store, clear: true}, applied in order.
   */
  async write(changes) {
    const stores = [...new Set(changes.map((change) => change.store))];
    const transaction = this.idb.transaction(stores, "readwrite");
    try {
      for (const change of changes) {
        const store = transaction.objectStore(change.store);
        if (change.clear) {
          settle(store.clear());
        }
        for (const key of change.delete || []) {
          settle(store.delete(key));
        }
        for (const row of change.put || []) {
          settle(store.put(row));
        }
      }
    } catch (error) {
      // A request that throws (a row without its key) does not abort the
      // transaction by itself: the writes already made would commit.
      abort(transaction);
      throw error;
    }
    await transaction.done;
  }

  /**
   * Read one row and write what `change` makes of it, in one transaction, so
   * no other tab's write can land between the read and the write (and be
   * undone by it). `change(row)` gets the stored row (undefined when there is
   * none) and returns the row to store, or null to store nothing; it must not
   * await anything. Returns the row stored, or the one read when none was.
   */
  async update(store, key, change) {
    const transaction = this.idb.transaction(store, "readwrite");
    let result;
    try {
      const current = await transaction.store.get(key);
      const next = change(current);
      result = next ?? current;
      if (next) {
        settle(transaction.store.put(next));
      }
    } catch (error) {
      abort(transaction);
      throw error;
    }
    await transaction.done;
    return result;
  }

  /**
   * Store a sealed mutation under the device's next mutation id, taking the id
   * and writing the row in one transaction: two tabs never share an id, and
   * the outbox never misses an id a later row has (the server takes ids in
   * order and answers a lower one as already done). Returns the id.
   */
  async addToOutbox(sealed) {
    const transaction = this.idb.transaction([STORES.device, STORES.outbox], "readwrite");
    let mutationId;
    try {
      const devices = transaction.objectStore(STORES.device);
      const device = await devices.get("device");
      mutationId = device.next_mutation_id || 1;
      settle(devices.put({ ...device, next_mutation_id: mutationId + 1 }));
      settle(transaction.objectStore(STORES.outbox).put({ ...sealed, mutation_id: mutationId }));
    } catch (error) {
      abort(transaction);
      throw error;
    }
    await transaction.done;
    return mutationId;
  }
}

// A request's failure aborts its transaction, which `transaction.done` reports:
// its own promise needs no second report as an unhandled rejection.
function settle(request) {
  request.catch(() => {});
}

function abort(transaction) {
  transaction.done.catch(() => {});
  try {
    transaction.abort();
  } catch {
    // already finished or aborted
  }
}

export function deleteLocalData(name = DATABASE_NAME) {
  return deleteDB(name);
}
