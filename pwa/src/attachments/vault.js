// The bytes of photos and files on this device: sealed under the same data
// key as every record, in pieces, beside a row per attachment that says how
// big it is and how its upload stands. Wiping the device deletes them with
// the database; a family leaving the caseload takes its attachments along.

import { ATTACHMENT_PIECE_BYTES } from "../config.js";
import { open, openBytes, seal, sealBytes } from "../crypto/keys.js";
import { STORES } from "../db/database.js";
import { UploadState } from "../domain/attachments.js";

/**
 * Return the key range of one attachment's sealed pieces.
 * @param {string} attachmentId
 * @returns {IDBKeyRange}
 */
export function piecesOf(attachmentId) {
  return IDBKeyRange.bound([attachmentId, 0], [attachmentId, Number.MAX_SAFE_INTEGER]);
}

/**
 * Return the database changes that remove attachments' bytes and upload rows
 * (for a write that also removes their records).
 * @param {string[]} attachmentIds
 */
export function forgetChanges(attachmentIds) {
  if (!attachmentIds.length) {
    return [];
  }
  return [
    { store: STORES.attachmentChunks, delete: attachmentIds.map(piecesOf) },
    { store: STORES.attachmentFiles, delete: attachmentIds },
  ];
}

export class AttachmentVault {
  /**
   * @param {{db: import("../db/database.js").LocalDatabase, key: CryptoKey|null}} options
   */
  constructor({ db, key }) {
    this.db = db;
    this.key = key;
  }

  /**
   * Keep an attachment's bytes, sealed in pieces, with its upload waiting.
   * Everything is sealed first, then written in one transaction.
   * @param {string} attachmentId
   * @param {Uint8Array} bytes
   * @param {{content_type: string, created_at: string}} about
   */
  async keep(attachmentId, bytes, about) {
    const pieces = [];
    for (let start = 0, index = 0; start < bytes.length; start += ATTACHMENT_PIECE_BYTES, index += 1) {
      const sealed = await sealBytes(this.key, bytes.slice(start, start + ATTACHMENT_PIECE_BYTES));
      pieces.push({ attachment_id: attachmentId, index, ...sealed });
    }
    const file = await this.#sealedFile({
      attachment_id: attachmentId,
      byte_size: bytes.length,
      held: true,
      state: UploadState.WAITING,
      upload_url: null,
      content_type: about.content_type,
      created_at: about.created_at,
    });
    await this.db.write([
      { store: STORES.attachmentChunks, put: pieces },
      { store: STORES.attachmentFiles, put: [file] },
    ]);
  }

  /**
   * Return an attachment's bytes, or null when they are not on this device.
   * @param {string} attachmentId
   * @returns {Promise<Uint8Array<ArrayBuffer>|null>}
   */
  async read(attachmentId) {
    const rows = await this.db.range(STORES.attachmentChunks, piecesOf(attachmentId));
    if (!rows.length) {
      return null;
    }
    const parts = await Promise.all(rows.map((row) => openBytes(this.key, row)));
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      bytes.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    return bytes;
  }

  /**
   * Return what the device holds of every attachment: size and upload state.
   * @returns {Promise<object[]>}
   */
  async files() {
    const rows = await this.db.all(STORES.attachmentFiles);
    return Promise.all(rows.map(async (row) => ({ ...(await open(this.key, row)), byte_size: row.byte_size, held: row.held })));
  }

  /**
   * Return the bytes held here for attachments, without opening anything.
   * @returns {Promise<number>}
   */
  async heldBytes() {
    const rows = await this.db.all(STORES.attachmentFiles);
    return rows.filter((row) => row.held).reduce((sum, row) => sum + row.byte_size, 0);
  }

  /**
   * Change an attachment's upload row (its state, its upload address).
   * @param {object} file the row as files() returns it
   * @param {object} fields what changes
   */
  async update(file, fields) {
    const next = { ...file, ...fields };
    await this.db.write([{ store: STORES.attachmentFiles, put: [await this.#sealedFile(next)] }]);
    return next;
  }

  /**
   * Make room: drop the bytes of attachments the server has stored (oldest
   * first) until `needed` bytes are free under `quota`. Their records stay and
   * the app fetches them from the server when shown. Returns the bytes freed.
   * @param {number} needed
   * @param {number} quota
   */
  async makeRoom(needed, quota) {
    let held = await this.heldBytes();
    let freed = 0;
    const stored = (await this.files())
      .filter((file) => file.held && file.state === UploadState.STORED)
      .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    for (const file of stored) {
      if (held + needed <= quota) {
        break;
      }
      const row = await this.#sealedFile({ ...file, held: false });
      await this.db.write([
        { store: STORES.attachmentChunks, delete: [piecesOf(file.attachment_id)] },
        { store: STORES.attachmentFiles, put: [row] },
      ]);
      held -= file.byte_size;
      freed += file.byte_size;
    }
    return freed;
  }

  /**
   * Remove attachments' bytes and rows (their family left, or they were deleted).
   * @param {string[]} attachmentIds
   */
  async forget(attachmentIds) {
    const changes = forgetChanges(attachmentIds);
    if (changes.length) {
      await this.db.write(changes);
    }
  }

  async #sealedFile(file) {
    const { byte_size: byteSize, held, ...rest } = file;
    return { attachment_id: file.attachment_id, byte_size: byteSize, held, ...(await seal(this.key, rest)) };
  }
}
