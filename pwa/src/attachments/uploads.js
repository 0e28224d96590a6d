// Sending attachments' bytes after their records: one at a time, in pieces,
// with the tus 1.0.0 resumable upload protocol (tus-js-client). Each PATCH
// carries the SHA-256 of its piece (tus's checksum extension), so the server
// keeps only pieces that arrived whole; a connection dropped part way resumes
// from the offset the server reports (HEAD) rather than from the start, within
// one attempt (tus's retries) or at a later sync (the upload's address is kept).

import * as tusClient from "/vendor/tus.js";
import {
  ATTACHMENT_RETRY_DELAYS_MS,
  ATTACHMENT_UPLOAD_CHUNK_BYTES,
  ATTACHMENT_UPLOAD_ENDPOINT,
} from "../config.js";
import { UploadState, nextToUpload, nextUploadState, refusalWords, sha256Base64 } from "../domain/attachments.js";
import { csrfHeaders } from "../sync/api.js";

// tus's checksum extension: the server answers 460 when a piece's checksum does not match.
const CHECKSUM_MISMATCH = 460;

/**
 * An HTTP stack for tus-js-client that adds `Upload-Checksum: sha256 <base64>`
 * to every PATCH: the library has no checksum support of its own, and its
 * httpStack option is the documented place to change requests.
 */
export class ChecksumHttpStack {
  /** @param {{createRequest: (method: string, url: string) => any, getName?: () => string}} inner the stack that sends */
  constructor(inner) {
    this.inner = inner;
  }

  createRequest(method, url) {
    const request = this.inner.createRequest(method, url);
    if (method !== "PATCH") {
      return request;
    }
    const send = request.send.bind(request);
    request.send = async (body = null) => {
      if (body) {
        const bytes = body instanceof Blob ? await body.arrayBuffer() : body;
        request.setHeader("Upload-Checksum", `sha256 ${await sha256Base64(bytes)}`);
      }
      return send(body);
    };
    return request;
  }

  getName() {
    return `Checksum(${this.inner.getName?.() ?? "http"})`;
  }
}

/**
 * Return whether tus should try a failed request again: a piece that arrived
 * damaged (460) is sent again, as are failures tus retries itself.
 * @param {any} error a tus DetailedError
 */
export function shouldRetryUpload(error) {
  const status = error?.originalResponse?.getStatus?.() ?? 0;
  if (status === CHECKSUM_MISMATCH || status === 409 || status === 423) {
    return true;
  }
  return (status < 400 || status >= 500) && globalThis.navigator?.onLine !== false;
}

/** Return the server's reason for refusing an upload, from its JSON answer. */
function refusal(error) {
  try {
    const body = JSON.parse(error.originalResponse.getBody());
    return refusalWords([].concat(body.errors?.refused_reason ?? [])[0]) || body.message || null;
  } catch {
    return null;
  }
}

export class AttachmentUploads extends EventTarget {
  /**
   * @param {{vault: import("./vault.js").AttachmentVault, data: import("../store.js").LocalData, tus?: any, endpoint?: string, chunkSize?: number, retryDelays?: number[]}} options
   */
  constructor({ vault, data, tus = tusClient, endpoint = ATTACHMENT_UPLOAD_ENDPOINT, chunkSize = ATTACHMENT_UPLOAD_CHUNK_BYTES, retryDelays = ATTACHMENT_RETRY_DELAYS_MS }) {
    super();
    this.vault = vault;
    this.data = data;
    this.tus = tus;
    this.endpoint = endpoint;
    this.chunkSize = chunkSize;
    this.retryDelays = retryDelays;
    this.files = new Map(); // attachment id -> what the device holds of it
    this.percent = new Map(); // attachment id -> percent sent, while uploading
    this.current = null; // the tus upload in flight
    this.running = null;
    this.stopped = false;
    this.saving = Promise.resolve();
  }

  /** Read what the device holds again (after a new attachment, or another tab). */
  async refresh() {
    this.files = new Map((await this.vault.files()).map((file) => [file.attachment_id, file]));
    this.#announce();
  }

  /**
   * Return where one attachment's upload stands, for the screens.
   * @param {string} attachmentId
   * @returns {{state: string, percent: number, held: boolean, refused_reason: string|null}|null}
   */
  status(attachmentId) {
    const file = this.files.get(attachmentId);
    const record = this.data.get("attachment", attachmentId);
    // The server's word wins: it may have stored or refused a file another device sent.
    if (record?.upload_state === "stored") {
      return { state: UploadState.STORED, percent: 100, held: Boolean(file?.held), refused_reason: null };
    }
    if (record?.upload_state === "refused") {
      return { state: UploadState.REFUSED, percent: 0, held: Boolean(file?.held), refused_reason: refusalWords(record.refused_reason) };
    }
    if (!file) {
      return null; // made on another device, not yet uploaded from there
    }
    return {
      state: file.state,
      percent: this.percent.get(attachmentId) ?? (file.state === UploadState.SENT ? 100 : 0),
      held: Boolean(file.held),
      refused_reason: file.refused_reason || null,
    };
  }

  /** Return every attachment this device still has to send or that was refused, oldest first. */
  outstanding() {
    return [...this.files.values()]
      .filter((file) => this.status(file.attachment_id)?.state !== UploadState.STORED)
      .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  }

  /**
   * Upload whatever is waiting, one attachment at a time, until nothing is or
   * the connection fails. Returns how many were sent. Never runs twice at once.
   */
  run() {
    if (!this.running) {
      this.stopped = false;
      this.running = this.#drain().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Stop the upload in flight (locking, signing out); the server keeps what it has. */
  stop() {
    this.stopped = true;
    this.current?.abort().catch(() => {});
    this.current = null;
  }

  async #drain() {
    await this.#reconcile();
    let sent = 0;
    for (;;) {
      if (this.stopped) {
        return sent;
      }
      const held = [...this.files.values()].filter((file) => file.held);
      const next = nextToUpload(held, (id) => this.data.pending("attachment", id));
      if (!next || !(await this.#upload(next))) {
        return sent;
      }
      sent += 1;
    }
  }

  /** Take the server's word for uploads it has stored or refused; forget attachments no longer here. */
  async #reconcile() {
    await this.refresh();
    const gone = [];
    for (const file of this.files.values()) {
      const record = this.data.record("attachment", file.attachment_id);
      if (!record || record.data.deleted_at) {
        gone.push(file.attachment_id);
      } else if (record.data.upload_state === "stored" && file.state !== UploadState.STORED) {
        await this.#save(file.attachment_id, { state: UploadState.STORED });
      } else if (record.data.upload_state === "refused" && file.state !== UploadState.REFUSED) {
        await this.#save(file.attachment_id, { state: UploadState.REFUSED, refused_reason: refusalWords(record.data.refused_reason) });
      }
    }
    if (gone.length) {
      await this.vault.forget(gone);
      gone.forEach((id) => this.files.delete(id));
    }
  }

  async #upload(file) {
    const id = file.attachment_id;
    const bytes = await this.vault.read(id);
    if (!bytes) {
      await this.#save(id, { held: false });
      return true;
    }
    await this.#save(id, { state: nextUploadState(file.state, "start") });
    this.percent.set(id, 0);
    this.#announce();
    const outcome = await new Promise((resolve) => {
      const upload = new this.tus.Upload(new Blob([bytes], { type: file.content_type }), {
        endpoint: this.endpoint,
        uploadUrl: file.upload_url || null, // known: ask the server its offset and go on from there
        chunkSize: this.chunkSize,
        retryDelays: this.retryDelays,
        metadata: { attachment_id: id },
        headers: csrfHeaders(),
        // The address is kept sealed with the upload row, not in localStorage.
        storeFingerprintForResuming: false,
        httpStack: new ChecksumHttpStack(new this.tus.DefaultHttpStack({})),
        onShouldRetry: (error) => shouldRetryUpload(error),
        onUploadUrlAvailable: () => {
          this.#save(id, { upload_url: upload.url });
        },
        onProgress: (sentBytes, total) => {
          this.percent.set(id, total ? (100 * sentBytes) / total : 0);
          this.#announce();
        },
        onSuccess: () => resolve({ ok: true }),
        onError: (error) => resolve({ ok: false, error }),
      });
      this.current = upload;
      upload.start();
    });
    this.current = null;
    this.percent.delete(id);
    if (outcome.ok) {
      await this.#save(id, { state: UploadState.SENT });
      return true;
    }
    const status = outcome.error?.originalResponse?.getStatus?.() ?? 0;
    if (status >= 400 && status < 500 && !shouldRetryUpload(outcome.error)) {
      // The server will never take these bytes (too large, the wrong kind): say so, do not try again.
      await this.#save(id, { state: UploadState.REFUSED, refused_reason: refusal(outcome.error) });
      return true;
    }
    await this.#save(id, { state: nextUploadState(UploadState.UPLOADING, "interrupt") });
    return false;
  }

  // Writes to one row follow each other in the order made: a late "address
  // known" never undoes a "sent" written after it.
  #save(id, fields) {
    this.saving = this.saving.catch(() => {}).then(async () => {
      const file = this.files.get(id);
      if (file) {
        this.files.set(id, await this.vault.update(file, fields));
      }
    });
    return this.saving.then(() => this.#announce());
  }

  #announce() {
    this.dispatchEvent(new Event("change"));
  }
}
