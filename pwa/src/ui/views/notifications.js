// Notifications: turn Web Push on or off for this device, and choose which
// kinds of notification to get. Also the screen a notification opens, which
// finds what it was about once the device has synced.

import { NotificationKinds, PushState, SubscribeFailed, loadPreferences, pushState, savePreferences, turnOff, turnOn } from "../../push.js";
import { ApiError, Offline } from "../../sync/api.js";
import { button, checkboxes, errorSummary, focusErrorSummary, formValues } from "../forms.js";
import { html, mount } from "../html.js";
import { successBanner } from "../records.js";
import { t } from "../../i18n.js";

/** What this device can do with notifications, in a sentence. */
function deviceText(state) {
  const words = {
    [PushState.UNSUPPORTED]: t("This browser cannot show notifications from the app. You will see what changed when you open the app and it syncs."),
    [PushState.DENIED]: t(
      "Notifications are blocked for this app in your browser's settings, so this device cannot show them. To get them, allow notifications for this site in the browser's settings, then come back to this page. You can still choose below which kinds you want.",
    ),
    [PushState.OFF]: t("Notifications are off on this device."),
    [PushState.ON]: t("Notifications are on for this device."),
  };
  return words[state];
}

/** The kinds of notification, in the app's language (push.js names them in English). */
function kindOptions() {
  const words = {
    review_reply: t("A supervisor or colleague replies to one of your notes or decisions"),
    approval: t("A decision you asked to have approved is approved or declined"),
    assignment: t("A family is assigned or handed over to you"),
    visit_due: t("A statutory visit is due within 2 working days"),
    visit_overdue: t("The day a statutory visit was due passes with no visit"),
    consultation_reply: t("A colleague replies to a consultation you asked"),
    decision_review_due: t("A decision of yours reaches its review date"),
    escalation: t("A worker escalates a declined decision to you"),
    verbal_approval: t("A worker records that you agreed a decision by phone, for you to confirm"),
  };
  return NotificationKinds.map(([kind, english]) => [kind, words[kind] || english]);
}

function problemText(error) {
  if (error instanceof Offline) {
    return t("You are offline. Turning notifications on or off needs a connection: try again when you have signal.");
  }
  if (error instanceof SubscribeFailed) {
    return t("This device could not be signed up for notifications: the browser's push service refused ({reason}). Try again later, or use another browser.", { reason: error.message });
  }
  if (error instanceof ApiError && error.status === 404) {
    return t("Notifications are not set up on this server. Ask your administrator.");
  }
  return error?.message || t("Something went wrong. Try again.");
}

function deviceSection(state) {
  return html`<h2 class="govuk-heading-m">${t("On this device")}</h2>
    <p class="govuk-body" id="push-state">${deviceText(state)}</p>
    <p class="govuk-body">${t("A notification never shows a name or anything written about a family: it says what kind of thing changed, and the app shows the detail once it has synced and you have unlocked it.")}</p>
    ${state === PushState.OFF
      ? html`<form id="push-on" novalidate>${button(t("Turn on notifications on this device"))}</form>`
      : state === PushState.ON
        ? html`<form id="push-off" novalidate>${button(t("Turn off notifications on this device"), { secondary: true })}</form>`
        : ""}`;
}

function preferencesSection(preferences, error) {
  if (error) {
    return html`<h2 class="govuk-heading-m">${t("What to be told about")}</h2>
      <p class="govuk-body" id="preferences-unavailable">${error instanceof Offline
        ? t("You are offline. Choosing what to be told about needs a connection.")
        : problemText(error)}</p>`;
  }
  const on = Object.entries(preferences).filter(([, enabled]) => enabled).map(([kind]) => kind);
  return html`<form id="preferences" novalidate>
    <h2 class="govuk-heading-m">${t("What to be told about")}</h2>
    ${checkboxes({
      name: "kinds",
      id: "kinds",
      legend: t("Tell me when"),
      hint: t("Select all that apply. These choices follow you to every device you sign in on."),
      options: kindOptions(),
      values: on,
    })}
    ${button(t("Save choices"))}
  </form>`;
}

export async function notificationsView(context, flash = null) {
  const { main } = context;
  let preferences = null;
  let preferencesError = null;
  const [state] = await Promise.all([
    pushState().catch(() => PushState.UNSUPPORTED),
    loadPreferences().then(
      (loaded) => (preferences = loaded),
      (error) => (preferencesError = error),
    ),
  ]);
  if (!main.isConnected) return;
  mount(
    main,
    html`<div id="notifications-page">
      ${flash?.error ? errorSummary({ push: flash.error }, { push: flash.field || "push-state" }) : ""}
      ${successBanner(flash?.success)}
      <h1 class="govuk-heading-l">${t("Notifications")}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        ${deviceSection(state)}
        ${preferencesSection(preferences, preferencesError)}
      </div></div>
    </div>`,
  );
  context.enhance();
  if (flash?.error) {
    focusErrorSummary(main);
  }
  const act = async (event, work, success) => {
    event.preventDefault();
    event.submitter?.setAttribute("disabled", "");
    try {
      const next = await work();
      const message = typeof success === "function" ? success(next) : success;
      await notificationsView(context, message ? { success: message } : null);
    } catch (error) {
      await notificationsView(context, { error: problemText(error), field: event.target.id === "preferences" ? "kinds" : "push-state" });
    }
  };
  main.querySelector("#push-on")?.addEventListener("submit", (event) =>
    act(event, turnOn, (next) =>
      next === PushState.ON
        ? t("Notifications are on for this device.")
        : null,
    ),
  );
  main.querySelector("#push-off")?.addEventListener("submit", (event) => act(event, turnOff, t("Notifications are off for this device.")));
  main.querySelector("#preferences")?.addEventListener("submit", (event) =>
    act(event, () => savePreferences(formValues(event.target).kinds || []), t("Your choices are saved.")),
  );
}

// --- opening what a notification was about --------------------------------------

const UUID = /^[0-9a-f-]{36}$/;

/** Return the address of the screen a notification is about, or null if it is not on this device yet. */
export function screenFor(data, kind, id) {
  if (!UUID.test(id || "")) return null;
  switch (kind) {
    case "assignment":
      return data.get("family", id) ? `#/family/${id}` : null;
    case "visit_due":
    case "visit_overdue": {
      // The id is the child's plan episode: open the family, where the visit is recorded.
      // (Reminders sent before they named a child carried the family's id.)
      const familyId = data.get("plan_episode", id)?.family_id || id;
      return data.get("family", familyId) ? `#/family/${familyId}` : null;
    }
    case "review_reply":
    case "approval":
    case "verbal_approval": {
      // The id is the supervision comment's: open the note or decision it is on.
      const review = data.get("review", id);
      if (!review) return null;
      return review.target_kind === "judgment" ? `#/judgment/${review.target_id}` : `#/note/${review.target_id}`;
    }
    case "consultation_reply":
      return `#/consultations/${id}`;
    case "decision_review_due":
      return data.get("judgment", id) ? `#/judgment/${id}/review` : null;
    case "escalation":
      return "#/escalations"; // read from the server: the family is not on the manager's device
    default:
      return null;
  }
}

export async function openNotificationView(context) {
  const { main, data, session, params } = context;
  const [kind, id] = params;
  let target = screenFor(data, kind, id);
  if (!target && navigator.onLine && session.sync) {
    mount(main, html`<h1 class="govuk-heading-l">${t("Opening…")}</h1><p class="govuk-body" role="status">${t("Syncing to fetch what changed.")}</p>`);
    await session.sync.syncNow("notification");
    target = screenFor(data, kind, id);
  }
  if (target) {
    location.replace(target);
    return;
  }
  if (!main.isConnected) return;
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Not on this device yet")}</h1>
      <p class="govuk-body">${t("What this notification is about has not reached this device yet, or it is no longer yours to see. Sync when you have a connection, then look again.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}
