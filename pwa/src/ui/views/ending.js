// Ending our work with a family: the worker proposes a step down, a closure
// or a transfer; their supervisor agrees or declines it, as a decision. The
// proposal is a decision carrying an `ending`, written and signed through the
// outbox, so it works offline. Once agreed, the family is closed (or moves
// team); this device keeps a closed family for the council's clearing
// period, then the next sync removes it.

import { newId } from "../../domain/ids.js";
import { button, errorSummary, formValues, radios, select, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate, formatDateTime } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { Screen, successBanner } from "../screen.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import { baseVersion } from "../records.js";
import { t, tn } from "../../i18n.js";
import {
  checkEnding,
  clearingDays,
  isFamilysWorker,
  otherTeams,
  proposalRecord,
  waitingEnding,
} from "../../domain/endings.js";

const FIELD_IDS = {
  kind: "ending-kind",
  closure_reason: "closure-reason",
  closing_visit_id: "closing-visit",
  child_view: "child-view",
  family_view: "family-view",
  changes: "change-0",
  if_worries_return: "if-worries-return",
  to_team_id: "to-team",
  handover_note: "transfer-note",
  decision: "ending-decision",
};

function visits(context, familyId) {
  const { data, label } = context;
  return data
    .ofFamily("interaction", familyId)
    .filter((i) => !i.deleted_at)
    .sort((a, b) => (b.occurred_at || "").localeCompare(a.occurred_at || ""))
    .map((i) => [i.id, t("{when}: {purpose}", { when: formatDateTime(i.occurred_at), purpose: label("interaction_purpose", i.purpose) })]);
}

function endingForm(context, family, values, errors) {
  const { data } = context;
  const goals = family.goals || [];
  const kind = values.kind || "";
  const teams = otherTeams(data.reference?.directory, family.team_id);
  return html`<form id="ending-form" novalidate>
    ${radios({ name: "kind", id: FIELD_IDS.kind, legend: t("How does our work with the family end?"), options: context.vocabulary("ending_kind"), value: kind, error: errors.kind })}
    ${textarea({ name: "decision", id: FIELD_IDS.decision, label: t("What you propose, and why"), hint: t("For your supervisor: what has changed, and why now."), value: values.decision, error: errors.decision, rows: 4 })}
    <div ${kind === "transfer" ? html`hidden` : ""} id="closing-part">
      <h2 class="govuk-heading-m">${t("The closing visit")}</h2>
      ${select({ name: "closing_visit_id", id: FIELD_IDS.closing_visit_id, label: t("Which visit was the closing visit?"), hint: t("Where you talked with the family about our work ending. Record it first if you have not."), options: visits(context, family.id), value: values.closing_visit_id, error: errors.closing_visit_id, placeholder: t("Choose a visit") })}
      ${textarea({ name: "child_view", id: FIELD_IDS.child_view, label: t("What the children think of our work ending"), hint: t("In their words where you can."), value: values.child_view, error: errors.child_view, rows: 3 })}
      ${textarea({ name: "family_view", id: FIELD_IDS.family_view, label: t("What the family think of our work ending"), hint: t("In their words where you can."), value: values.family_view, error: errors.family_view, rows: 3 })}
      <h2 class="govuk-heading-m">${t("What has changed, in the family's words")}</h2>
      ${errors.changes ? html`<p class="govuk-error-message" id="${FIELD_IDS.changes}-error"><span class="govuk-visually-hidden">${t("Error:")}</span> ${errors.changes}</p>` : ""}
      ${goals.map((goal, index) =>
        textarea({ name: `change_${index}`, id: index === 0 ? FIELD_IDS.changes : `change-${index}`, label: t("Against their goal: “{goal}”", { goal }), value: values[`change_${index}`], rows: 2 }),
      )}
      ${textarea({ name: "change_other", id: goals.length ? "change-other" : FIELD_IDS.changes, label: goals.length ? t("Anything else that has changed (optional)") : t("What has changed"), value: values.change_other, rows: 2 })}
      ${radios({ name: "closure_reason", id: FIELD_IDS.closure_reason, legend: t("Why is our work ending?"), hint: t("The reason the child in need census records."), options: context.vocabulary("closure_reason"), value: values.closure_reason, error: errors.closure_reason })}
      ${textarea({ name: "if_worries_return", id: FIELD_IDS.if_worries_return, label: t("What the family can do if worries come back"), hint: t("Who they can call, and where: as you agreed it with them."), value: values.if_worries_return, error: errors.if_worries_return, rows: 3 })}
    </div>
    <div ${kind === "transfer" ? "" : html`hidden`} id="transfer-part">
      ${select({ name: "to_team_id", id: FIELD_IDS.to_team_id, label: t("Which team does the family move to?"), options: teams, value: values.to_team_id, error: errors.to_team_id, placeholder: t("Choose a team") })}
      ${textarea({ name: "handover_note", id: FIELD_IDS.handover_note, label: t("Handover note"), hint: t("For the receiving team: what matters to this family, who they trust, what is in hand and what is due."), value: values.handover_note, error: errors.handover_note, rows: 6 })}
    </div>
    <p class="app-draft-saved" id="ending-draft" aria-live="polite"></p>
    ${button(t("Send to your supervisor"))}
  </form>`;
}

export async function endingView(context) {
  const { main, params, session, data, user } = context;
  const familyId = params[0];
  const draftKey = `family/${familyId}/ending`;
  const draft = await session.loadDraft(draftKey).catch(() => null);
  const state = { errors: {}, values: draft || {}, message: "", sentId: null };
  const screen = new Screen(context, "ending-page");

  function page() {
    const family = data.get("family", familyId);
    if (!family) {
      return html`<div id="ending-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device.")}</p></div>`;
    }
    const back = backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }));
    const heading = html`<span class="govuk-caption-l">${family.display_name}</span><h1 class="govuk-heading-l">${t("Propose ending our work")}</h1>`;
    if (state.sentId) {
      return html`<div id="ending-page">${back}${successBanner(state.message)}${heading}
        <p class="govuk-body"><a class="govuk-link" href="#/judgment/${state.sentId}">${t("Read the proposal")}</a></p></div>`;
    }
    if (!isFamilysWorker(data, familyId, user)) {
      return html`<div id="ending-page">${back}${heading}<p class="govuk-body">${t("Only the family's worker can propose ending our work with them.")}</p></div>`;
    }
    if (family.status === "closed" || waitingEnding(data, familyId)) {
      return html`<div id="ending-page">${back}${heading}<p class="govuk-body">${family.status === "closed" ? t("Our work with this family has already ended.") : t("A proposal to end our work with this family is already waiting for a supervisor.")}</p></div>`;
    }
    return html`<div id="ending-page"><div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${back}${errorSummary(state.errors, FIELD_IDS)}${heading}
      <p class="govuk-body">${t("Your supervisor agrees or declines the ending. Until then nothing changes for the family. This is saved on this device and sent when you are online.")}</p>
      ${endingForm(context, family, state.values, state.errors)}
    </div></div></div>`;
  }

  function wire(root) {
    const form = root.querySelector("#ending-form");
    if (!form) return;
    screen.typed.watch(form, draftKey, root.querySelector("#ending-draft"));
    form.addEventListener("change", (event) => {
      if (event.target.name !== "kind") return;
      const transfer = event.target.value === "transfer";
      form.querySelector("#closing-part").hidden = transfer;
      form.querySelector("#transfer-part").hidden = !transfer;
    });
    form.addEventListener("submit", onSubmit);
  }

  const draw = (options = {}) => screen.draw(page(), { wire, ...options });

  async function onSubmit(event) {
    event.preventDefault();
    const family = data.get("family", familyId);
    const values = formValues(event.target);
    state.values = values;
    state.errors = checkEnding(values, family.goals || []);
    await session.saveDraft(draftKey, values).catch(() => {});
    if (Object.keys(state.errors).length) {
      draw({ afterSubmit: true });
      return main.querySelector(".govuk-error-summary")?.focus();
    }
    const id = newId();
    const kindLabel = context.label("ending_kind", values.kind);
    await session.sync.enqueue("judgment", "create", id, proposalRecord(values, { familyId, goals: family.goals || [], kindLabel, reasonEdition: context.vocabularyEdition("closure_reason") }));
    await session.sync.enqueue("judgment", "sign", id, {}, baseVersion(data, "judgment", id));
    await screen.typed.forget("ending-form");
    state.sentId = id;
    state.message = t("Your proposal is saved. It goes to your supervisor at the next sync, and waits for them to agree.");
    draw({ afterSubmit: true, justSaved: ["ending-form"] });
    main.querySelector(".govuk-notification-banner")?.focus();
    session.sync?.syncNow?.("ending");
  }

  draw({ drafts: { "ending-form": draft } });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}

/** Reopening a closed family (supervisors, online): a new episode follows the closed one. */
export async function reopenView(context) {
  const { main, params, session, data, user } = context;
  const familyId = params[0];
  // A family past its clearing period is no longer on any device: read it online.
  const state = { errors: {}, problem: "", message: "", reason: "", online: null };
  const screen = new Screen(context, "reopen-page");

  function page() {
    const family = data.get("family", familyId) || state.online;
    const back = backLink(`#/family/${familyId}`, t("Back to the family"));
    if (!family || user?.role !== "supervisor") {
      return html`<div id="reopen-page">${back}<h1 class="govuk-heading-l">${t("Reopen a family")}</h1>
        <p class="govuk-body">${t("Only a supervisor of the family's team can reopen it.")}</p></div>`;
    }
    return html`<div id="reopen-page">${back}${errorSummary(state.errors, { reason: "reopen-reason" })}${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Reopen the family")}</h1>
      <div class="govuk-inset-text">${t("Reopening needs a connection to the server. The family's history keeps the earlier episode, and this one follows it. Then allocate a worker.")}</div>
      ${state.problem ? html`<p class="govuk-error-message" id="reopen-problem">${state.problem}</p>` : ""}
      ${family.status === "closed"
        ? html`<form id="reopen-form" novalidate>
            ${textarea({ name: "reason", id: "reopen-reason", label: t("Why are we working with the family again?"), value: state.reason, error: state.errors.reason, rows: 4 })}
            ${button(t("Reopen the family"))}
          </form>`
        : html`<p class="govuk-body">${t("The family is open.")} <a class="govuk-link" href="#/family/${familyId}/handover">${t("Allocate a worker")}</a></p>`}
    </div>`;
  }

  function wire(root) {
    root.querySelector("#reopen-form")?.addEventListener("submit", onSubmit);
  }
  const draw = (options = {}) => screen.draw(page(), { wire, ...options });

  async function onSubmit(event) {
    event.preventDefault();
    state.reason = formValues(event.target).reason || "";
    state.errors = state.reason.trim() ? {} : { reason: t("Say why we are working with the family again") };
    state.problem = "";
    if (state.errors.reason) {
      draw({ afterSubmit: true });
      return main.querySelector(".govuk-error-summary")?.focus();
    }
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      await post(`/api/families/${familyId}/reopen`, { reason: state.reason.trim() });
      state.message = t("The family is open again. Allocate a worker to them.");
      await session.sync?.syncNow?.("reopen");
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        state.errors = { reason: [].concat(error.errors.reason || error.message).join(" ") };
      } else {
        state.problem = error instanceof Offline
          ? t("There is no connection, so the family has not been reopened. Try again when you are online.")
          : error instanceof SessionEnded
            ? t("Your session with the server has ended. Sign in again, then try again.")
            : t("The family has not been reopened: {why}", { why: error.message });
      }
    }
    draw({ afterSubmit: true });
  }

  draw();
  if (!data.get("family", familyId) && user?.role === "supervisor") {
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      state.online = await get(`/api/families/${familyId}`);
    } catch (error) {
      state.problem = error instanceof Offline
        ? t("This family is no longer on this device, and there is no connection to read it. Try again when you are online.")
        : t("The family could not be read: {why}", { why: error.message });
    }
    draw({ quiet: true });
  }
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}

/**
 * The team's closed families, read online: each stays findable after devices
 * have cleared it, with its chronology to read and a way to reopen it.
 */
export async function closedFamiliesView(context) {
  const { session, user, label } = context;
  const state = { items: null, problem: "", query: "" };
  const screen = new Screen(context, "closed-families-page");

  function page() {
    const heading = html`${backLink("#/team", t("Back to your team"))}<h1 class="govuk-heading-l">${t("Closed families")}</h1>`;
    if (user?.role !== "supervisor") {
      return html`<div id="closed-families-page">${heading}<p class="govuk-body">${t("Only a supervisor of the family's team can find a closed family.")}</p></div>`;
    }
    const problem = state.problem ? html`<p class="govuk-error-message" id="closed-problem">${state.problem}</p>` : "";
    if (state.items === null) {
      return html`<div id="closed-families-page">${heading}${problem}<p class="govuk-body">${state.problem ? "" : t("Looking for closed families…")}</p></div>`;
    }
    const query = state.query.trim().toLowerCase();
    const shown = state.items.filter((f) => !query || f.display_name.toLowerCase().includes(query));
    return html`<div id="closed-families-page">${heading}${problem}
      <p class="govuk-body">${tn("Families whose work with us has ended. Devices keep a closed family for {count} day, then remove it; it stays here, with its history. This needs a connection to the server.", "Families whose work with us has ended. Devices keep a closed family for {count} days, then remove it; it stays here, with its history. This needs a connection to the server.", clearingDays(context.data))}</p>
      <form id="closed-search" role="search" novalidate>
        <div class="govuk-form-group">
          <label class="govuk-label" for="closed-q">${t("Family name")}</label>
          <input class="govuk-input govuk-input--width-20" id="closed-q" name="q" type="search" value="${state.query}" autocomplete="off">
        </div>
      </form>
      ${shown.length
        ? responsiveTable({
            id: "closed-families",
            caption: tn("{count} closed family", "{count} closed families", shown.length),
            captionClass: "govuk-table__caption--m",
            columns: [t("Family"), t("Closed on"), t("Why"), t("History"), t("Working with them again")],
            rows: shown.map((f) => [
              { content: f.display_name, header: true },
              f.closed_on ? formatDate(f.closed_on) : t("Not recorded"),
              f.closure_reason ? label("closure_reason", f.closure_reason) : t("Not recorded"),
              html`<a class="govuk-link" href="/api/families/${f.id}/chronology/print" target="_blank" rel="noopener">${t("Read the chronology")}<span class="govuk-visually-hidden"> ${t("of {family}", { family: f.display_name })}</span> ${t("(opens in a new tab)")}</a>`,
              html`<a class="govuk-link" href="#/family/${f.id}/reopen">${t("Reopen")}<span class="govuk-visually-hidden"> ${f.display_name}</span></a>`,
            ]),
          })
        : html`<p class="govuk-body">${state.items.length ? t("No closed family has that name.") : t("Your team has no closed families.")}</p>`}
    </div>`;
  }

  function wire(root) {
    const search = root.querySelector("#closed-search");
    search?.addEventListener("submit", (event) => event.preventDefault());
    search?.querySelector("#closed-q").addEventListener("input", (event) => {
      state.query = event.target.value;
      draw({ quiet: true });
    });
  }
  const draw = (options = {}) => screen.draw(page(), { wire, ...options });

  draw();
  if (user?.role === "supervisor") {
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      state.items = (await get("/api/families?status=closed&page_size=200")).items;
      state.problem = "";
    } catch (error) {
      state.problem = error instanceof Offline
        ? t("There is no connection, so closed families cannot be shown. Try again when you are online.")
        : error instanceof SessionEnded
          ? t("Your session with the server has ended. Sign in again, then try again.")
          : t("Closed families could not be shown: {why}", { why: error.message });
    }
    draw({ quiet: true });
  }
  return () => screen.stop();
}

/** Families other teams agreed to move to the supervisor's team, to accept (online). */
export async function transfersView(context) {
  const { main, session, user } = context;
  const state = { items: null, problem: "", message: "" };
  const screen = new Screen(context, "transfers-page");

  function page() {
    const heading = html`${backLink("#/team", t("Back to your team"))}${successBanner(state.message)}
      <h1 class="govuk-heading-l">${t("Families joining your team")}</h1>`;
    if (user?.role !== "supervisor") {
      return html`<div id="transfers-page">${heading}<p class="govuk-body">${t("Only a supervisor accepts a family into their team.")}</p></div>`;
    }
    const problem = state.problem ? html`<p class="govuk-error-message" id="transfers-problem">${state.problem}</p>` : "";
    if (state.items === null) {
      return html`<div id="transfers-page">${heading}${problem}<p class="govuk-body">${state.problem ? "" : t("Looking for families…")}</p></div>`;
    }
    return html`<div id="transfers-page">${heading}${problem}
      <p class="govuk-body">${t("Another team's supervisor has agreed each of these families should move to your team. When you accept one, its current worker's allocation ends and their devices remove it; then allocate a worker. This needs a connection to the server.")}</p>
      <div id="transfers">
        ${state.items.length
          ? state.items.map(
              (item) => html`<div class="govuk-summary-card">
                <div class="govuk-summary-card__title-wrapper"><h2 class="govuk-summary-card__title">${item.family_name}</h2></div>
                <div class="govuk-summary-card__content">
                  <dl class="govuk-summary-list">
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("From")}</dt><dd class="govuk-summary-list__value">${item.from_team}</dd></div>
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Agreed")}</dt><dd class="govuk-summary-list__value">${formatDateTime(item.agreed_at)}</dd></div>
                    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Handover note")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${item.handover_note}</dd></div>
                  </dl>
                  <button type="button" class="govuk-button" data-accept="${item.id}" data-family="${item.family_id}">${t("Accept")}<span class="govuk-visually-hidden"> ${t("{family} into your team", { family: item.family_name })}</span></button>
                </div></div>`,
            )
          : html`<p class="govuk-body">${t("No family is waiting to join your team.")}</p>`}
      </div></div>`;
  }

  function wire(root) {
    for (const accept of root.querySelectorAll("[data-accept]")) {
      accept.addEventListener("click", () => onAccept(accept.dataset.accept));
    }
  }
  const draw = (options = {}) => screen.draw(page(), { wire, ...options });

  function explain(error, doing) {
    return error instanceof Offline
      ? t("There is no connection, so {doing}. Try again when you are online.", { doing })
      : error instanceof SessionEnded
        ? t("Your session with the server has ended. Sign in again, then try again.")
        : t("Something went wrong, so {doing}: {why}", { doing, why: error.message });
  }

  async function load() {
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      state.items = await get("/api/transfers");
      state.problem = "";
    } catch (error) {
      state.problem = explain(error, t("the families waiting could not be shown"));
    }
  }

  async function onAccept(id) {
    const transfer = (state.items || []).find((item) => item.id === id);
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      await post(`/api/transfers/${id}/accept`, {});
      state.message = t("{family} is now with your team. Allocate a worker from the family's page.", { family: transfer?.family_name || t("The family") });
      await load();
      draw({ afterSubmit: true });
      main.querySelector(".govuk-notification-banner")?.focus();
      session.sync?.syncNow?.("transfer");
    } catch (error) {
      state.problem = explain(error, t("the family has not been accepted"));
      draw({ afterSubmit: true });
    }
  }

  draw();
  if (user?.role === "supervisor") {
    await load();
    draw({ quiet: true });
  }
  return () => screen.stop();
}
