// Photos and files attached to a record: what may be attached, how big a
// photo is kept, when the device is running out of room for them, and the
// states an attachment's upload moves through. Pure: no IndexedDB, no network.

import {
  ATTACHMENT_DEVICE_QUOTA_BYTES,
  ATTACHMENT_LONG_EDGE_PX,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_QUOTA_WARN_SHARE,
  STORAGE_LOW_FREE_BYTES,
} from "../config.js";
import { N_, t } from "../i18n.js";

/** The records a photo or file may be attached to. */
export const PARENT_KINDS = Object.freeze(["note", "visit", "judgment", "conference", "person"]);

/** What the app accepts: photos it can redraw, and PDFs (kept without their hidden details). */
export const IMAGE_TYPES = Object.freeze(["image/jpeg", "image/png", "image/webp"]);
export const DOCUMENT_TYPES = Object.freeze(["application/pdf"]);

/**
 * The states of an attachment's bytes on this device. The record itself syncs
 * through the outbox like any other; the bytes follow it.
 */
export const UploadState = Object.freeze({
  WAITING: "waiting", // not started, or stopped part way (the server keeps what it has)
  UPLOADING: "uploading",
  SENT: "sent", // every byte accepted; the server is checking the file
  STORED: "stored", // the server checked and keeps it
  REFUSED: "refused", // the server will not keep it (wrong type, failed a scan)
});

// Which event moves which state where. Anything else is a fault in the caller.
const TRANSITIONS = Object.freeze({
  [UploadState.WAITING]: { start: UploadState.UPLOADING, stored: UploadState.STORED, refuse: UploadState.REFUSED },
  [UploadState.UPLOADING]: {
    progress: UploadState.UPLOADING,
    interrupt: UploadState.WAITING,
    finish: UploadState.SENT,
    stored: UploadState.STORED,
    refuse: UploadState.REFUSED,
  },
  [UploadState.SENT]: { stored: UploadState.STORED, refuse: UploadState.REFUSED, interrupt: UploadState.SENT },
  [UploadState.STORED]: { stored: UploadState.STORED },
  [UploadState.REFUSED]: { refuse: UploadState.REFUSED },
});

/**
 * Return the state an upload moves to on an event, or throw when the event
 * cannot happen in that state (a finished upload never starts again).
 * @param {string} state one of UploadState
 * @param {"start"|"progress"|"interrupt"|"finish"|"stored"|"refuse"} event
 * @returns {string}
 */
export function nextUploadState(state, event) {
  const next = TRANSITIONS[state]?.[event];
  if (!next) {
    throw new Error(`An upload that is ${state} cannot ${event}.`);
  }
  return next;
}

/**
 * Return the device's attachment settings: the council's where the server sent
 * them (reference data), the app's defaults otherwise.
 * @param {object} [reference] the reference data kept on the device
 * @returns {{longEdgePx: number, maxBytes: number, deviceQuotaBytes: number}}
 */
export function attachmentSettings(reference = {}) {
  const council = reference?.attachment_settings || {};
  return {
    longEdgePx: council.long_edge_px || ATTACHMENT_LONG_EDGE_PX,
    maxBytes: council.max_bytes || ATTACHMENT_MAX_BYTES,
    deviceQuotaBytes: council.device_quota_bytes || ATTACHMENT_DEVICE_QUOTA_BYTES,
  };
}

/**
 * Return the size to redraw a photo at so its longer edge is at most
 * `longEdge`, keeping its shape; a smaller photo keeps its size.
 * @param {number} width
 * @param {number} height
 * @param {number} longEdge
 * @returns {{width: number, height: number, scaled: boolean}}
 */
export function fitWithin(width, height, longEdge) {
  const longest = Math.max(width, height);
  if (longest <= longEdge) {
    return { width, height, scaled: false };
  }
  const scale = longEdge / longest;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    scaled: true,
  };
}

/** True when the app redraws this type of file before keeping it. */
export function isImage(contentType) {
  return IMAGE_TYPES.includes(contentType);
}

/**
 * Return why a chosen file cannot be attached, in the GOV.UK file upload
 * pattern's words, or null when it can. `size` is what would be kept (after a
 * photo is made smaller), so a large photo from the camera is not refused.
 * @param {{type: string, size: number}|null} file
 * @param {{maxBytes: number}} settings
 * @returns {string|null}
 */
export function fileProblem(file, settings) {
  if (!file) {
    return t("Select a photo or file");
  }
  if (file.size === 0) {
    return t("The selected file is empty");
  }
  if (!isImage(file.type) && !DOCUMENT_TYPES.includes(file.type)) {
    return t("The selected file must be a JPG, PNG, WEBP or PDF");
  }
  if (file.size > settings.maxBytes) {
    return t("The selected file must be smaller than {size}", { size: formatBytes(settings.maxBytes) });
  }
  return null;
}

/**
 * Decide whether the device has room for a file: the council's quota for
 * attachments on a device, and what the browser says is left for the app.
 * "warn" comes before "full", so the worker can send or remove some first.
 * @param {{appBytes: number, adding: number, quotaBytes: number, browser?: {usage?: number, quota?: number}}} space
 * @returns {{level: "ok"|"warn"|"full", message: string|null}}
 */
export function spaceCheck({ appBytes, adding, quotaBytes, browser = {} }) {
  const after = appBytes + adding;
  const browserFree = browser.quota ? Math.max(0, browser.quota - (browser.usage || 0)) : null;
  if (after > quotaBytes || (browserFree !== null && adding > browserFree)) {
    return {
      level: "full",
      message: t("There is no room for this file on this device. Photos and files here use {used} of {quota}. Connect to the internet so uploaded files can be removed from this device, then try again.", { used: formatBytes(appBytes), quota: formatBytes(quotaBytes) }),
    };
  }
  if (after > quotaBytes * ATTACHMENT_QUOTA_WARN_SHARE || (browserFree !== null && browserFree - adding < STORAGE_LOW_FREE_BYTES)) {
    return {
      level: "warn",
      message: t("This device is running out of room for photos and files: {used} of {quota} used. Connect to the internet soon so they can be uploaded.", { used: formatBytes(after), quota: formatBytes(quotaBytes) }),
    };
  }
  return { level: "ok", message: null };
}

/**
 * Return the attachments made for one record, oldest first.
 * @param {{all: (entity: string) => object[]}} data the app's records
 * @param {string} parentKind
 * @param {string} parentId
 */
export function attachmentsOf(data, parentKind, parentId) {
  return data
    .all("attachment")
    .filter((attachment) => attachment.parent_kind === parentKind && attachment.parent_id === parentId)
    .sort((a, b) => attachedAt(a).localeCompare(attachedAt(b)));
}

/**
 * Choose the attachment to upload next: its record already synced (the server
 * must know it before taking its bytes), its bytes on this device and not sent.
 * @param {object[]} files what the device holds of each attachment ({attachment_id, state})
 * @param {(id: string) => boolean} recordWaiting true while the record is still in the outbox
 * @returns {object|null}
 */
export function nextToUpload(files, recordWaiting) {
  return (
    files
      .filter((file) => file.state === UploadState.WAITING && !recordWaiting(file.attachment_id))
      .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)))[0] || null
  );
}

// The server's reasons for refusing a file (docs/sync.md, "Attachments"), in the worker's words.
const REFUSALS = Object.freeze({
  sha256_mismatch: N_("The file arrived damaged. Attach it again."),
  content_type_not_allowed: N_("The file is not a photo or PDF the council can keep."),
  malware_found: N_("The council's virus check found a problem with this file."),
});

/**
 * Return why the server refused a file, in plain words.
 * @param {string|null|undefined} reason the server's code, or words already
 * @returns {string|null}
 */
export function refusalWords(reason) {
  if (!reason) {
    return null;
  }
  return REFUSALS[reason] ? t(REFUSALS[reason]) : reason;
}

/**
 * Return when an attachment was made: by the device's clock where it was made here.
 * @param {{device_written_at?: string, created_at?: string}} attachment
 */
export function attachedAt(attachment) {
  return attachment.device_written_at || attachment.created_at || "";
}

/**
 * Return the words for where an attachment's upload stands.
 * @param {{state: string, percent?: number, refused_reason?: string}|null} status
 * @returns {{text: string, colour: string}}
 */
export function uploadStatusText(status) {
  switch (status?.state) {
    case UploadState.UPLOADING:
      return { text: t("Uploading, {percent}%", { percent: Math.floor(status.percent || 0) }), colour: "blue" };
    case UploadState.SENT:
      return { text: t("Uploaded, being checked"), colour: "blue" };
    case UploadState.STORED:
      return { text: t("Uploaded"), colour: "green" };
    case UploadState.REFUSED:
      return { text: t("Refused"), colour: "red" };
    default:
      return { text: t("Waiting to upload"), colour: "grey" };
  }
}

/**
 * Return a size in the words the GOV.UK file upload pattern uses (20MB, 350KB).
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) {
    const megabytes = bytes / (1024 * 1024);
    return `${Number.isInteger(megabytes) ? megabytes : megabytes.toFixed(1)}MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))}KB`;
}

/**
 * Return the hex SHA-256 of some bytes, as the attachment record carries it.
 * @param {BufferSource} bytes
 * @returns {Promise<string>}
 */
export async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Return the base64 SHA-256 of some bytes, as tus's Upload-Checksum header carries it.
 * @param {BufferSource} bytes
 * @returns {Promise<string>}
 */
export async function sha256Base64(bytes) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  return btoa(String.fromCharCode(...digest));
}

/**
 * Return the metadata blocks a JPEG carries (for checking a redrawn photo
 * kept none): "exif" when an APP1 Exif block is there, "gps" when it names GPS
 * tags, "xmp" for an XMP block. Reads the markers before the image data only.
 * @param {Uint8Array} bytes
 * @returns {string[]}
 */
export function jpegMetadata(bytes) {
  const found = new Set();
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    return [];
  }
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) {
      break; // the image data starts: no metadata after it
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const body = bytes.subarray(at + 4, at + 2 + length);
    const text = String.fromCharCode(...body.subarray(0, Math.min(body.length, 64)));
    if (marker === 0xe1 && text.startsWith("Exif")) {
      found.add("exif");
      if (hasGpsPointer(body)) {
        found.add("gps");
      }
    }
    if (marker === 0xe1 && text.startsWith("http://ns.adobe.com/xap")) {
      found.add("xmp");
    }
    at += 2 + length;
  }
  return [...found];
}

// An Exif block's first directory names a GPS directory with tag 0x8825.
function hasGpsPointer(body) {
  const tiff = body.subarray(6);
  const little = tiff[0] === 0x49;
  const read16 = (offset) => (little ? tiff[offset] | (tiff[offset + 1] << 8) : (tiff[offset] << 8) | tiff[offset + 1]);
  const read32 = (offset) =>
    little
      ? (tiff[offset] | (tiff[offset + 1] << 8) | (tiff[offset + 2] << 16) | (tiff[offset + 3] << 24)) >>> 0
      : ((tiff[offset] << 24) | (tiff[offset + 1] << 16) | (tiff[offset + 2] << 8) | tiff[offset + 3]) >>> 0;
  const directory = read32(4);
  const entries = read16(directory);
  for (let index = 0; index < entries; index += 1) {
    if (read16(directory + 2 + index * 12) === 0x8825) {
      return true;
    }
  }
  return false;
}
