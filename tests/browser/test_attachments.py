"""A photo of a child's drawing, taken offline during a visit: kept sealed and smaller on the
device without its location, uploaded in checksummed pieces that resume where a dropped
connection left them, and shown to the supervisor on the note; no one else can download it."""

from __future__ import annotations

import base64
import struct
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_visit_note_judgment import (
    go,
    ready_to_work_offline,
    record_visit_details,
    watch_for_errors,
)

CHUNK = 256 * 1024  # ATTACHMENT_UPLOAD_CHUNK_BYTES in pwa/src/config.js
LONG_EDGE = 2048  # ATTACHMENT_LONG_EDGE_PX


def exif_with_gps() -> bytes:
    """Return an APP1 Exif segment saying where the photo was taken (51° 30' N), as phones do."""
    entry = struct.Struct(">HHI4s")
    gps_at = 8 + 2 + 12 + 4  # after the header and the first directory
    rationals_at = gps_at + 2 + 2 * 12 + 4
    ifd0 = struct.pack(">H", 1) + entry.pack(0x8825, 4, 1, struct.pack(">I", gps_at)) + b"\0" * 4
    gps = (
        struct.pack(">H", 2)
        + entry.pack(0x0001, 2, 2, b"N\0\0\0")
        + entry.pack(0x0002, 5, 3, struct.pack(">I", rationals_at))
        + b"\0" * 4
    )
    rationals = struct.pack(">IIIIII", 51, 1, 30, 1, 0, 1)
    tiff = b"MM\0*" + struct.pack(">I", 8) + ifd0 + gps + rationals
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def phone_photo(page: Any) -> bytes:
    """Return a 4000 x 3000 JPEG of noise (hard to compress, like a photo) carrying GPS Exif."""
    encoded = page.evaluate(
        """async () => {
            const canvas = new OffscreenCanvas(4000, 3000);
            const context = canvas.getContext('2d');
            const pixels = context.createImageData(4000, 3000);
            let seed = 7;
            for (let i = 0; i < pixels.data.length; i += 1) {
                seed = (seed * 1103515245 + 12345) & 0x7fffffff;
                pixels.data[i] = i % 4 === 3 ? 255 : seed & 0xff;
            }
            context.putImageData(pixels, 0, 0);
            const blob = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.9});
            const bytes = new Uint8Array(await blob.arrayBuffer());
            let text = '';
            for (let i = 0; i < bytes.length; i += 0x8000) {
                text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            }
            return btoa(text);
        }"""
    )
    plain = base64.b64decode(encoded)
    assert plain[:2] == b"\xff\xd8"
    return plain[:2] + exif_with_gps() + plain[2:]


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Return a JPEG's width and height from its frame header."""
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no frame header")


def test_a_drawing_photographed_offline_uploads_resumes_and_reaches_the_supervisor(
    app, make_user, make_family, make_client, new_context
):
    from tests.api.casework import publish_practice_settings

    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    make_user("caseworker", username="sol", team="South", display_name="Sol Reyes")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    photo = phone_photo(page)
    assert len(photo) > 5 * 1024 * 1024 // 2 and b"Exif\0\0MM" in photo
    device.set_offline(True)

    # Offline, during the visit: the note saved as a draft, then the drawing attached to it.
    go(page, f"#/family/{fid}/visit")
    record_visit_details(page, mode="Home visit", purpose="Statutory visit", meaningful="Yes")
    page.get_by_role("button", name="Save and continue to the note").click()
    expect(page.get_by_role("heading", level=1, name="Relational note")).to_be_visible()
    page.get_by_label("What happened").fill("Sam drew his family and told me who everyone is.")
    page.get_by_role("button", name="Save as draft").click()
    panel = page.get_by_role("region", name="Photos and files")
    expect(panel.get_by_label("Add a photo or file")).to_be_visible()
    check_accessibility(page, "visit: note with its photos and files")

    # Nothing chosen: the GOV.UK pattern's error, linked to the field.
    panel.get_by_role("button", name="Attach").click()
    expect(panel.locator(".govuk-error-message")).to_contain_text("Select a photo or file")
    check_accessibility(page, "visit: attaching with an error")

    panel.get_by_label("Add a photo or file").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    panel.get_by_label("Caption (optional)").fill("Sam's drawing of his family")
    panel.get_by_role("button", name="Attach").click()
    expect(panel.get_by_role("status")).to_contain_text("IMG_2041.jpg is attached")
    expect(panel.get_by_role("img", name="Sam's drawing of his family")).to_be_visible()
    expect(panel).to_contain_text("Waiting to upload")

    # Kept sealed: IndexedDB as stored holds no JPEG and no Exif, and the pieces open to a
    # smaller photo with no location in it.
    kept = page.evaluate(
        """async () => {
            const db = await new Promise((resolve, reject) => {
                const request = indexedDB.open('fieldwork');
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            const rows = await new Promise((resolve) => {
                const store = db.transaction('attachment_chunks').objectStore('attachment_chunks');
                const request = store.getAll();
                request.onsuccess = () => resolve(request.result);
            });
            db.close();
            const raw = rows.map((row) => new Uint8Array(row.data));
            const ascii = (bytes) => String.fromCharCode(...bytes);
            const containsExif = raw.some((bytes) => {
                for (let i = 0; i + 8 <= bytes.length; i += 1) {
                    if (bytes[i] !== 0x45) continue;
                    if (ascii(bytes.subarray(i, i + 8)) === 'Exif\\0\\0MM') return true;
                }
                return false;
            });
            const session = window.fieldwork.session;
            const [attachment] = session.data.all('attachment');
            const opened = await session.vault.read(attachment.id);
            const bitmap = await createImageBitmap(new Blob([opened]));
            const {jpegMetadata} = await import('/src/domain/attachments.js');
            return {
                pieces: rows.length,
                startsAsJpeg: raw.some(
                    (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff),
                containsExif,
                openedIsJpeg: opened[0] === 0xff && opened[1] === 0xd8,
                metadata: jpegMetadata(opened),
                width: bitmap.width,
                height: bitmap.height,
                size: opened.length,
                id: attachment.id,
                byteSize: attachment.byte_size,
            };
        }"""
    )
    assert kept["pieces"] >= 1
    assert not kept["startsAsJpeg"] and not kept["containsExif"], kept
    assert kept["openedIsJpeg"] and kept["metadata"] == [], kept
    assert (kept["width"], kept["height"]) == (LONG_EDGE, 1536), kept
    assert kept["size"] == kept["byteSize"]
    attachment_id = kept["id"]
    assert kept["size"] > 3 * CHUNK, "the photo must take several pieces to test resuming"

    # Back online: the third piece is cut off once; the upload resumes from the server's offset.
    sent: list[tuple[str, str | None]] = []
    device.on(
        "request",
        lambda request: (
            sent.append((request.method, request.headers.get("upload-offset")))
            if "/api/v1/attachments/uploads" in request.url
            else None
        ),
    )
    patches = {"seen": 0}

    def cut_the_third_piece(route: Any) -> None:
        if route.request.method == "PATCH":
            patches["seen"] += 1
            if patches["seen"] == 3:
                route.abort("connectionreset")
                return
        route.continue_()

    device.route("**/api/v1/attachments/uploads/**", cut_the_third_piece)
    device.set_offline(False)
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    page.wait_for_function(
        """(id) => window.fieldwork.session.attachments.status(id)?.state === 'sent'
            || window.fieldwork.session.attachments.status(id)?.state === 'stored'""",
        arg=attachment_id,
        timeout=60_000,
    )
    methods = [method for method, _ in sent]
    assert "HEAD" in methods, sent
    after_head = methods.index("HEAD")
    offsets = [int(offset) for method, offset in sent[after_head:] if method == "PATCH"]
    assert offsets and offsets[0] == 2 * CHUNK, sent  # the two whole pieces were kept
    patch_offsets = [int(offset) for method, offset in sent if method == "PATCH"]
    assert patch_offsets.count(0) == 1, sent  # never started again from the start
    device.unroute("**/api/v1/attachments/uploads/**")

    # The next sync learns the server stored it; the sync screen says so.
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    page.wait_for_function(
        "(id) => window.fieldwork.session.data.get('attachment', id)?.upload_state === 'stored'",
        arg=attachment_id,
    )
    wait_until_synced(page)
    go(page, "#/sync")
    expect(page.locator("#sync-uploads")).to_have_text("None")
    check_accessibility(page, "sync with photos and files")

    # What the server keeps is the smaller photo, without its location.
    stored = make_client("amara").get(f"/api/v1/attachments/{attachment_id}/content")
    assert stored.status_code == 200
    assert stored.headers["Content-Disposition"].startswith("attachment")
    assert stored.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Exif" not in stored.data[:4096]
    assert jpeg_size(stored.data) == (LONG_EDGE, 1536)

    # Someone outside the family's team is told there is no such file.
    assert make_client("sol").get(f"/api/v1/attachments/{attachment_id}/content").status_code == 404

    # The supervisor, on their own device, sees the drawing on the note.
    note_id = page.evaluate("() => window.fieldwork.session.data.all('note')[0].id")
    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    go(supervisor, f"#/note/{note_id}")
    drawing = supervisor.get_by_role("img", name="Sam's drawing of his family")
    expect(drawing).to_be_visible()
    supervisor.wait_for_function(
        "() => document.querySelector('.app-attachments__image')?.complete"
        " && document.querySelector('.app-attachments__image').naturalWidth > 0"
    )
    assert (
        supervisor.evaluate("() => document.querySelector('.app-attachments__image').naturalWidth")
        == LONG_EDGE
    )
    expect(supervisor.get_by_role("region", name="Photos and files")).to_contain_text("Uploaded")
    check_accessibility(supervisor, "note with a photo, as the supervisor")
    # Requests made offline, and the piece cut off, fail as they should; nothing else may.
    assert [error for error in errors if not error.startswith("Failed to load resource")] == []
