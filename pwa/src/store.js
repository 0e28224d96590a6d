// What the open app holds in memory once unlocked: the records the server
// confirmed, with the outbox's unsynced changes laid over them, so the worker
// always reads their own writes. Nothing here touches IndexedDB.

export function recordKey(entity, id) {
  return `${entity}/${id}`;
}

export class LocalData extends EventTarget {
  constructor() {
    super();
    this.confirmed = new Map(); // entity -> Map(id -> {version, family_id, data})
    this.outbox = []; // decrypted mutations, oldest first
    this.notices = []; // rejections and conflicts the worker has not dismissed
    this.reference = {}; // vocabularies, staff directory, bank holidays
    this.overlay = new Map();
  }

  // --- loading and changing ----------------------------------------------------------

  load({ records, outbox, notices, reference }) {
    this.confirmed.clear();
    for (const record of records) {
      this.#table(record.entity).set(record.id, record);
    }
    this.outbox = outbox.sort((a, b) => a.mutation_id - b.mutation_id);
    this.notices = notices;
    this.reference = reference || {};
    this.#changed();
  }

  #table(entity) {
    if (!this.confirmed.has(entity)) {
      this.confirmed.set(entity, new Map());
    }
    return this.confirmed.get(entity);
  }

  /** Put confirmed records (from a pull page, or acknowledged pushes). */
  putConfirmed(records) {
    for (const record of records) {
      this.#table(record.entity).set(record.id, record);
    }
  }

  removeConfirmed(keys) {
    for (const key of keys) {
      const [entity, id] = key.split("/");
      this.confirmed.get(entity)?.delete(id);
    }
  }

  /** Return the keys of everything held for a family (for eviction). */
  keysOfFamily(familyId) {
    const keys = [recordKey("family", familyId)];
    for (const [entity, table] of this.confirmed) {
      for (const [id, record] of table) {
        if (record.family_id === familyId && entity !== "person") {
          keys.push(recordKey(entity, id));
        }
      }
    }
    return keys;
  }

  /** Return the people no membership or relationship left on the device still points at. */
  orphanedPeople(removedKeys) {
    const removed = new Set(removedKeys);
    const linked = new Set();
    for (const [id, membership] of this.confirmed.get("membership") || []) {
      if (!removed.has(recordKey("membership", id))) {
        linked.add(membership.data.person_id);
      }
    }
    // Someone a relationship names without being a member: a child's foster carer.
    for (const [id, relationship] of this.confirmed.get("relationship") || []) {
      if (relationship.data.to_person_id && !removed.has(recordKey("relationship", id))) {
        linked.add(relationship.data.to_person_id);
      }
    }
    return [...(this.confirmed.get("person")?.keys() || [])]
      .filter((id) => !linked.has(id))
      .map((id) => recordKey("person", id));
  }

  setOutbox(outbox) {
    this.outbox = outbox;
    this.#changed();
  }

  changed() {
    this.#changed();
  }

  #changed() {
    this.overlay = this.#buildOverlay();
    this.dispatchEvent(new Event("change"));
  }

  #buildOverlay() {
    const overlay = new Map();
    for (const mutation of this.outbox) {
      const key = recordKey(mutation.entity, mutation.id);
      const current = overlay.has(key) ? overlay.get(key) : this.#confirmed(mutation.entity, mutation.id);
      const next = applyMutation(current, mutation);
      if (next && !next.family_id && mutation.data?.target_id) {
        // An amendment or comment made here: it belongs to its target's family.
        const targetKey = recordKey(mutation.data.target_kind, mutation.data.target_id);
        const target = overlay.get(targetKey) || this.#confirmed(mutation.data.target_kind, mutation.data.target_id);
        next.family_id = target?.family_id ?? null;
        next.data.family_id = next.family_id;
      }
      overlay.set(key, next);
    }
    return overlay;
  }

  #confirmed(entity, id) {
    return this.confirmed.get(entity)?.get(id) || null;
  }

  // --- reading -----------------------------------------------------------------------

  get(entity, id) {
    const key = recordKey(entity, id);
    const record = this.overlay.has(key) ? this.overlay.get(key) : this.#confirmed(entity, id);
    return record && !record.data.deleted_at ? record.data : null;
  }

  record(entity, id) {
    const key = recordKey(entity, id);
    return this.overlay.has(key) ? this.overlay.get(key) : this.#confirmed(entity, id);
  }

  all(entity) {
    const out = new Map();
    for (const [id, record] of this.confirmed.get(entity) || []) {
      out.set(id, record);
    }
    for (const [key, record] of this.overlay) {
      const [kind, id] = key.split("/");
      if (kind === entity) {
        out.set(id, record);
      }
    }
    return [...out.values()].filter((r) => r && !r.data.deleted_at).map((r) => r.data);
  }

  ofFamily(entity, familyId) {
    return this.all(entity).filter((record) => record.family_id === familyId);
  }

  /**
   * Return the records the outbox changes, each once ({entity, id}): what the
   * worker made or changed, however many edits it took. A part (a checklist's
   * answer) counts as the record it belongs to.
   */
  recordsWaiting() {
    const records = new Map();
    for (const mutation of this.outbox) {
      const { entity, id } = mutation.part_of || this.#partOf(mutation) || mutation;
      records.set(recordKey(entity, id), { entity, id });
    }
    return [...records.values()];
  }

  #partOf(mutation) {
    // An answer queued before part_of was kept: the item the device holds names its checklist.
    const checklistId = mutation.entity === "checklist_item" && this.#confirmed("checklist_item", mutation.id)?.data?.checklist_id;
    return checklistId ? { entity: "checklist", id: checklistId } : null;
  }

  pending(entity, id) {
    return this.outbox.some((m) => m.entity === entity && m.id === id);
  }

  countConfirmed() {
    let total = 0;
    for (const table of this.confirmed.values()) {
      total += table.size;
    }
    return total;
  }
}

// Records that keep when they were written (and signed) on the device; the server
// sets the same fields from each change's client_ts when it syncs.
const DEVICE_TIMED = new Set(["note", "judgment", "review", "amendment", "chronology_entry", "case_summary", "strategy_discussion", "family_copy", "attachment"]);

function deviceTimes(mutation) {
  if (!DEVICE_TIMED.has(mutation.entity)) {
    return {};
  }
  // A supervision comment is signed as it is made.
  const signed = mutation.entity === "review" ? { device_signed_at: mutation.client_ts } : {};
  return { device_written_at: mutation.client_ts, ...signed };
}

/** Lay one unsynced mutation over a record (null when it does not exist yet). */
export function applyMutation(record, mutation) {
  const familyId = mutation.data?.family_id ?? record?.family_id ?? null;
  switch (mutation.op) {
    case "create":
      return {
        entity: mutation.entity,
        id: mutation.id,
        version: 0,
        family_id: familyId,
        data: { ...mutation.data, ...deviceTimes(mutation), id: mutation.id, version: 0, unsynced: true },
      };
    case "update":
      if (!record && mutation.part_of?.item) {
        // An answer to an item the server makes with its checklist: until the
        // item arrives, the answer stands for it (part_of.item: what the item is).
        const item = mutation.part_of.item;
        return {
          entity: mutation.entity,
          id: mutation.id,
          version: 0,
          family_id: item.family_id ?? null,
          data: { ...item, ...mutation.data, id: mutation.id, version: 0, unsynced: true },
        };
      }
      return record && { ...record, data: { ...record.data, ...mutation.data, unsynced: true } };
    case "delete":
      return record && { ...record, data: { ...record.data, deleted_at: "pending" } };
    case "sign":
      return record && {
        ...record,
        data: { ...record.data, state: "signed", device_signed_at: mutation.client_ts, unsynced: true },
      };
    default:
      return record;
  }
}
