// Record ids made on the device. Checklist items get ids derived from their
// checklist, item key and child (UUID v5, as the server derives them), so a
// device offline knows the id of an item the server will make.

export function newId() {
  return crypto.randomUUID();
}

function uuidBytes(uuid) {
  const hex = uuid.replace(/-/g, "");
  return Uint8Array.from({ length: 16 }, (_, index) => parseInt(hex.slice(index * 2, index * 2 + 2), 16));
}

function uuidText(bytes) {
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function uuid5(namespace, name) {
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  input.set(uuidBytes(namespace));
  input.set(nameBytes, 16);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  return uuidText(digest);
}

/**
 * Return the id of a checklist's item, as the server's checklist_item_id: an
 * item about each child is named by its key and the child ("child_seen/<id>"),
 * an item for the whole checklist by its key alone.
 */
export function checklistItemId(checklistId, itemKey, childId = null) {
  return uuid5(checklistId, childId ? `${itemKey}/${childId}` : itemKey);
}
