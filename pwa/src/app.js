// The caseworker app: boots the service worker and the session, routes
// between screens, keeps the sync bar current and locks after inactivity.

import { initAll } from "/vendor/govuk-frontend.min.js";
import { LOCK_AFTER_MS } from "./config.js";
import { waitingCount } from "./domain/inbox.js";
import { codeList, otherLast } from "./domain/options.js";
import { Session } from "./session.js";
import { html, mount } from "./ui/html.js";
import { footer, navigation, syncBar, updateBanner } from "./ui/layout.js";
import { routes } from "./ui/routes.js";
import { repliesBanner } from "./ui/views/consultations.js";
import { followReplies } from "./ui/replies.js";
import { signedInOnlineHome } from "./ui/views/summaries.js";
import { onlineHome } from "./domain/online-roles.js";
import { deviceLanguage, t, useLanguage } from "./i18n.js";
import { mountAttachmentPanels } from "./ui/attachments.js";

const session = new Session();
const app = {
  session,
  updateWaiting: null,
  lockTimer: null,
  newReplies: [], // this device's consultations with replies not yet read
};

function shell() {
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  mount(
    document.body,
    html`<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">${t("Skip to main content")}</a>
      <div id="app-navigation"></div>
      <div id="app-sync"></div>
      <div class="govuk-width-container">
        <div id="app-banner"></div>
        <main class="govuk-main-wrapper" id="main-content" tabindex="-1"></main>
      </div>
      <div id="app-footer">${footer()}</div>`,
  );
  document.body.addEventListener("click", onClick);
  document.body.addEventListener("click", onPageLink);
}

function onClick(event) {
  const target = event.target.closest("[data-action]");
  if (!target) {
    return;
  }
  const action = target.dataset.action;
  if (action === "sync-now") {
    event.preventDefault();
    session.sync?.syncNow("button");
  } else if (action === "apply-update") {
    event.preventDefault();
    app.updateWaiting?.postMessage({ type: "apply-update" });
  } else if (action === "lock") {
    event.preventDefault();
    lockNow();
  }
}

// --- chrome ---------------------------------------------------------------------------

function currentSection() {
  const hash = location.hash || "#/";
  if (hash.startsWith("#/reviews")) return "reviews";
  if (hash.startsWith("#/inbox")) return "inbox";
  if (hash.startsWith("#/sync")) return "sync";
  if (hash.startsWith("#/group-supervision")) return "group-supervision";
  if (hash.startsWith("#/team")) return "team";
  if (hash.startsWith("#/policy/trials")) return "trials";
  if (hash.startsWith("#/policy/newly-qualified")) return "newly-qualified";
  if (hash.startsWith("#/policy")) return "policy";
  if (hash.startsWith("#/subject-access")) return "subject-access";
  for (const section of ["consultations", "suggestions", "notifications", "language", "letters", "supervision-record", "escalations"]) {
    if (hash.startsWith(`#/${section}`)) return section;
  }
  if (hash.startsWith("#/summaries")) return "summaries";
  if (hash.startsWith("#/statutory-returns")) return "statutory-returns";
  return ["admin", "practice_lead"].includes(session.user?.role) ? "policy" : "caseload"; // their home is the policy
}

function renderChrome() {
  mount(
    document.getElementById("app-navigation"),
    navigation({
      signedIn: session.unlocked || Boolean(onlineHome(session.user?.role)),
      role: session.user?.role,
      current: currentSection(),
      inboxCount: session.unlocked ? waitingCount(session.data, session.user?.id) : 0,
    }),
  );
  const bar = document.getElementById("app-sync");
  if (session.unlocked && session.sync) {
    mount(bar, syncBar(session.sync, session.data, session.storage));
  } else {
    mount(bar, "");
  }
  mount(
    document.getElementById("app-banner"),
    html`${app.updateWaiting ? updateBanner() : ""}${session.unlocked ? repliesBanner(app.newReplies) : ""}`,
  );
  enhance(document.getElementById("app-navigation"));
  const role = session.user?.role;
  const holder = document.getElementById("app-footer");
  if (holder.dataset.role !== (role || "")) {
    holder.dataset.role = role || "";
    mount(holder, footer(role));
  }
}

/** Start GOV.UK Frontend's components in what was just drawn. */
export function enhance(root) {
  if (root) {
    initAll({ scope: root, onError: () => {} });
    mountAttachmentPanels(root, session);
  }
}

// --- routing --------------------------------------------------------------------------

let teardown = null;
let shownHash = null; // the address of the screen on show

/** Whether an address names a screen: "#/…", or nothing (home). Any other fragment is a place on the page. */
function isScreen(hash) {
  return hash === "" || hash === "#" || hash.startsWith("#/");
}

/**
 * Follow a link to a place on this page (the skip link's "#main-content")
 * without leaving the screen: move the focus there, as a browser would.
 */
function onPageLink(event) {
  const link = event.target.closest('a[href^="#"]');
  if (!link || event.defaultPrevented || isScreen(link.getAttribute("href"))) {
    return; // a screen, or a component (the error summary) that moved the focus itself
  }
  event.preventDefault();
  focusFragment(link.getAttribute("href"));
}

function focusFragment(hash) {
  let id = hash.slice(1);
  try {
    id = decodeURIComponent(id);
  } catch {
    // not percent-encoded: use it as it is
  }
  const target = id && document.getElementById(id);
  if (!target) {
    return;
  }
  if (!target.hasAttribute("tabindex") && target.tabIndex < 0) {
    target.setAttribute("tabindex", "-1"); // focusable from script only, and only until it loses the focus
    target.addEventListener("blur", () => target.removeAttribute("tabindex"), { once: true });
  }
  target.focus();
}

function onHashChange() {
  if (isScreen(location.hash) || shownHash === null) {
    render();
    return;
  }
  // A fragment reached another way (typed, or a link this page did not draw):
  // keep the screen and its address, and go to the place.
  const fragment = location.hash;
  history.replaceState(history.state, "", `${location.pathname}${location.search}${shownHash}`);
  focusFragment(fragment);
}

async function render() {
  renderChrome();
  // Each render draws into a screen of its own: a slower render that finishes
  // after a newer one draws into a screen no longer on the page.
  const main = document.createElement("div");
  document.getElementById("main-content").replaceChildren(main);
  teardown?.();
  teardown = null;
  shownHash = isScreen(location.hash) ? location.hash : "#/";
  const hash = shownHash || "#/";
  const route = routes.find((candidate) => candidate.pattern.test(hash)) || routes[routes.length - 1];
  const params = hash.match(route.pattern)?.slice(1) || [];
  const online = onlineHome(session.user?.role);
  const needsUnlock = route.needsUnlock === "unless-online" ? !online : route.needsUnlock;
  if (needsUnlock && !session.unlocked && online) {
    location.hash = online; // no caseload: their screen is online
    return;
  }
  if (needsUnlock && !session.unlocked) {
    return renderEntry(main);
  }
  const context = makeContext(main, params);
  try {
    teardown = (await route.view(context)) || null;
    if (!session.unlocked && session.user) {
      renderChrome(); // an online-only screen may have just learnt who is signed in
    }
    enhance(main);
  } catch (error) {
    console.error(error);
    mount(main, html`<h1 class="govuk-heading-l">${t("Sorry, there is a problem")}</h1>
      <p class="govuk-body">${error.message}</p><p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`);
  }
  if (main.isConnected) {
    document.title = `${main.querySelector("h1")?.textContent?.trim() || "Family Fieldwork"} – Family Fieldwork`;
  }
}

async function renderEntry(main) {
  // Locked or signed out: unlock if this device holds data, otherwise sign in.
  const device = await session.device();
  const home = !device?.wrapped && device?.user_id ? await signedInOnlineHome(session) : null;
  if (home) {
    location.hash = home; // an online-only role reloading the page: their session is still open
    return;
  }
  const view = device?.wrapped ? "#/unlock" : "#/sign-in";
  const route = routes.find((candidate) => candidate.pattern.test(view));
  teardown = (await route.view(makeContext(main, []))) || null;
  document.title = `${main.querySelector("h1")?.textContent?.trim()} – Family Fieldwork`;
}

function makeContext(main, params) {
  return {
    main,
    params,
    session,
    data: session.data,
    user: session.user,
    go(hash) {
      if (location.hash === hash) {
        render();
      } else {
        location.hash = hash;
      }
    },
    refresh: () => render(),
    enhance: (root = main) => enhance(root),
    focusMain() {
      document.getElementById("main-content").focus();
    },
    // The server's code lists come in English; each label is shown in the
    // worker's language (pwa/locales/cy.po holds them), its code unchanged.
    vocabulary(name) {
      return otherLast(codeList(session.data?.reference?.vocabularies?.[name])).map(([code, label]) => [code, t(label)]);
    },
    // The numbering of a list as the server last sent it (null if this device
    // has not heard it yet): a proposal's reason is read by it (docs/sync.md).
    vocabularyEdition(name) {
      return session.data?.reference?.vocabulary_editions?.[name] ?? null;
    },
    label(name, code) {
      const label = codeList(session.data?.reference?.vocabularies?.[name]).find(([known]) => known === code)?.[1];
      return label ? t(label) : code || "";
    },
    staffName(id) {
      if (!id) return "";
      if (id === session.user?.id) return t("you");
      return session.data?.reference?.directory?.[id]?.display_name || t("a colleague");
    },
  };
}

// --- session events -------------------------------------------------------------------

async function onUnlocked() {
  startInactivityLock();
  const sync = session.sync;
  sync.addEventListener("status", renderChrome);
  sync.addEventListener("reload-needed", () => reloadFromDevice());
  followReplies(session, (items) => {
    app.newReplies = items;
    renderChrome();
  }).catch((error) => console.error("following consultation replies", error));
  session.data.addEventListener("change", () => {
    renderChrome();
  });
  if (navigator.onLine && (await session.resumeServerSession())) {
    session.refreshReference().catch(() => {});
  }
  sync.start();
}

async function reloadFromDevice() {
  // Another tab synced: read the device's store again so this tab shows it.
  await session.reloadData?.();
  render();
}

function startInactivityLock() {
  const reset = () => {
    clearTimeout(app.lockTimer);
    app.lockTimer = setTimeout(lockNow, LOCK_AFTER_MS);
  };
  for (const type of ["pointerdown", "keydown", "scroll", "touchstart"]) {
    window.addEventListener(type, reset, { passive: true });
  }
  reset();
}

function lockNow() {
  clearTimeout(app.lockTimer);
  session.lock();
}

session.addEventListener("unlocked", onUnlocked);
session.storage.addEventListener("change", renderChrome); // the bar warns when unsent work is at risk
session.addEventListener("locked", () => {
  app.newReplies = [];
  location.hash = "#/unlock";
  render();
});
session.addEventListener("language", () => {
  // Everything on show is drawn again in the chosen language.
  mount(document.getElementById("app-footer"), footer(session.user?.role));
  render();
});
session.addEventListener("revoked", () => {
  location.hash = "#/revoked";
  render();
});

// --- the service worker ---------------------------------------------------------------

async function registerWorker() {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const offer = (worker) => {
    app.updateWaiting = worker;
    renderChrome();
  };
  if (registration.waiting && navigator.serviceWorker.controller) {
    offer(registration.waiting);
  }
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    incoming?.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) {
        offer(incoming); // a new version waits until the worker agrees to use it
      }
    });
  });
  navigator.serviceWorker.addEventListener("message", (event) => {
    // A notification was clicked: show its screen here rather than reloading (which would lock the app).
    if (event.data?.type === "open" && typeof event.data.url === "string") {
      location.hash = new URL(event.data.url, location.origin).hash;
    }
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (app.updateWaiting && !reloading) {
      reloading = true;
      location.reload();
    }
  });
}

// --- start ----------------------------------------------------------------------------

// The device's last language first: the sign-in and unlock screens speak it too.
await useLanguage(deviceLanguage());
shell();
window.addEventListener("hashchange", onHashChange);
registerWorker().catch((error) => console.error("service worker", error));
render();
window.fieldwork = app; // for the browser tests and the benchmark
