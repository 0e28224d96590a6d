// Named constants of the app, in one place.
export const APP_NAME = "Family Fieldwork";
export const DATABASE_NAME = "fieldwork";

export const SYNC_INTERVAL_MS = 60_000; // while the app is open and unlocked
export const SYNC_AFTER_WRITE_MS = 3_000; // a few seconds after a local change
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
export const PULL_LIMIT = 500;
export const PUSH_BATCH = 500;
export const SCHEMA_VERSION = 1;

export const LOCK_AFTER_MS = 5 * 60_000; // locks itself after this long untouched
export const PBKDF2_ITERATIONS = 600_000;
export const MAX_UNLOCK_ATTEMPTS = 10; // then the local data is wiped
export const MIN_PASSPHRASE_LENGTH = 6;
export const DRAFT_SAVE_MS = 400;

// Storage is short when less than this much, or this share, of the space the
// browser allows the app is free: new work may not save, and the browser may
// clear data it has not agreed to keep.
export const STORAGE_LOW_FREE_BYTES = 50 * 1024 * 1024;
export const STORAGE_LOW_FREE_SHARE = 0.1;

export const SYNC_LOCK_NAME = "fieldwork-sync"; // Web Locks: one tab leads sync
export const BACKGROUND_SYNC_TAG = "fieldwork-sync";

// Days without a meaningful contact before a family is flagged.
export const CONTACT_ATTENTION_DAYS = 21;

// The team view: the supervisor's default for "no meaningful contact for more
// than N days", and how far ahead statutory visits count as due.
export const TEAM_CONTACT_DAYS = 20;
export const TEAM_VISITS_DUE_WITHIN_DAYS = 14;

// Replies to this device's own consultations are looked for after a sync, at
// most this often, for consultations asked within the last CONSULTATION_FOLLOW_DAYS.
export const CONSULTATION_POLL_MS = 5_000;
export const CONSULTATION_FOLLOW_DAYS = 90;

// Photos and files attached to records (docs/sync.md, "Attachments"). A photo
// is redrawn so its longer edge is at most ATTACHMENT_LONG_EDGE_PX, which also
// drops its location and camera details; the council may set other values.
export const ATTACHMENT_LONG_EDGE_PX = 2048;
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024; // per file, as kept and uploaded
export const ATTACHMENT_DEVICE_QUOTA_BYTES = 500 * 1024 * 1024; // all attachments held on one device
export const ATTACHMENT_QUOTA_WARN_SHARE = 0.8; // warn once this share of the quota is used
export const ATTACHMENT_JPEG_QUALITY = 0.85;
export const ATTACHMENT_PIECE_BYTES = 1024 * 1024; // kept sealed in pieces of this size
export const ATTACHMENT_UPLOAD_CHUNK_BYTES = 256 * 1024; // one tus PATCH, each with its own checksum
export const ATTACHMENT_UPLOAD_ENDPOINT = "/api/v1/attachments/uploads";
export const ATTACHMENT_RETRY_DELAYS_MS = [0, 1_000, 3_000, 10_000];
