import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDatabase, STORES, deleteLocalData } from "../src/db/database.js";
import { LocalData } from "../src/store.js";
import { AttachmentVault } from "../src/attachments/vault.js";
import { AttachmentUploads, ChecksumHttpStack, shouldRetryUpload } from "../src/attachments/uploads.js";
import { renamed } from "../src/attachments/prepare.js";
import { SyncService } from "../src/sync/sync-service.js";
import {
  UploadState,
  fileProblem,
  fitWithin,
  formatBytes,
  jpegMetadata,
  nextToUpload,
  nextUploadState,
  sha256Base64,
  sha256Hex,
  spaceCheck,
} from "../src/domain/attachments.js";

const FAMILY = "11111111-1111-4111-8111-111111111111";
const ATTACHMENT = "44444444-4444-4444-8444-444444444444";
const MB = 1024 * 1024;

/** A JPEG's outline as a phone writes it: an Exif block naming a GPS directory, then the image. */
function jpegWithGps() {
  const tiff = [
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, first directory at 8
    0x00, 0x01, // one entry
    0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, // GPS directory pointer
    0x00, 0x00, 0x00, 0x00, // no next directory
    0x00, 0x00, // the GPS directory: empty
  ];
  const exif = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff];
  const app1 = [0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff, ...exif];
  return new Uint8Array([0xff, 0xd8, ...app1, 0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0xff, 0xd9]);
}

describe("making a photo smaller", () => {
  it("fits the longer edge and keeps the shape", () => {
    expect(fitWithin(4032, 3024, 2048)).toEqual({ width: 2048, height: 1536, scaled: true });
    expect(fitWithin(3024, 4032, 2048)).toEqual({ width: 1536, height: 2048, scaled: true });
  });

  it("leaves a photo that already fits at its size", () => {
    expect(fitWithin(1200, 800, 2048)).toEqual({ width: 1200, height: 800, scaled: false });
    expect(fitWithin(2048, 10, 2048).scaled).toBe(false);
  });

  it("never draws a side of no pixels", () => {
    expect(fitWithin(100_000, 10, 2048)).toEqual({ width: 2048, height: 1, scaled: true });
  });

  it("names a redrawn photo for what it now is", () => {
    expect(renamed("IMG_0001.HEIC", "image/jpeg")).toBe("IMG_0001.jpg");
    expect(renamed("drawing.png", "image/png")).toBe("drawing.png");
    expect(renamed("", "image/jpeg")).toBe("photo.jpg");
  });
});

describe("metadata in a photo", () => {
  it("finds the Exif block and its GPS directory in a phone's photo", () => {
    expect(jpegMetadata(jpegWithGps()).sort()).toEqual(["exif", "gps"]);
  });

  it("finds none in a JPEG with only image data", () => {
    expect(jpegMetadata(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]))).toEqual([]);
  });
});

describe("what may be attached", () => {
  const settings = { maxBytes: 20 * MB };

  it("asks for a file when none was chosen", () => {
    expect(fileProblem(null, settings)).toBe("Select a photo or file");
  });

  it("refuses a file too large, saying the limit", () => {
    expect(fileProblem({ type: "application/pdf", size: 21 * MB }, settings)).toBe("The selected file must be smaller than 20MB");
  });

  it("refuses kinds it cannot keep", () => {
    expect(fileProblem({ type: "application/x-msdownload", size: 10 }, settings)).toBe("The selected file must be a JPG, PNG, WEBP or PDF");
    expect(fileProblem({ type: "application/pdf", size: 0 }, settings)).toBe("The selected file is empty");
  });

  it("accepts photos and PDFs within the limit", () => {
    expect(fileProblem({ type: "image/jpeg", size: 5 * MB }, settings)).toBeNull();
    expect(fileProblem({ type: "application/pdf", size: 20 * MB }, settings)).toBeNull();
  });

  it("writes sizes as the GOV.UK pattern does", () => {
    expect(formatBytes(20 * MB)).toBe("20MB");
    expect(formatBytes(1.5 * MB)).toBe("1.5MB");
    expect(formatBytes(350 * 1024)).toBe("350KB");
  });
});

describe("room on the device", () => {
  const quotaBytes = 100 * MB;

  it("says nothing while there is room", () => {
    expect(spaceCheck({ appBytes: 10 * MB, adding: 5 * MB, quotaBytes, browser: { usage: 0, quota: 10_000 * MB } }).level).toBe("ok");
  });

  it("warns before the quota is reached", () => {
    const check = spaceCheck({ appBytes: 78 * MB, adding: 5 * MB, quotaBytes });
    expect(check.level).toBe("warn");
    expect(check.message).toContain("running out of room");
  });

  it("warns when the browser has little space left for the app", () => {
    expect(spaceCheck({ appBytes: 0, adding: 5 * MB, quotaBytes, browser: { usage: 960 * MB, quota: 1000 * MB } }).level).toBe("warn");
  });

  it("refuses a file that would pass the quota or the browser's space", () => {
    expect(spaceCheck({ appBytes: 98 * MB, adding: 5 * MB, quotaBytes }).level).toBe("full");
    expect(spaceCheck({ appBytes: 0, adding: 5 * MB, quotaBytes, browser: { usage: 998 * MB, quota: 1000 * MB } }).level).toBe("full");
  });
});

describe("an upload's states", () => {
  it("moves through waiting, uploading, sent and stored", () => {
    let state = UploadState.WAITING;
    for (const event of ["start", "progress", "finish", "stored"]) {
      state = nextUploadState(state, event);
    }
    expect(state).toBe(UploadState.STORED);
  });

  it("goes back to waiting when the connection drops, and starts again from there", () => {
    const dropped = nextUploadState(nextUploadState(UploadState.WAITING, "start"), "interrupt");
    expect(dropped).toBe(UploadState.WAITING);
    expect(nextUploadState(dropped, "start")).toBe(UploadState.UPLOADING);
  });

  it("never starts again once stored or refused", () => {
    expect(() => nextUploadState(UploadState.STORED, "start")).toThrow("An upload that is stored cannot start.");
    expect(() => nextUploadState(UploadState.REFUSED, "start")).toThrow();
    expect(() => nextUploadState(UploadState.WAITING, "finish")).toThrow();
  });

  it("waits for the record to sync before sending its bytes, oldest first", () => {
    const files = [
      { attachment_id: "b", state: UploadState.WAITING, created_at: "2026-03-02T10:00:00Z" },
      { attachment_id: "a", state: UploadState.WAITING, created_at: "2026-03-01T10:00:00Z" },
      { attachment_id: "c", state: UploadState.SENT, created_at: "2026-02-01T10:00:00Z" },
    ];
    expect(nextToUpload(files, () => false).attachment_id).toBe("a");
    expect(nextToUpload(files, (id) => id === "a").attachment_id).toBe("b");
    expect(nextToUpload(files, () => true)).toBeNull();
  });
});

describe("the checksum on each piece", () => {
  function fakeStack() {
    const sent = [];
    return {
      sent,
      createRequest(method, url) {
        const headers = {};
        return {
          method,
          url,
          headers,
          setHeader(name, value) {
            headers[name] = value;
          },
          async send(body) {
            sent.push({ method, headers: { ...headers }, body });
            return { getStatus: () => 204 };
          },
        };
      },
      getName: () => "fake",
    };
  }

  it("adds the SHA-256 of the piece to every PATCH, in base64", async () => {
    const inner = fakeStack();
    const stack = new ChecksumHttpStack(inner);
    const piece = new Blob([new TextEncoder().encode("a piece of a drawing")]);
    await stack.createRequest("PATCH", "/api/v1/attachments/uploads/x").send(piece);
    const expected = await sha256Base64(new TextEncoder().encode("a piece of a drawing"));
    expect(inner.sent[0].headers["Upload-Checksum"]).toBe(`sha256 ${expected}`);
  });

  it("leaves other requests as they are", async () => {
    const inner = fakeStack();
    await new ChecksumHttpStack(inner).createRequest("HEAD", "/x").send(null);
    expect(inner.sent[0].headers).toEqual({});
  });

  it("sends a damaged piece again, and gives up on a refusal", () => {
    const answered = (status) => ({ originalResponse: { getStatus: () => status } });
    expect(shouldRetryUpload(answered(460))).toBe(true);
    expect(shouldRetryUpload(answered(503))).toBe(true);
    expect(shouldRetryUpload(answered(415))).toBe(false);
  });

  it("writes hashes as the record and tus carry them", async () => {
    const bytes = new TextEncoder().encode("abc");
    expect(await sha256Hex(bytes)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Base64(bytes)).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });
});

describe("attachments kept on the device", () => {
  let name;
  let db;
  let key;
  let vault;

  beforeEach(async () => {
    name = `attachments-${Math.random()}`;
    db = await LocalDatabase.open(name);
    await db.write([{ store: STORES.device, put: [{ key: "device", device_id: "device-1", next_mutation_id: 1 }] }]);
    key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    vault = new AttachmentVault({ db, key });
  });

  afterEach(async () => {
    db.close();
    await deleteLocalData(name);
  });

  function bytesOf(size) {
    const bytes = new Uint8Array(size);
    const marker = new TextEncoder().encode("CANARY-JPEG-BYTES");
    for (let at = 0; at + marker.length <= size; at += 4096) bytes.set(marker, at);
    return bytes;
  }

  it("seals the bytes in pieces and reads them back whole", async () => {
    const bytes = bytesOf(2.5 * MB);
    await vault.keep(ATTACHMENT, bytes, { content_type: "image/jpeg", created_at: "2026-03-01T10:00:00Z" });
    const pieces = await db.all(STORES.attachmentChunks);
    expect(pieces.map((piece) => piece.index)).toEqual([0, 1, 2]);
    for (const piece of pieces) {
      expect(Buffer.from(piece.data).includes("CANARY-JPEG-BYTES")).toBe(false);
    }
    expect(await sha256Hex(await vault.read(ATTACHMENT))).toBe(await sha256Hex(bytes));
    expect(await vault.heldBytes()).toBe(bytes.length);
    const [file] = await vault.files();
    expect(file).toMatchObject({ attachment_id: ATTACHMENT, state: UploadState.WAITING, byte_size: bytes.length });
  });

  it("frees room by dropping the bytes of files the server stored, oldest first", async () => {
    await vault.keep("old", bytesOf(3 * MB), { content_type: "image/jpeg", created_at: "2026-01-01T00:00:00Z" });
    await vault.keep("new", bytesOf(3 * MB), { content_type: "image/jpeg", created_at: "2026-02-01T00:00:00Z" });
    await vault.keep("unsent", bytesOf(3 * MB), { content_type: "image/jpeg", created_at: "2025-01-01T00:00:00Z" });
    for (const file of await vault.files()) {
      if (file.attachment_id !== "unsent") await vault.update(file, { state: UploadState.STORED });
    }
    expect(await vault.makeRoom(2 * MB, 10 * MB)).toBe(3 * MB);
    expect(await vault.read("old")).toBeNull();
    expect(await vault.read("new")).not.toBeNull();
    expect(await vault.read("unsent")).not.toBeNull(); // never dropped before it is sent
  });

  it("deletes a family's attachments with it when the family leaves the caseload", async () => {
    const data = new LocalData();
    const service = new SyncService({ db, key, data, deviceId: "device-1" });
    await service.applyPage({
      cursor: "c1",
      changes: [
        { entity: "family", id: FAMILY, op: "upsert", version: 1, family_id: FAMILY, data: { id: FAMILY } },
        {
          entity: "attachment", id: ATTACHMENT, op: "upsert", version: 1, family_id: FAMILY,
          data: { id: ATTACHMENT, family_id: FAMILY, parent_kind: "note", parent_id: "n1", upload_state: "stored" },
        },
      ],
    });
    await vault.keep(ATTACHMENT, bytesOf(10), { content_type: "image/jpeg", created_at: "2026-03-01T10:00:00Z" });
    await service.applyPage({ cursor: "c2", changes: [{ entity: "family", id: FAMILY, op: "evict" }] });
    expect(await db.count(STORES.attachmentChunks)).toBe(0);
    expect(await db.count(STORES.attachmentFiles)).toBe(0);
    expect(await db.count(STORES.records)).toBe(0);
  });
});

describe("sending attachments", () => {
  let name;
  let db;
  let key;
  let vault;
  let data;
  let uploads;
  let tus;

  // A stand-in for tus-js-client: records each upload's options and lets the test finish it.
  function fakeTus() {
    const made = [];
    class Upload {
      constructor(file, options) {
        this.file = file;
        this.options = options;
        this.url = options.uploadUrl;
        made.push(this);
      }
      start() {
        this.started = true;
      }
      abort() {
        return Promise.resolve();
      }
    }
    class DefaultHttpStack {
      createRequest() {}
      getName() {
        return "fake";
      }
    }
    return { Upload, DefaultHttpStack, made };
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  async function started(index) {
    for (let turn = 0; turn < 50 && !tus.made[index]?.started; turn += 1) await tick();
    return tus.made[index];
  }

  beforeEach(async () => {
    name = `uploads-${Math.random()}`;
    db = await LocalDatabase.open(name);
    key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    vault = new AttachmentVault({ db, key });
    data = new LocalData();
    data.load({ records: [], outbox: [], notices: [] });
    tus = fakeTus();
    uploads = new AttachmentUploads({ vault, data, tus });
    await vault.keep(ATTACHMENT, new Uint8Array([1, 2, 3]), { content_type: "image/jpeg", created_at: "2026-03-01T10:00:00Z" });
  });

  afterEach(async () => {
    db.close();
    await deleteLocalData(name);
  });

  const record = (fields = {}) => ({
    entity: "attachment", id: ATTACHMENT, version: 1, family_id: FAMILY,
    data: { id: ATTACHMENT, family_id: FAMILY, parent_kind: "note", parent_id: "n1", upload_state: "awaited", ...fields },
  });

  it("sends nothing while the record is still in the outbox", async () => {
    data.setOutbox([{ mutation_id: 1, entity: "attachment", op: "create", id: ATTACHMENT, data: { family_id: FAMILY } }]);
    expect(await uploads.run()).toBe(0);
    expect(tus.made).toHaveLength(0);
    expect(uploads.status(ATTACHMENT).state).toBe(UploadState.WAITING);
  });

  it("keeps the upload's address when the connection drops, and resumes from it", async () => {
    data.putConfirmed([record()]);
    const first = uploads.run();
    const upload = await started(0);
    expect(upload.options.metadata).toEqual({ attachment_id: ATTACHMENT });
    expect(upload.options.uploadUrl).toBeNull();
    upload.url = "/api/v1/attachments/uploads/abc";
    upload.options.onUploadUrlAvailable();
    upload.options.onProgress(1, 3);
    expect(uploads.status(ATTACHMENT)).toMatchObject({ state: UploadState.UPLOADING });
    expect(Math.round(uploads.status(ATTACHMENT).percent)).toBe(33);
    upload.options.onError(Object.assign(new Error("dropped"), { originalResponse: null }));
    expect(await first).toBe(0);
    expect(uploads.status(ATTACHMENT).state).toBe(UploadState.WAITING);

    const again = uploads.run();
    const resumed = await started(1);
    expect(resumed.options.uploadUrl).toBe("/api/v1/attachments/uploads/abc"); // tus asks the server its offset
    resumed.options.onSuccess();
    expect(await again).toBe(1);
    expect(uploads.status(ATTACHMENT).state).toBe(UploadState.SENT);
  });

  it("shows a refusal from the server and never sends the file again", async () => {
    data.putConfirmed([record()]);
    const run = uploads.run();
    const upload = await started(0);
    upload.options.onError({ originalResponse: { getStatus: () => 415, getBody: () => '{"message": "This file is not a JPG, PNG or PDF."}' } });
    await run;
    expect(uploads.status(ATTACHMENT)).toMatchObject({ state: UploadState.REFUSED, refused_reason: "This file is not a JPG, PNG or PDF." });
    expect(await uploads.run()).toBe(0);
    expect(tus.made).toHaveLength(1);
  });

  it("takes the server's word that a file is stored", async () => {
    data.putConfirmed([record({ upload_state: "stored" })]);
    expect(await uploads.run()).toBe(0);
    expect(uploads.status(ATTACHMENT).state).toBe(UploadState.STORED);
    expect((await vault.files())[0].state).toBe(UploadState.STORED);
  });

  it("forgets the bytes of an attachment no longer on the device", async () => {
    await uploads.run();
    expect(await db.count(STORES.attachmentChunks)).toBe(0);
    vi.restoreAllMocks();
  });
});
