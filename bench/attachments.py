"""Attachments and the record sync: do ten 5 MB photos waiting to upload slow a visit's records?

The demo council (``flask --app server demo-data``) is loaded into a fresh
SQLite database in a folder of its own and served in-process, attachments
stored on the filesystem beside it. Debian's Chromium, driven by Playwright,
signs in as ``cw.amara`` on a fresh device and waits for the first sync. Then,
in the page, ``--repeat`` rounds of:

1. ``without``: a visit's records (the interaction, its relational note and
   ``--records`` plus ``--photos`` plan actions) are queued offline, then one
   sync is timed from ``syncNow()`` to its end (push, then pull).
2. ``with``: the visit, ``--records`` plan actions and ``--photos`` photos of about
   ``--photo-mb`` MB each attached to the note through the app's own path
   (redrawn at 2048 px, sealed in pieces, the record queued), then one sync
   timed the same way: as many records as ``without``, each photo's record
   in place of a plan action, so the two differ only in the bytes waiting.
   The photos' uploads start when the records are synced.
3. ``during``: while those uploads are still going, another visit's records
   are queued and one sync timed. The server is one process on SQLite, so
   this also measures the server's own contention between the uploads'
   writes and the sync's (the app sends one upload at a time, and only after
   the records).

One untimed round comes first (the server's first upload loads code).

The uploads' total time (to every photo sent) is reported beside.

    .venv/bin/python -m bench.attachments [--photos 10] [--photo-mb 5] [--repeat 5]

Figures (the last line is JSON): medians ``sync_without_ms``,
``sync_with_ms``, ``sync_during_ms``; ``ratio`` = with / without and
``ratio_during`` = during / without (1 means attachments cost the record sync
nothing; the target is at most 1.25); ``photo_bytes`` (mean size of a photo
as chosen) and ``kept_bytes`` (after redrawing); ``upload_s`` (median time to
send every photo of a round) and ``errors``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSPHRASE = "a long passphrase for the bench"  # noqa: S105  (a fresh bench device's)
WAIT_MS = 600_000
TARGET_RATIO = 1.25

# In the page: make a photo of about `bytes` bytes (noise compresses like a photo's detail).
MAKE_PHOTO = """async ({width, height, seed}) => {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(width, height);
  let state = seed;
  for (let i = 0; i < pixels.data.length; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    pixels.data[i] = i % 4 === 3 ? 255 : (state >> 8) & 0xff;
  }
  context.putImageData(pixels, 0, 0);
  const blob = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.92});
  const photo = new File([blob], `photo-${seed}.jpg`, {type: 'image/jpeg'});
  window.benchPhotos = (window.benchPhotos || []).concat([photo]);
  return blob.size;
}"""

# In the page: queue a visit's records offline, and attach the photos to its note as the panel does.
QUEUE_VISIT = """async ({familyId, records, photos}) => {
  const session = window.fieldwork.session;
  const {newId} = await import('/src/domain/ids.js');
  const {prepareAttachment} = await import('/src/attachments/prepare.js');
  const {attachmentSettings} = await import('/src/domain/attachments.js');
  const {nowIso} = await import('/src/clock.js');
  const sync = session.sync;
  const interactionId = newId();
  await sync.enqueue('interaction', 'create', interactionId, {
    family_id: familyId, occurred_at: nowIso(), mode: 'home_visit', purpose: 'statutory_visit',
    announced: true, meaningful: true, duration_minutes: 45, participants: [],
  });
  const noteId = newId();
  await sync.enqueue('note', 'create', noteId, {
    family_id: familyId, interaction_id: interactionId,
    sections: {what_happened: 'We drew pictures together.'},
  });
  for (let i = 0; i < records; i += 1) {
    await sync.enqueue('plan_action', 'create', newId(),
      {family_id: familyId, task: `Task ${i}`, who: 'Gran'});
  }
  let kept = 0;
  for (const file of (window.benchPhotos || []).slice(0, photos)) {
    const prepared = await prepareAttachment(file, attachmentSettings(session.data.reference));
    const id = newId();
    await session.vault.keep(id, prepared.bytes,
      {content_type: prepared.content_type, created_at: nowIso()});
    await sync.enqueue('attachment', 'create', id, {
      family_id: familyId, parent_kind: 'note', parent_id: noteId, filename: prepared.filename,
      content_type: prepared.content_type, byte_size: prepared.byte_size, sha256: prepared.sha256,
    });
    kept += prepared.byte_size;
  }
  await session.attachments.refresh();
  return kept;
}"""

# In the page: one sync, timed from its start to its end (push, then pull); uploads follow it.
TIMED_SYNC = """async () => {
  const sync = window.fieldwork.session.sync;
  while (sync.running) await sync.running;
  const start = performance.now();
  await sync.syncNow('bench');
  const took = performance.now() - start;
  return {took, state: sync.state, waiting: window.fieldwork.session.data.outbox.length};
}"""

UPLOADS_DONE = """() => {
  const uploads = window.fieldwork.session.attachments;
  const done = (file) => ['sent', 'stored'].includes(file.state);
  return !uploads.running && uploads.outstanding().every(done);
}"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=30, help="demo families")
    parser.add_argument("--seed", type=int, default=2026, help="the demo's seed")
    parser.add_argument("--photos", type=int, default=10, help="photos attached to the visit")
    parser.add_argument("--photo-mb", type=float, default=5.0, help="about how big each photo is")
    parser.add_argument("--records", type=int, default=20, help="plan actions beside the visit")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of without/with/during")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.families, args.photos, args.photo_mb, args.records, args.repeat = 12, 2, 1.0, 3, 1
    return args


@contextlib.contextmanager
def served(folder: Path, families: int, seed: int) -> Iterator[str]:
    """Load the demo into a fresh SQLite database and serve the app; yield its URL."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'demo.sqlite3'}"
    os.environ["ATTACHMENT_STORAGE"] = str(folder / "attachments")
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    import demo
    from server import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        demo.load_demo_data(families=families, seed=seed)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in on a fresh device and wait for the first sync to finish."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_function(
        "() => window.fieldwork.session.sync && window.fieldwork.session.sync.state === 'idle'"
        " && !window.fieldwork.session.sync.running"
        " && Object.keys(window.fieldwork.session.data?.reference?.directory || {}).length > 0",
        timeout=WAIT_MS,
    )


def photo_size(megabytes: float) -> tuple[int, int]:
    """Return a 4:3 size whose noise JPEG at quality 0.92 is about `megabytes` (0.95 B a pixel)."""
    pixels = megabytes * 1024 * 1024 / 0.95
    width = int((pixels * 4 / 3) ** 0.5)
    return width, width * 3 // 4


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from demo import DEMO_PASSWORD

    errors: list[str] = []
    rounds: list[dict[str, float]] = []
    with served(folder, args.families, args.seed) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        context = browser.new_context(base_url=url, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, "cw.amara", DEMO_PASSWORD)
        # The app's own timers stay out of the measurements: only the bench syncs.
        page.evaluate(
            "() => { const sync = window.fieldwork.session.sync;"
            " sync.stop(); sync.scheduleSoon = () => {}; }"
        )
        family_id = page.evaluate("() => window.fieldwork.session.data.all('family')[0].id")
        width, height = photo_size(args.photo_mb)
        sizes = [
            page.evaluate(MAKE_PHOTO, {"width": width, "height": height, "seed": seed + 1})
            for seed in range(args.photos)
        ]

        def timed(records: int, photos: int) -> tuple[float, int]:
            kept = page.evaluate(
                QUEUE_VISIT, {"familyId": family_id, "records": records, "photos": photos}
            )
            result = page.evaluate(TIMED_SYNC)
            if result["state"] != "idle" or result["waiting"]:
                errors.append(f"sync ended {result}")
            return result["took"], kept

        # One untimed round first: the server's first attachment, first upload and so on
        # load code and plans that later rounds reuse.
        timed(args.records, min(1, args.photos))
        timed(args.records, 0)
        page.wait_for_function(UPLOADS_DONE, timeout=WAIT_MS)
        # Each photo's record is a record to sync too: the syncs without photos carry as
        # many plan actions more, so the three differ only in the bytes waiting.
        same_count = args.records + args.photos
        for _ in range(args.repeat):
            without, _ = timed(same_count, 0)
            page.wait_for_function(UPLOADS_DONE, timeout=WAIT_MS)
            started = time.perf_counter()
            with_photos, kept = timed(args.records, args.photos)
            during, _ = timed(same_count, 0)
            page.wait_for_function(UPLOADS_DONE, timeout=WAIT_MS)
            rounds.append(
                {
                    "without": without,
                    "with": with_photos,
                    "during": during,
                    "upload_s": time.perf_counter() - started,
                    "kept": kept,
                }
            )
        refused = page.evaluate(
            "() => window.fieldwork.session.attachments.outstanding()"
            ".filter((file) => file.state === 'refused').length"
        )
        if refused:
            errors.append(f"{refused} photos refused")
        browser.close()

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    without_ms = median("without")
    return {
        "photos": args.photos,
        "records_per_sync": args.records + args.photos + 2,
        "photo_bytes": round(statistics.mean(sizes)),
        "kept_bytes": round(median("kept") / max(1, args.photos)),
        "sync_without_ms": round(without_ms, 1),
        "sync_with_ms": round(median("with"), 1),
        "sync_during_ms": round(median("during"), 1),
        "ratio": round(median("with") / without_ms, 3),
        "ratio_during": round(median("during") / without_ms, 3),
        "upload_s": round(median("upload_s"), 2),
        "target_ratio": TARGET_RATIO,
        "errors": len(errors),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-attachments-") as folder:
        figures = run(args, Path(folder))
    verdict = (
        "meets" if max(figures["ratio"], figures["ratio_during"]) <= TARGET_RATIO else "misses"
    )
    print(
        f"A visit's {figures['records_per_sync']} records synced in "
        f"{figures['sync_without_ms']} ms "
        f"alone, {figures['sync_with_ms']} ms with {args.photos} photos of "
        f"{figures['photo_bytes'] / 1e6:.1f} MB waiting (ratio {figures['ratio']}) and "
        f"{figures['sync_during_ms']} ms while they uploaded (ratio {figures['ratio_during']}): "
        f"{verdict} the {TARGET_RATIO} target; the photos took {figures['upload_s']} s to send",
        file=sys.stderr,
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
