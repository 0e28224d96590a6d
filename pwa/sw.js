// The service worker: listeners only. It keeps this version's files in a
// versioned cache so the app loads and runs with no network; a new version
// waits until the user agrees to reload. It never sees case data: records are
// encrypted, and the keys live only in the open page.
const VERSION = "__VERSION__";
// [{url, revision}]: a file's revision changes only when its bytes do.
const PRECACHE = [] /* __PRECACHE__ */;
// Only caches named with this prefix are the app's: it never touches another's.
const CACHE_PREFIX = "fieldwork-app-";
const APP_CACHE = `${CACHE_PREFIX}${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(precacheApp());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(deleteOtherCaches().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "apply-update") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    return; // case data: always the network, never a cache
  }
  if (event.request.mode === "navigate") {
    event.respondWith(appShell(event.request));
    return;
  }
  event.respondWith(cacheFirst(event.request));
});

self.addEventListener("sync", (event) => {
  // Background Sync: the keys are only in an open page, so ask the pages to sync.
  if (event.tag === "fieldwork-sync") {
    event.waitUntil(askPagesToSync("background-sync"));
  }
});

self.addEventListener("push", (event) => {
  // A push carries a kind, an id and the person's language at most: sync, then the
  // page shows the detail. The notification names no one: it says only what kind
  // of thing changed, in the language the person chose.
  const message = readPush(event);
  event.waitUntil(
    Promise.all([
      askPagesToSync("push"),
      notificationText(message.kind, message.lang).then((body) =>
        self.registration.showNotification("Family Fieldwork", {
          body,
          lang: message.lang === "cy" ? "cy" : "en-GB",
          tag: message.kind || "fieldwork",
          data: { kind: message.kind, id: message.id, url: screenFor(message.kind, message.id) },
        }),
      ),
    ]),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(focusOrOpen(event.notification.data?.url || "/"));
});

/** The cache key of one revision of a file: a search the server ignores. */
function revisionKey({ url, revision }) {
  return `${url}?revision=${revision}`;
}

/** Cache this version's files, fetching only those whose revision is not already held. */
async function precacheApp() {
  const cache = await caches.open(APP_CACHE);
  const older = (await caches.keys()).filter(
    (name) => name.startsWith(CACHE_PREFIX) && name !== APP_CACHE,
  );
  await Promise.all(
    PRECACHE.map(async (file) => {
      const key = revisionKey(file);
      for (const name of older) {
        const held = await (await caches.open(name)).match(key);
        if (held) {
          return cache.put(key, held);
        }
      }
      const response = await fetch(new Request(file.url, { cache: "reload" }));
      if (!response.ok) {
        throw new Error(`${file.url} answered ${response.status}`); // install fails; the old version stays
      }
      return cache.put(key, response);
    }),
  );
}

/** Delete the app's caches of other versions, and nothing else on the origin. */
async function deleteOtherCaches() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== APP_CACHE)
      .map((name) => caches.delete(name)),
  );
}

async function appShell(request) {
  const cache = await caches.open(APP_CACHE);
  const cached = await cache.match("/", { ignoreSearch: true });
  if (cached) {
    return cached;
  }
  return fetch(request);
}

async function cacheFirst(request) {
  const cache = await caches.open(APP_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

async function askPagesToSync(reason) {
  const pages = await self.clients.matchAll({ type: "window" });
  for (const page of pages) {
    page.postMessage({ type: "sync", reason });
  }
}

async function focusOrOpen(url) {
  const pages = await self.clients.matchAll({ type: "window" });
  if (pages.length) {
    // Navigating would reload the page and lock the app: ask it to change screen instead.
    const page = pages[0];
    page.postMessage({ type: "open", url });
    return page.focus().catch(() => page);
  }
  return self.clients.openWindow(url);
}

function readPush(event) {
  try {
    const message = event.data ? event.data.json() : {};
    return message && typeof message === "object" ? message : {};
  } catch {
    return {}; // not JSON: still wake the user, with the general text
  }
}

const KINDS = new Set([
  "review_reply",
  "approval",
  "assignment",
  "visit_due",
  "visit_overdue",
  "consultation_reply",
  "decision_review_due",
  "escalation",
  "verbal_approval",
]);

/** The app's address for what a push is about: the page finds the record once synced. */
function screenFor(kind, id) {
  if (KINDS.has(kind) && /^[0-9a-f-]{36}$/.test(id || "")) {
    return `/#/open/${kind}/${id}`;
  }
  return "/";
}

/** The app's compiled messages in a language, from this version's cache (English when none). */
async function catalogueFor(lang) {
  if (lang !== "cy") {
    return {};
  }
  try {
    const response = await cacheFirst(new Request("/locales/cy.json"));
    return response.ok ? (await response.json()).messages || {} : {};
  } catch {
    return {}; // not cached and no network: English rather than no notification
  }
}

async function notificationText(kind, lang) {
  const messages = await catalogueFor(lang);
  // Named t so that pybabel gathers these texts into the app's catalogue.
  const t = (text) => (typeof messages[text] === "string" && messages[text]) || text;
  const texts = {
    review_reply: () => t("Someone replied on one of your notes or decisions."),
    approval: () => t("A decision you asked about has been approved or declined."),
    assignment: () => t("A family has been assigned or handed over to you."),
    visit_due: () => t("A child's statutory visit is due soon."),
    visit_overdue: () => t("A child's statutory visit is now overdue."),
    consultation_reply: () => t("A colleague replied to your consultation."),
    decision_review_due: () => t("A decision of yours has reached its review date."),
    escalation: () => t("A worker has escalated a declined decision to you."),
    verbal_approval: () => t("A decision you agreed by phone waits for you to confirm it."),
    second_factor_changed: () =>
      t("The authenticator app for your account was changed. If this was not you, tell your administrator now."),
  };
  return Object.hasOwn(texts, kind) ? texts[kind]() : t("Something changed. Open the app to see it.");
}
