// The one owner of IndexedDB. Other modules never open a transaction: they
// call these functions. Everything stored is sealed (crypto/keys.js) except
// the device's public facts and the wrapped key needed to unlock.
//
// Never await unrelated work inside a transaction: encrypt first, then write.

import { DATABASE_NAME } from "../config.js";

const VERSION = 1;
export const STORES = {
  device: "device", // one row: ids, salt, wrapped data key, failed unlocks (not secret)
  state: "state", // sealed: cursor, counters, last sync, who signed in
  records: "records", // sealed records, keyed "entity/id"
  outbox: "outbox", // sealed mutations, keyed by mutation_id
  drafts: "drafts", // sealed form drafts, keyed by form
  notices: "notices", // sealed rejections and conflicts to show the worker
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
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new DOMException("Aborted", "AbortError"));
  });
}

export class LocalDatabase {
  constructor(idb) {
    this.idb = idb;
  }

  static async open(name = DATABASE_NAME) {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    const idb = await done(request);
    // Another tab wiping the device (or upgrading) needs this connection closed.
    idb.onversionchange = () => idb.close();
    return new LocalDatabase(idb);
  }

  close() {
    this.idb.close();
  }

  async get(store, key) {
    const transaction = this.idb.transaction(store, "readonly");
    return done(transaction.objectStore(store).get(key));
  }

  async all(store) {
    const transaction = this.idb.transaction(store, "readonly");
    return done(transaction.objectStore(store).getAll());
  }

  async count(store) {
    const transaction = this.idb.transaction(store, "readonly");
    return done(transaction.objectStore(store).count());
  }

  /**
   * Write several stores in one transaction: every change lands, or none.
   * `changes` is a list of {store, put: [rows]} or {store, delete: [keys]} or
   * {store, clear: true}, applied in order.
   */
  async write(changes) {
    const stores = [...new Set(changes.map((change) => change.store))];
    const transaction = this.idb.transaction(stores, "readwrite");
    const complete = finished(transaction);
    try {
      for (const change of changes) {
        const store = transaction.objectStore(change.store);
        if (change.clear) {
          store.clear();
        }
        for (const key of change.delete || []) {
          store.delete(key);
        }
        for (const row of change.put || []) {
          store.put(row);
        }
      }
    } catch (error) {
      // A request that throws does not abort the transaction by itself: the
      // writes already made would commit. All or nothing means aborting here.
      transaction.abort();
      complete.catch(() => {});
      throw error;
    }
    return complete;
  }
}

export async function deleteLocalData(name = DATABASE_NAME) {
  await done(indexedDB.deleteDatabase(name));
}
