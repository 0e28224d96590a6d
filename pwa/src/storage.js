// The device's storage: asking the browser to keep this app's data when space
// runs short, how much space is left, and when work not yet sent could be lost.

import { STORAGE_LOW_FREE_BYTES, STORAGE_LOW_FREE_SHARE } from "./config.js";

/** What a browser that cannot estimate its storage tells us: nothing. @type {StorageEstimate} */
const NO_ESTIMATE = {};

export class DeviceStorage extends EventTarget {
  constructor() {
    super();
    this.known = false; // nothing is claimed until the browser has answered
    this.persisted = false;
    this.usage = 0;
    this.quota = 0;
  }

  /** Ask the browser to keep this app's data under storage pressure, then look again. */
  async askToKeep() {
    try {
      await navigator.storage?.persist?.();
    } catch {
      // Refused or not offered: the screen says what that means.
    }
    return this.refresh();
  }

  /** Read whether the browser keeps the data and how much space it allows; "change" when that moved. */
  async refresh() {
    const [estimate, persisted] = await Promise.all([
      navigator.storage?.estimate?.().catch(() => NO_ESTIMATE) ?? NO_ESTIMATE,
      navigator.storage?.persisted?.().catch(() => false) ?? false,
    ]);
    const next = { known: true, persisted: Boolean(persisted), usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
    if (Object.entries(next).some(([name, value]) => this[name] !== value)) {
      Object.assign(this, next);
      this.dispatchEvent(new Event("change"));
    }
    return this;
  }

  /** The space this app may still use, or null when the browser does not say. */
  get free() {
    return this.quota ? Math.max(0, this.quota - this.usage) : null;
  }

  /** True when little of the space the browser allows this app is left. */
  get low() {
    const free = this.free;
    return free !== null && (free < STORAGE_LOW_FREE_BYTES || free < this.quota * STORAGE_LOW_FREE_SHARE);
  }
}

/** What could cost the worker their work: unsent changes the browser may delete, space running out. */
export function storageRisks(storage, changesWaiting) {
  return {
    unsentCouldBeLost: Boolean(storage?.known && !storage.persisted && changesWaiting > 0),
    lowOnSpace: Boolean(storage?.known && storage.low),
  };
}
