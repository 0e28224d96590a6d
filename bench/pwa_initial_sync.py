"""PWA initial sync: a caseworker's first sync in headless Chromium, encrypted and plain.

One caseworker's caseload (30 families, years of work, about 15,000 records)
is built into a database of its own and served by gunicorn with the built
PWA (pwa/build). Debian's Chromium, driven by Playwright, opens the app on a
fresh device (a profile on disk, so IndexedDB writes to disk as on a phone),
signs in, chooses a passphrase, and waits for the caseload screen. Then, in
the same page, the same full pull runs through the app's own SyncService into
two more IndexedDB databases, one sealed with a fresh AES-GCM key and one
with encryption off (``seal(null, ...)``), alternating, ``--repeat`` times.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.pwa_initial_sync [--families 30] [--records 15000] [--repeat 3]

What each figure includes (all measured inside the page with performance.now()
and Resource Timing):

- ``key_derivation_s``: from submitting the passphrase form to the session
  unlocking: PBKDF2-SHA-256 (600,000 iterations), HKDF, making and wrapping
  the data key, opening the empty store. Not part of ``initial_sync_s``.
- ``initial_sync_s``: from the start of the first ``POST /api/sync/pull`` to
  the sync service turning idle: every page fetched, parsed, sealed, written
  to IndexedDB and put in memory, then the sync state saved.
- ``caseload_render_ms``: from the sync turning idle to the caseload table
  being in the DOM (the first-sync screen navigates to ``#/``, and the router
  computes and mounts the caseload view); ``caseload_paint_ms`` to the frame
  after it.
- ``encrypted_pull_s`` / ``plain_sync_s``: ``SyncService.pull()`` from a null
  cursor into a fresh IndexedDB database, with a fresh non-extractable AES-GCM
  key / with ``key: null``; medians of ``--repeat`` alternating runs.
  ``encryption_overhead`` = encrypted / plain - 1.

Targets on the 2-core machine: initial_sync_s <= 4, caseload_render_ms <= 500,
encryption_overhead <= 0.25. The app's own sync is stopped before the paired
pulls (they use its device id, and would push its checkpoint out of the
server's last 20, so its next sync would start over).

``--profile PREFIX`` adds: an instrumented encrypted pull and plain pull (time
in waiting, receiving, JSON.parse, sealing, IndexedDB writes, memory), with the
server's time per page from gunicorn's access log (``%(M)s``) and its workers'
CPU; ``--repeat`` rounds of what-if variants of SyncService (pipelined pages,
relaxed IndexedDB durability, one sealed row per page), each measuring what a
change to pwa/ would gain; and a V8 CPU profile of the main thread during a
pull, saved as PREFIX.cpuprofile (load it in Chrome DevTools' Performance panel).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import report
from bench.caseload import BENCH_PASSWORD, Council, GeneratedFamily, insert, merge
from bench.databases import (
    database_size_mb,
    engine_for,
    make_app,
    on_postgres,
    own_database,
    server_url,
    vacuum_analyze,
)
from bench.sync_load import Gunicorn
from server.timing import PHASES
from sync.client import HttpTransport, SyncClient

PULL_LIMIT = 500  # the PWA's page size (pwa/src/config.js)

ROOT = Path(__file__).resolve().parents[1]
PWA_DIR = ROOT / "pwa" / "build"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSPHRASE = "bench-river-stone-lamp"  # noqa: S105 (a benchmark device only)
TARGETS = {"initial_sync_s": 4.0, "caseload_render_ms": 500.0, "encryption_overhead": 0.25}
SMOKE = {"families": 3, "records": 300, "repeat": 1, "warm_up": 0}
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(M)s %(B)s"
WAIT_MS = 600_000  # the longest any one step in the browser may take


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--families", type=int, default=30, help="the caseworker's families")
    parser.add_argument(
        "--records", type=int, default=15_000, help="about how many records they hold"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="alternating plain/encrypted pulls (medians)"
    )
    parser.add_argument(
        "--warm-up", type=int, default=1, help="untimed plain/encrypted pairs before those"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--database-url", help="server to make the database on (DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--pwa-dir", type=Path, default=PWA_DIR, help="the built PWA to serve (make pwa)"
    )
    parser.add_argument(
        "--build-pwa", action="store_true", help="run `make pwa` first, even if a build exists"
    )
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="add instrumented pulls, what-if variants, a CPU profile (PREFIX.cpuprofile)",
    )
    parser.add_argument(
        "--screenshot", metavar="FILE", help="save a PNG of the caseload screen after sync"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


# --- the PWA build ---------------------------------------------------------------------


class NoBuild(RuntimeError):
    """There is no built PWA to serve, and `make pwa` could not make one."""


def ensure_pwa_build(pwa_dir: Path, rebuild: bool) -> str:
    """Return the version of the PWA in ``pwa_dir``, running ``make pwa`` if it is missing."""
    stamp = pwa_dir / ".built"
    if rebuild or not stamp.exists():
        if pwa_dir.resolve() != PWA_DIR.resolve():
            raise NoBuild(f"no PWA build in {pwa_dir} (.built is missing); build it first")
        report.say("  running `make pwa` ...")
        made = subprocess.run(
            ["make", "pwa"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        if made.returncode != 0 or not stamp.exists():
            raise NoBuild(
                "`make pwa` failed, so there is no PWA to serve. Build it (make pwa) and run"
                f" the benchmark again.\n{made.stdout[-2000:]}\n{made.stderr[-2000:]}"
            )
    if not (pwa_dir / "index.html").exists() or not (pwa_dir / "src" / "app.js").exists():
        raise NoBuild(f"{pwa_dir} is not a complete PWA build: run `make pwa`")
    return stamp.read_text().strip()


def stale_sources(pwa_dir: Path) -> int:
    """Return how many PWA sources changed after the build (the build measured is older)."""
    built = (pwa_dir / ".built").stat().st_mtime
    sources = [p for d in ("src", "styles") for p in (ROOT / "pwa" / d).rglob("*") if p.is_file()]
    return sum(1 for path in sources if path.stat().st_mtime > built)


# --- the caseload ----------------------------------------------------------------------


def build(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Give one caseworker ``--families`` families of about ``--records`` records in all."""
    council = Council(caseworkers=1, seed=args.seed, batch=100)
    caseworker = council.caseworkers[0]
    families: list[GeneratedFamily] = []
    started = time.perf_counter()
    for number in range(args.families):
        # Of the next 50 families, the one nearest the size that keeps the total on course.
        held = sum(family.records for family in families)
        wanted = max(1.0, (args.records - held) / (args.families - number))
        family = council.nearest(wanted, candidates=50)
        family.give_to(caseworker)
        families.append(family)
    engine = engine_for(url)
    with engine.begin() as connection:
        insert(connection, council.staff_rows())
        insert(connection, council.practice)
        rows = insert(connection, merge(families))
    engine.dispose()
    vacuum_analyze(url)
    return {
        "caseworker": caseworker.username,
        "case_rows": rows,
        "build_s": time.perf_counter() - started,
        "size_mb": database_size_mb(url) or 0.0,
    }


def records_in_scope(url: str, username: str) -> Counter[str]:
    """Count, by entity, the live records the caseworker may see: what a device should hold.

    Counted with the access rules' scope, straight from the tables, not
    through the sync feed: every case record in a visible family (people
    through a live membership) and every practice record, less the deleted.
    """
    from server import access
    from server.extensions import db
    from server.persistence import User
    from server.persistence.case import CASE_RECORDS
    from server.services.sync import GLOBAL_MODELS

    app = make_app(url)
    counts: Counter[str] = Counter()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user is not None, username
        models: list[tuple[str, Any, bool]] = [
            *((kind.value, model, True) for kind, model in CASE_RECORDS.items()),
            *((entity, model, False) for entity, model in GLOBAL_MODELS.items()),
        ]
        for entity, model, scoped in models:
            query = sa.select(sa.func.count()).select_from(model)
            if scoped:
                query = query.where(access.in_scope(model, user))
            if hasattr(model, "deleted_at"):
                query = query.where(model.deleted_at.is_(None))
            counts[entity] = int(db.session.scalar(query) or 0)
        db.session.remove()
        db.engine.dispose()
    return +counts


# --- the server ------------------------------------------------------------------------


class AppServer(Gunicorn):
    """gunicorn as bench.sync_load runs it, serving the PWA too, with an access log.

    The access log gives the server's own time for each request (``%(M)s``, ms).
    """

    def __init__(self, url: str, workers: int, folder: Path, pwa_dir: Path):
        self.access_path = folder / "access.log"
        super().__init__(
            url,
            workers,
            folder,
            env_extra={"PWA_DIR": str(pwa_dir.resolve())},
            args_extra=(
                f"--access-logfile={self.access_path}",
                f"--access-logformat={ACCESS_FORMAT}",
            ),
        )

    def requests(self) -> list[tuple[str, str, int, float, int]]:
        """Return (method, path, status, ms, bytes) of every request logged so far."""
        if not self.access_path.exists():
            return []
        answered = []
        for line in self.access_path.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[2].isdigit():
                size = int(parts[4]) if parts[4].isdigit() else 0
                answered.append((parts[0], parts[1], int(parts[2]), float(parts[3]), size))
        return answered

    def pulls_since(self, mark: int) -> list[tuple[float, int]]:
        """Return (ms, bytes) of each pull answered after the first ``mark`` requests."""
        return [
            (ms, size)
            for method, path, _status, ms, size in self.requests()[mark:]
            if method == "POST" and path == "/api/sync/pull"
        ]

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the gunicorn workers have used so far."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = children.read_text().split()
        except OSError:
            return 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total


# --- in the page ------------------------------------------------------------------------

# Marks the UI's first sync: passphrase submitted, unlocked, sync started and
# idle, each page stored, the caseload table in the DOM and the frame after it.
PROBE_JS = """
() => {
  const probe = (window.__bench = { marks: {}, pages: [], error: null });
  performance.setResourceTimingBufferSize(100000);
  const session = window.fieldwork.session;
  document.addEventListener("submit", (event) => {
    if (event.target.id === "passphrase-form" && !probe.marks.submit) {
      probe.marks.submit = performance.now();
    }
  }, true);
  session.addEventListener("unlocked", () => {
    probe.marks.unlocked = performance.now();
    const sync = session.sync;
    sync.addEventListener("progress", () => probe.pages.push(performance.now()));
    sync.addEventListener("status", () => {
      if (sync.state === "syncing" && !probe.marks.syncing) {
        probe.marks.syncing = performance.now();
      } else if (probe.marks.syncing && !probe.marks.idle) {
        if (sync.state === "idle") {
          probe.marks.idle = performance.now();
        } else {
          probe.error = `first sync ended ${sync.state}: ${sync.error && sync.error.message}`;
        }
      }
    });
  }, { once: true });
  const main = document.getElementById("main-content");
  const observer = new MutationObserver(() => {
    if (!probe.marks.idle || probe.marks.table) return;
    const heading = main.querySelector("h1");
    if (heading && /caseload|families/.test(heading.textContent)
        && (main.querySelector("table.govuk-table") || /No families/.test(main.textContent))) {
      probe.marks.table = performance.now();
      observer.disconnect();
      const painted = () => { probe.marks.painted = performance.now(); };
      requestAnimationFrame(() => setTimeout(painted, 0));
    }
  });
  observer.observe(main, { childList: true, subtree: true });
}
"""

# What the UI's first sync stored, and the pull requests' Resource Timing.
RESULT_JS = """
async () => {
  const probe = window.__bench;
  const session = window.fieldwork.session;
  const keys = await session.db.idb.getAllKeys("records");
  const byEntity = {};
  for (const key of keys) {
    const entity = String(key).split("/")[0];
    byEntity[entity] = (byEntity[entity] || 0) + 1;
  }
  const pulls = performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/api/sync/pull") && e.startTime >= probe.marks.unlocked)
    .map((e) => ({ start: e.startTime, request: e.requestStart, response: e.responseStart,
                   end: e.responseEnd, bytes: e.encodedBodySize,
                   server: Object.fromEntries(
                     (e.serverTiming || []).map((t) => [t.name, t.duration])) }));
  return { marks: probe.marks, pages: probe.pages, error: probe.error, pulls, byEntity,
           stored: keys.length, inMemory: session.data.countConfirmed(),
           deviceId: session.sync.deviceId };
}
"""

# One full pull through the app's SyncService into a fresh database of its own.
# With `profile`, the pull is instrumented (see PROFILE_HOOKS_JS) and reports
# where each page's time went.
PULL_JS = """
async ({ name, encrypted, profile = false, variant = "app" }) => {
  window.dispatchEvent(new Event("keydown"));  // not idle: the app's inactivity lock waits
  const { SyncService } = await import("/src/sync/sync-service.js");
  const { LocalDatabase, deleteLocalData, STORES } = await import("/src/db/database.js");
  const { LocalData } = await import("/src/store.js");
  await deleteLocalData(name);
  const db = await LocalDatabase.open(name);
  const AES = { name: "AES-GCM", length: 256 };
  const uses = ["encrypt", "decrypt"];
  const key = encrypted ? await crypto.subtle.generateKey(AES, false, uses) : null;
  const data = new LocalData();
  const deviceId = window.fieldwork.session.sync.deviceId;  // the session's device
  const Service = variant === "app" ? SyncService : await window.__benchVariants[variant]();
  const service = new Service({ db, key, data, deviceId });
  const hooks = profile ? window.__benchHooks.install() : null;
  const mark = performance.now();
  let received;
  try {
    received = await service.pull();
  } finally {
    hooks?.remove();
    service.restore?.();
  }
  const seconds = (performance.now() - mark) / 1000;
  const stored = service.storedRecords ?? await db.count(STORES.records);
  db.close();
  await deleteLocalData(name);
  const pulls = performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/api/sync/pull") && e.startTime >= mark)
    .map((e) => ({ start: e.startTime, request: e.requestStart, response: e.responseStart,
                   end: e.responseEnd, bytes: e.encodedBodySize,
                   server: Object.fromEntries(
                     (e.serverTiming || []).map((t) => [t.name, t.duration])) }));
  return { seconds, received, stored, inMemory: data.countConfirmed(), pulls,
           hooks: hooks && hooks.totals };
}
"""

# What-if variants of the app's SyncService, for --profile only: each changes
# one thing about how a pull stores its pages, to measure what a change to
# pwa/ would gain. None of them is the app's code.
VARIANTS_JS = """
async () => {
  const { SyncService } = await import("/src/sync/sync-service.js");
  const { LocalDatabase, STORES } = await import("/src/db/database.js");
  const { seal } = await import("/src/crypto/keys.js");
  const { recordKey } = await import("/src/store.js");
  const { post } = await import("/src/sync/api.js");
  const { PULL_LIMIT } = await import("/src/config.js");

  // The next page is requested as soon as a page arrives, and stored while the
  // server works on the next one (the cursor is in the answer already).
  class Pipelined extends SyncService {
    async pull() {
      const ask = (cursor) =>
        post("/api/sync/pull", { device_id: this.deviceId, cursor, limit: PULL_LIMIT });
      let received = 0;
      let reply = await ask(this.cursor ?? null);
      for (;;) {
        const next = reply.has_more ? ask(reply.cursor) : null;
        next?.catch(() => {});
        await this.applyPage(reply);
        received += reply.changes.length;
        if (!next) break;
        reply = await next;
      }
      this.data.changed();
      return received;
    }
  }

  // Every page's records sealed as one value, in one row: the floor under
  // per-record sealing and per-record IndexedDB puts.
  class OneRowPerPage extends SyncService {
    async applyPage(page) {
      const put = page.changes.filter((c) => c.op === "upsert" && c.entity !== "rejection")
        .map((c) => ({ entity: c.entity, id: c.id, version: c.version,
                       family_id: c.family_id ?? c.data?.family_id ?? null, data: c.data }));
      this.pages = (this.pages || 0) + 1;
      this.storedRecords = (this.storedRecords || 0) + put.length;
      const sealed = await seal(this.key, put);
      this.cursor = page.cursor;
      const state = { key: "sync", ...(await seal(this.key, { cursor: this.cursor })) };
      await this.db.write([
        { store: STORES.records, put: [{ key: `page/${this.pages}`, ...sealed }] },
        { store: STORES.state, put: [state] },
      ]);
      this.data.putConfirmed(put);
    }
  }

  // IndexedDB transactions with durability "relaxed": committed without
  // waiting for the disk to flush (a lost page is pulled again from the cursor).
  const relaxedWrite = async function (changes) {
    const stores = [...new Set(changes.map((change) => change.store))];
    const transaction = this.idb.transaction(stores, "readwrite", { durability: "relaxed" });
    const complete = new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    for (const change of changes) {
      const store = transaction.objectStore(change.store);
      for (const key of change.delete || []) store.delete(key);
      for (const row of change.put || []) store.put(row);
    }
    return complete;
  };
  class Relaxed extends SyncService {
    constructor(options) {
      super(options);
      const original = LocalDatabase.prototype.write;
      LocalDatabase.prototype.write = relaxedWrite;
      this.restore = () => { LocalDatabase.prototype.write = original; };
    }
  }
  window.__benchVariants = {
    pipelined: async () => Pipelined,
    "one-row-per-page": async () => OneRowPerPage,
    relaxed: async () => Relaxed,
  };
}
"""

# Timers around each step of a pull, on the modules' prototypes and the
# globals they call (the same module instances the app uses), removed after.
PROFILE_HOOKS_JS = """
async () => {
  const { SyncService } = await import("/src/sync/sync-service.js");
  const { LocalDatabase } = await import("/src/db/database.js");
  const { LocalData } = await import("/src/store.js");
  window.__benchHooks = {
    install() {
      const totals = { fetch: 0, body: 0, parse: 0, apply: 0, stringify: 0, encode: 0,
                       write: 0, memory: 0, changed: 0, pages: 0, stringifyCalls: 0 };
      const undo = [];
      const now = () => performance.now();
      const wrap = (owner, name, key, counter) => {
        const original = owner[name];
        undo.push(() => { owner[name] = original; });
        owner[name] = function (...args) {
          if (counter) totals[counter] += 1;
          const started = now();
          let result;
          try {
            result = original.apply(this, args);
          } catch (error) {
            totals[key] += now() - started;
            throw error;
          }
          if (result && typeof result.then === "function") {
            return result.finally(() => { totals[key] += now() - started; });
          }
          totals[key] += now() - started;
          return result;
        };
      };
      const fetchOriginal = window.fetch;
      undo.push(() => { window.fetch = fetchOriginal; });
      window.fetch = async function (...args) {
        const started = now();
        const response = await fetchOriginal.apply(this, args);
        totals.fetch += now() - started;
        const text = response.text.bind(response);
        response.text = async () => {
          const reading = now();
          try { return await text(); } finally { totals.body += now() - reading; }
        };
        return response;
      };
      wrap(JSON, "parse", "parse");
      wrap(JSON, "stringify", "stringify", "stringifyCalls");
      wrap(TextEncoder.prototype, "encode", "encode");
      wrap(SyncService.prototype, "applyPage", "apply", "pages");
      wrap(LocalDatabase.prototype, "write", "write");
      wrap(LocalData.prototype, "putConfirmed", "memory");
      wrap(LocalData.prototype, "removeConfirmed", "memory");
      wrap(LocalData.prototype, "changed", "changed");
      return { totals, remove: () => undo.reverse().forEach((restore) => restore()) };
    },
  };
}
"""

# The caseload view rendered again on navigation (#/sync, then #/), after sync.
RERENDER_JS = """
async () => {
  window.dispatchEvent(new Event("keydown"));
  const main = document.getElementById("main-content");
  const waitFor = (test) => new Promise((resolve) => {
    if (test()) return resolve(performance.now());
    const observer = new MutationObserver(() => {
      if (test()) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(main, { childList: true, subtree: true });
  });
  const heading = () => main.querySelector("h1")?.textContent || "";
  location.hash = "#/sync";
  await waitFor(() => !/caseload|families/.test(heading()));
  const started = performance.now();
  location.hash = "#/";
  const shown = await waitFor(() => /caseload|families/.test(heading())
    && (main.querySelector("table.govuk-table") || /No families/.test(main.textContent)));
  return shown - started;
}
"""


@contextlib.contextmanager
def chromium(base_url: str, folder: Path) -> Iterator[Any]:
    """Yield a page of a fresh Chromium profile on disk (a new device) at ``base_url``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(folder / "chromium-profile"),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            base_url=base_url,
            service_workers="allow",
        )
        try:
            context.set_default_timeout(WAIT_MS)
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            with contextlib.suppress(Exception):  # the driver may be gone after Ctrl-C
                context.close()


def first_sync_in_ui(page: Any, username: str, errors: list[str]) -> dict[str, Any]:
    """Sign in as a person would, choose a passphrase, wait for the caseload; return marks."""
    page.goto("/")
    page.get_by_label("Username").wait_for()
    # A person takes a while to type: let the service worker finish caching the app.
    page.evaluate(
        "() => Promise.race([navigator.serviceWorker.ready,"
        " new Promise((resolve) => setTimeout(resolve, 20000))])"
    )
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(BENCH_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.evaluate(PROBE_JS)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_function(
        "() => window.__bench.error || (window.__bench.marks.painted !== undefined)",
        timeout=WAIT_MS,
    )
    result: dict[str, Any] = page.evaluate(RESULT_JS)
    if result["error"]:
        errors.append(result["error"])
    return result


def pull_in_page(
    page: Any, name: str, *, encrypted: bool, profile: bool = False, variant: str = "app"
) -> Any:
    return page.evaluate(
        PULL_JS, {"name": name, "encrypted": encrypted, "profile": profile, "variant": variant}
    )


def split(pulls: list[dict[str, float]]) -> tuple[float, float]:
    """Return the seconds spent waiting for answers and receiving them (Resource Timing)."""
    waiting = sum(p["response"] - p["request"] for p in pulls) / 1000
    receiving = sum(p["end"] - p["response"] for p in pulls) / 1000
    return waiting, receiving


def paired_pulls(
    page: Any, repeat: int, warm_up: int, expected: int, errors: list[str]
) -> dict[str, Any]:
    """Pull plain and encrypted, alternating which goes first; return the timed runs."""
    # The app's own sync stops first: its timer would pull beside these, and once
    # these pulls (same device) have pushed its checkpoint out of the server's last
    # CHECKPOINTS_KEPT, its cursor is refused and it would download everything again.
    page.evaluate("() => window.fieldwork.session.sync.stop()")
    page.wait_for_function("() => !window.fieldwork.session.sync.running")
    runs: dict[str, list[dict[str, Any]]] = {"plain": [], "encrypted": []}
    for number in range(warm_up + repeat):
        order = ("plain", "encrypted") if number % 2 == 0 else ("encrypted", "plain")
        for kind in order:
            run = pull_in_page(page, f"fieldwork-{kind}", encrypted=kind == "encrypted")
            timed = number >= warm_up
            if timed:
                runs[kind].append(run)
            waiting, receiving = split(run["pulls"])
            report.say(
                f"  {'pull' if timed else 'warm-up'} {kind:<9} {run['seconds']:6.2f} s:"
                f" waiting {waiting:5.2f} s, receiving {receiving:4.2f} s,"
                f" in the page {run['seconds'] - waiting - receiving:5.2f} s;"
                f" {run['stored']:,} records stored in {len(run['pulls'])} pages"
            )
            if run["stored"] != expected:
                errors.append(f"{kind} pull stored {run['stored']} records, expected {expected}")
    report_server_phases(runs["encrypted"])
    return runs


def report_server_phases(runs: list[dict[str, Any]]) -> None:
    """Say where the server's time went in a whole first pull (its Server-Timing headers)."""
    if not runs:
        return
    per_pull = {
        name: sum(p["server"].get(name, 0.0) for run in runs for p in run["pulls"])
        / len(runs)
        / 1000
        for name in (*PHASES, "total")
    }
    report.say(
        "  the server's time in one whole pull, by phase: "
        + ", ".join(f"{name} {per_pull[name]:.2f} s" for name in (*PHASES, "total"))
    )


def reference_pull(base_url: str, username: str) -> dict[str, Any]:
    """Pull everything with the reference client over HTTP (another device): warms gunicorn."""
    client = SyncClient(HttpTransport(base_url), uuid.uuid4())
    client.login(username, BENCH_PASSWORD)
    started = time.perf_counter()
    changes = client.pull(limit=PULL_LIMIT)
    return {
        "seconds": time.perf_counter() - started,
        "changes": changes,
        "records": len(client.store.records),
    }


# --- profiling --------------------------------------------------------------------------


def cpu_profile_summary(profile: dict[str, Any], top: int = 15) -> list[tuple[float, str]]:
    """Return the top (ms, function) by self time of a V8 CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    spent: Counter[str] = Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[node_id]["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1]
        name = frame["functionName"] or "(anonymous)"
        label = f"{name} {where}:{frame['lineNumber'] + 1}" if where else name
        spent[label] += delta / 1000
    return [(ms, label) for label, ms in spent.most_common(top)]


VARIANTS = ("app", "pipelined", "relaxed", "one-row-per-page")


def profile_pull(
    page: Any, server: AppServer, args: argparse.Namespace, expected: int, errors: list[str]
) -> dict[str, Any]:
    """Instrumented pulls (encrypted, plain), what-if variants, one under the CPU profiler."""
    page.evaluate(PROFILE_HOOKS_JS)
    page.evaluate(VARIANTS_JS)
    found: dict[str, Any] = {}
    for kind in ("encrypted", "plain"):
        mark = len(server.requests())
        cpu = server.cpu_seconds()
        run = pull_in_page(
            page, f"fieldwork-profile-{kind}", encrypted=kind == "encrypted", profile=True
        )
        run["server_cpu_s"] = server.cpu_seconds() - cpu
        run["server"] = server.pulls_since(mark)
        if run["stored"] != expected:
            errors.append(f"profiled {kind} pull stored {run['stored']}, expected {expected}")
        found[kind] = run
    variants: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
    for number in range(args.repeat):
        # Each round in another order, so no variant always follows the same one.
        shift = number % len(VARIANTS)
        for variant in VARIANTS[shift:] + VARIANTS[:shift]:
            run = pull_in_page(page, "fieldwork-variant", encrypted=True, variant=variant)
            variants[variant].append(run)
            waiting, receiving = split(run["pulls"])
            report.say(
                f"  what-if {variant:<17} {run['seconds']:6.2f} s; outside waiting and"
                f" receiving {run['seconds'] - waiting - receiving:5.2f} s"
            )
            if run["stored"] != expected:
                errors.append(f"variant {variant} stored {run['stored']}, expected {expected}")
    found["variants"] = variants
    session = page.context.new_cdp_session(page)
    session.send("Profiler.enable")
    session.send("Profiler.setSamplingInterval", {"interval": 200})
    session.send("Profiler.start")
    run = pull_in_page(page, "fieldwork-profile-cpu", encrypted=True)
    profile = session.send("Profiler.stop")["profile"]
    session.send("Profiler.disable")
    session.detach()
    path = Path(f"{args.profile}.cpuprofile")
    path.write_text(json.dumps(profile))
    found["cpu"] = {"seconds": run["seconds"], "top": cpu_profile_summary(profile), "path": path}
    return found


def report_profile(found: dict[str, Any]) -> None:
    report.heading("Where an initial pull's time goes (instrumented; timers add a little)")
    for kind in ("encrypted", "plain"):
        run = found[kind]
        hooks = run["hooks"]
        pages = len(run["pulls"])
        waiting, download = split(run["pulls"])
        server_ms = [ms for ms, _ in run["server"]]
        server_s = sum(server_ms) / 1000
        size = sum(b for _, b in run["server"])
        apply = hooks["apply"] / 1000
        write = hooks["write"] / 1000
        memory = hooks["memory"] / 1000
        sealing = apply - write - memory
        parse = hooks["parse"] / 1000
        accounted = waiting + download + parse + apply + hooks["changed"] / 1000
        report.say(f"  {kind} pull: {run['seconds']:.2f} s, {pages} pages, {size / 2**20:.1f} MB")
        report.lines(
            [
                (
                    "    server (gunicorn's time)",
                    f"{server_s:6.2f} s  ({report.median(server_ms):.0f} ms per page, median;"
                    f" workers' CPU {run['server_cpu_s']:.1f} s)",
                ),
                (
                    "    waiting for the answer",
                    f"{waiting:6.2f} s  (request sent to first byte, Resource Timing)",
                ),
                ("    receiving the body", f"{download:6.2f} s"),
                ("    JSON.parse", f"{parse:6.2f} s"),
                (
                    "    sealing (applyPage before write)",
                    f"{sealing:6.2f} s  (JSON.stringify {hooks['stringify'] / 1000:.2f} s,"
                    f" TextEncoder {hooks['encode'] / 1000:.2f} s,"
                    f" the rest AES-GCM and awaiting it)",
                ),
                ("    IndexedDB write (call to commit)", f"{write:6.2f} s"),
                ("    LocalData put (memory)", f"{memory:6.2f} s"),
                ("    LocalData.changed (overlay, event)", f"{hooks['changed'] / 1000:6.2f} s"),
                (
                    "    the rest (loop, events, GC)",
                    f"{max(0.0, run['seconds'] - accounted):6.2f} s",
                ),
            ]
        )
    rounds = len(found["variants"]["app"])
    report.say(f"  What-if variants of SyncService (encrypted; medians of {rounds}):")
    base = report.median([r["seconds"] for r in found["variants"]["app"]])
    for variant, runs in found["variants"].items():
        seconds = report.median([r["seconds"] for r in runs])
        in_page = report.median([r["seconds"] - sum(split(r["pulls"])) for r in runs])
        report.say(
            f"    {variant:<17} {seconds:6.2f} s ({seconds / base - 1:+.0%} against the app's"
            f" pull); outside waiting and receiving {in_page:5.2f} s"
        )
    cpu = found["cpu"]
    report.say(
        f"  CPU profile of another encrypted pull ({cpu['seconds']:.2f} s), main thread,"
        f" top self time; saved to {cpu['path']}:"
    )
    for ms, label in cpu["top"]:
        report.say(f"    {ms:8.0f} ms  {label}")


# --- the run ---------------------------------------------------------------------------


def seconds_between(marks: dict[str, float], start: str, end: str) -> float:
    return (marks[end] - marks[start]) / 1000


def run(url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    report.heading("The PWA build")
    version = ensure_pwa_build(args.pwa_dir, args.build_pwa)
    stale = stale_sources(args.pwa_dir)
    report.lines(
        [
            ("build", f"{args.pwa_dir} (version {version})"),
            ("sources changed since", f"{stale} (the build measured is what runs)"),
        ]
    )
    report.heading("Building the caseload")
    built = build(url, args)
    expected = records_in_scope(url, built["caseworker"])
    total = sum(expected.values())
    report.lines(
        [
            ("caseworker", f"{built['caseworker']}, {args.families} families"),
            ("case rows loaded", f"{built['case_rows']:,}"),
            ("records in their scope", f"{total:,} ({dict(expected)})"),
            ("database", f"{built['size_mb']:.0f} MB, built in {built['build_s']:.0f} s"),
        ]
    )
    errors: list[str] = []
    load_before = os.getloadavg()[0]
    report.heading(f"Starting gunicorn ({args.workers} workers)")
    server = AppServer(url, args.workers, folder, args.pwa_dir)
    try:
        report.say(f"  listening at {server.base_url}")
        reference = reference_pull(server.base_url, built["caseworker"])
        report.say(
            f"  warm-up: the reference client (Python, HTTP) pulled {reference['records']:,}"
            f" records in {reference['seconds']:.2f} s"
        )
        if reference["records"] != total:
            errors.append(
                f"the reference client holds {reference['records']:,} records, expected {total:,}"
            )
        report.heading("First sign-in on a new device, in Chromium")
        with chromium(server.base_url, folder) as page:
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    errors.append(f"console: {message.text}") if message.type == "error" else None
                ),
            )
            mark = len(server.requests())
            cpu = server.cpu_seconds()
            ui = first_sync_in_ui(page, built["caseworker"], errors)
            server_cpu = server.cpu_seconds() - cpu
            ui_server = server.pulls_since(mark)
            if args.screenshot:
                page.screenshot(path=args.screenshot, full_page=False)
            marks = ui["marks"]
            if ui["stored"] != total or ui["inMemory"] != total:
                errors.append(
                    f"the app stored {ui['stored']:,} records ({ui['inMemory']:,} in memory),"
                    f" the server's scope holds {total:,}"
                )
                for entity in sorted(set(expected) | set(ui["byEntity"])):
                    if expected.get(entity, 0) != ui["byEntity"].get(entity, 0):
                        errors.append(
                            f"  {entity}: stored {ui['byEntity'].get(entity, 0)},"
                            f" expected {expected.get(entity, 0)}"
                        )
            pulls = ui["pulls"]
            if not pulls or "idle" not in marks:
                raise RuntimeError(f"the first sync did not finish: {errors}")
            key_derivation = seconds_between(marks, "submit", "unlocked")
            initial_sync = (marks["idle"] - pulls[0]["start"]) / 1000
            last_page = (ui["pages"][-1] - pulls[0]["start"]) / 1000
            render_ms = marks["table"] - marks["idle"]
            paint_ms = marks["painted"] - marks["idle"]
            first_use = seconds_between(marks, "submit", "painted")
            waiting, download = split(pulls)
            server_s = sum(ms for ms, _ in ui_server) / 1000
            size_mb = sum(b for _, b in ui_server) / 2**20
            report.lines(
                [
                    ("passphrase to unlocked", f"{key_derivation:.2f} s (key derivation)"),
                    (
                        "unlocked to first pull",
                        f"{(pulls[0]['start'] - marks['unlocked']) / 1000:.2f} s",
                    ),
                    (
                        "initial sync",
                        f"{initial_sync:.2f} s: {len(pulls)} pages, {size_mb:.1f} MB;"
                        f" last page stored at {last_page:.2f} s",
                    ),
                    (
                        "  of which waiting",
                        f"{waiting:.2f} s for answers (gunicorn's own time {server_s:.2f} s,"
                        f" workers' CPU {server_cpu:.1f} s); {download:.2f} s receiving",
                    ),
                    (
                        "  of which in the page",
                        f"{initial_sync - waiting - download:.2f} s (parse, seal, store, save)",
                    ),
                    (
                        "caseload rendered",
                        f"{render_ms:.0f} ms after sync (painted {paint_ms:.0f} ms)",
                    ),
                    ("passphrase to caseload", f"{first_use:.2f} s"),
                    ("records stored", f"{ui['stored']:,} (server scope {total:,})"),
                ]
            )
            rerender = [page.evaluate(RERENDER_JS) for _ in range(max(1, args.repeat))]
            report.say(
                f"  caseload rendered again on navigation: {report.median(rerender):.0f} ms"
                f" (median of {len(rerender)})"
            )

            report.heading(f"The same pull, encrypted and plain, alternating ({args.repeat}x)")
            runs = paired_pulls(page, args.repeat, args.warm_up, total, errors)
            found = profile_pull(page, server, args, total, errors) if args.profile else None
    finally:
        server.stop()
    load_after = os.getloadavg()[0]
    report.heading("Stopped gunicorn and Chromium")
    if found:
        report_profile(found)

    encrypted = report.median([r["seconds"] for r in runs["encrypted"]])
    plain = report.median([r["seconds"] for r in runs["plain"]])
    overhead = encrypted / plain - 1
    paired = report.median(
        [
            e["seconds"] / p["seconds"] - 1
            for e, p in zip(runs["encrypted"], runs["plain"], strict=True)
        ]
    )

    def in_page(run: dict[str, Any]) -> float:
        return float(run["seconds"]) - sum(split(run["pulls"]))

    encrypted_in_page = report.median([in_page(r) for r in runs["encrypted"]])
    plain_in_page = report.median([in_page(r) for r in runs["plain"]])
    overhead_in_page = encrypted_in_page / plain_in_page - 1
    figures = {
        "records": ui["stored"],
        "initial_sync_s": round(initial_sync, 3),
        "records_per_s": round(ui["stored"] / initial_sync, 1),
        "caseload_render_ms": round(render_ms, 1),
        "plain_sync_s": round(plain, 3),
        "encrypted_pull_s": round(encrypted, 3),
        "encryption_overhead": round(overhead, 4),
        "encryption_overhead_paired": round(paired, 4),
        "encrypted_in_page_s": round(encrypted_in_page, 3),
        "plain_in_page_s": round(plain_in_page, 3),
        "encryption_overhead_in_page": round(overhead_in_page, 4),
        "key_derivation_s": round(key_derivation, 3),
        "caseload_paint_ms": round(paint_ms, 1),
        "caseload_rerender_ms": round(report.median(rerender), 1),
        "first_use_s": round(first_use, 3),
        "pages": len(pulls),
        "server_pull_s": round(server_s, 3),
        "reference_pull_s": round(reference["seconds"], 3),
        "expected_records": total,
        "load_average": round(max(load_before, load_after), 2),
        "errors": len(errors),
    }

    def verdict(name: str) -> str:
        return "met" if figures[name] <= TARGETS[name] else "NOT met"

    report.heading("Results")
    report.lines(
        [
            ("records", f"{figures['records']:,} (server scope {total:,})"),
            (
                "initial_sync_s",
                f"{initial_sync:.2f} s (target <= {TARGETS['initial_sync_s']:.0f}):"
                f" {verdict('initial_sync_s')}",
            ),
            ("records_per_s", f"{figures['records_per_s']:,.0f}"),
            (
                "caseload_render_ms",
                f"{render_ms:.0f} ms (target <= {TARGETS['caseload_render_ms']:.0f}):"
                f" {verdict('caseload_render_ms')}",
            ),
            ("encrypted_pull_s", f"{encrypted:.2f} s (median of {args.repeat})"),
            ("plain_sync_s", f"{plain:.2f} s (median of {args.repeat})"),
            (
                "encryption_overhead",
                f"{overhead:+.1%} (paired {paired:+.1%}; target <="
                f" {TARGETS['encryption_overhead']:.0%}): {verdict('encryption_overhead')}",
            ),
            (
                "outside waiting and receiving",
                f"encrypted {encrypted_in_page:.2f} s, plain {plain_in_page:.2f} s:"
                f" {overhead_in_page:+.1%} (the page's own work: parse, seal, store)",
            ),
            ("key_derivation_s", f"{key_derivation:.2f} s (not in initial_sync_s)"),
            ("passphrase to caseload", f"{first_use:.2f} s"),
            (
                "machine load",
                f"{load_before:.1f} before, {load_after:.1f} after (1-minute load average on"
                f" {os.cpu_count()} cores: above that, the timings include queueing for a CPU)",
            ),
            ("errors", len(errors)),
        ]
    )
    for message in errors[:20]:
        report.say(f"  error: {message}")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report.stop_cleanly_on_sigterm()
    if not shutil.which(CHROMIUM):
        report.say(f"pwa_initial_sync needs Chromium at {CHROMIUM} (set CHROMIUM to another).")
        return 2
    server = server_url(args.database_url)
    if not on_postgres(server):
        report.say("pwa_initial_sync needs PostgreSQL: set DATABASE_URL to a postgresql:// URL.")
        return 2
    try:
        with (
            own_database("pwa_sync", server, keep=args.keep) as url,
            tempfile.TemporaryDirectory(prefix="bench_pwa_") as folder,
        ):
            figures = run(url, args, Path(folder))
    except NoBuild as error:
        report.say(f"pwa_initial_sync: {error}")
        return 2
    report.figures(figures)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
