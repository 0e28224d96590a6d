// A family's chronology: its significant events, for one child or all.
//
// The events workers add (chronology entries) are records on the device: they
// are listed, and added, offline, through the outbox. Events proposed from the
// family's other records (plans, conferences, red decisions, handovers, moves,
// schools) are gathered by the server's event sources, so they are asked for
// when there is a connection and kept for this visit to the screen only.
// The print is the server's page: every print is audited there, and a print
// made with no connection could not be.

import { newId } from "../../domain/ids.js";
import { checkEntry, chronologyEvents } from "../../domain/chronology.js";
import { ApiError, Offline, get } from "../../sync/api.js";
import { button, checkboxes, dateInput, errorSummary, focusOn, formValues, readDate, select, storageMessage, textInput, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { responsiveTable } from "../tables.js";
import { familyMembers, fullName, unsyncedTag } from "../people.js";
import { todayIso } from "../../clock.js";
import { t } from "../../i18n.js";

// The domain checks an event in English; these are its messages in the language spoken.
const ENTRY_ERRORS = {
  "Enter a real date, like 27 3 2026": () => t("Enter a real date, like 27 3 2026"),
  "Enter the date it happened": () => t("Enter the date it happened"),
  "The date cannot be in the future": () => t("The date cannot be in the future"),
  "Say what happened": () => t("Say what happened"),
  "What happened must be 2,000 characters or fewer": () => t("What happened must be 2,000 characters or fewer"),
  "Say where the information came from": () => t("Say where the information came from"),
  "Where it came from must be 2,000 characters or fewer": () => t("Where it came from must be 2,000 characters or fewer"),
  "Choose children of this family": () => t("Choose children of this family"),
};

function entryErrors(errors) {
  return Object.fromEntries(Object.entries(errors).map(([name, message]) => [name, ENTRY_ERRORS[message] ? ENTRY_ERRORS[message]() : message]));
}

function childrenOf(data, familyId) {
  return familyMembers(data, familyId)
    .filter((member) => member.person.is_child)
    .map((member) => member.person);
}

export async function chronologyView(context) {
  const { params, session, data } = context;
  const familyId = params[0];
  const draftKey = { "entry-form": `family/${familyId}/chronology-entry` };
  const screen = new Screen(context, "chronology-page");
  const drafts = await screen.typed.load(draftKey);
  // The child chosen is in the address (an id, never a name), so it stays chosen
  // after a visit to another screen, and the back button undoes it.
  const state = { childId: params[1] || "", proposed: null, reading: "loading", errors: {}, message: "", adding: Boolean(drafts["entry-form"]) };

  async function fetchProposed() {
    const query = state.childId ? `?child_id=${encodeURIComponent(state.childId)}` : "";
    try {
      const reply = await get(`/api/families/${familyId}/chronology${query}`);
      state.proposed = reply.events;
      state.reading = "online";
    } catch (error) {
      state.proposed = null;
      state.reading = error instanceof Offline ? "offline" : error instanceof ApiError ? "refused" : "offline";
    }
    draw({ quiet: true });
  }

  function readingNote() {
    if (state.reading === "loading") return html`<p class="govuk-body" role="status">${t("Getting the events from the family's records…")}</p>`;
    if (state.reading === "online") return "";
    return html`<div class="govuk-inset-text" id="chronology-offline">
      ${t("Events from the family's records (plans, conferences, decisions, handovers and moves) show when you are online. The events workers added are shown below.")}
    </div>`;
  }

  function childNames(children, ids) {
    if (!ids?.length) return t("Whole family");
    return ids.map((id) => children.find((child) => child.id === id)).map((child) => (child ? child.known_as || child.given_name : t("A child"))).join(", ");
  }

  function eventsTable(children, events) {
    const entryOf = (event) => (event.proposed ? null : data.get("chronology_entry", event.source_id));
    return responsiveTable({
      caption: state.childId ? t("Events for {children}, oldest first", { children: childNames(children, [state.childId]) }) : t("Events, oldest first"),
      captionClass: "govuk-table__caption--m",
      id: "chronology-table",
      columns: [t("Date"), t("Event"), t("Children"), t("Where it comes from")],
      rows: events.map((event) => {
        const entry = entryOf(event);
        const pending = entry && (entry.unsynced || data.pending("chronology_entry", entry.id));
        return [
          { content: formatDate(event.on), header: true },
          html`${event.proposed ? html`<strong>${event.title}</strong><br>${event.summary}` : html`<strong>${event.title}</strong>`}
            ${event.impact ? html`<br><span class="govuk-!-font-weight-bold">${t("Impact on the child:")}</span> ${event.impact}` : ""}
            ${pending ? html` ${unsyncedTag()}` : ""}`,
          childNames(children, event.child_ids),
          event.proposed ? t("From the case record") : html`${event.source}`,
        ];
      }),
    });
  }

  function entryForm(children) {
    const errors = state.errors;
    return html`<form id="entry-form" novalidate>
      <h2 class="govuk-heading-m">${t("Add an event")}</h2>
      ${dateInput({ name: "occurred_on", legend: t("When did it happen?"), hint: t("For example, 27 3 2026"), error: errors.occurred_on })}
      ${textarea({ name: "event", label: t("What happened?"), rows: 3, labelClass: "govuk-label--s", error: errors.event })}
      ${textInput({ name: "source", label: t("Where did the information come from?"), hint: t("Who told you, or the document, and how. For example, phone call from the school's safeguarding lead"), labelClass: "govuk-label--s", error: errors.source })}
      ${textarea({ name: "impact", label: t("What was the impact on the child? (optional)"), rows: 3, labelClass: "govuk-label--s", error: errors.impact })}
      ${checkboxes({
        name: "child_ids",
        legend: t("Which children does it concern?"),
        hint: t("Leave them all unticked if it concerns the whole family."),
        options: children.map((child) => [child.id, fullName(child)]),
        error: errors.child_ids,
      })}
      <p class="app-draft-saved" id="entry-draft" aria-live="polite"></p>
      <div class="govuk-button-group">
        ${button(t("Save the event"))}
        <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="cancel-entry">${t("Cancel")}</button>
      </div>
    </form>`;
  }

  function page() {
    const family = data.get("family", familyId);
    if (!family) {
      return html`<div id="chronology-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device.")}</p></div>`;
    }
    const children = childrenOf(data, familyId);
    const events = chronologyEvents(state.proposed, data.ofFamily("chronology_entry", familyId), state.childId);
    const printQuery = state.childId ? `?child_id=${encodeURIComponent(state.childId)}` : "";
    return html`<div id="chronology-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(state.errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Chronology")}</h1>
      <form id="filter-form" novalidate class="app-filter">
        ${select({
          name: "child_id",
          label: t("Show events for"),
          options: children.map((child) => [child.id, fullName(child)]),
          value: state.childId,
          placeholder: t("All children"),
        })}
        ${button(t("Show events"), { secondary: true })}
      </form>
      <div class="govuk-button-group">
        ${state.adding ? "" : html`<button type="button" class="govuk-button" data-module="govuk-button" id="add-entry">${t("Add an event")}</button>`}
        <a class="govuk-button govuk-button--secondary" data-module="govuk-button" role="button" draggable="false" id="print-chronology"
          href="/api/families/${familyId}/chronology/print${printQuery}" target="_blank" rel="noopener">${t("Print")}<span class="govuk-visually-hidden"> ${state.childId ? t("the child's chronology") : t("the story so far and chronology")}</span> ${t("(opens in a new tab)")}</a>
      </div>
      <p class="govuk-hint">${t("Printing needs a connection: each print is recorded. A print for one child leaves out the other children's events and the family's story.")}</p>
      ${state.adding ? entryForm(children) : ""}
      ${readingNote()}
      ${events.length ? eventsTable(children, events) : html`<p class="govuk-body">${state.childId ? t("No significant events yet for this child.") : t("No significant events yet.")}</p>`}
    </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    root.querySelector("#entry-form")?.addEventListener("submit", onSave);
    root.querySelector("#filter-form")?.addEventListener("submit", onFilter);
    root.querySelector("#add-entry")?.addEventListener("click", () => {
      state.adding = true;
      draw();
      focusOn(context.main, "#occurred_on");
    });
    root.querySelector("#cancel-entry")?.addEventListener("click", async () => {
      await screen.typed.forget("entry-form");
      state.adding = false;
      state.errors = {};
      draw();
      focusOn(context.main, "#add-entry");
    });
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  function onFilter(event) {
    event.preventDefault();
    const childId = formValues(event.target).child_id || "";
    location.hash = `#/family/${familyId}/chronology${childId ? `/child/${childId}` : ""}`;
  }

  async function onSave(event) {
    event.preventDefault();
    const raw = formValues(event.target);
    const childIds = [raw.child_ids || []].flat();
    const values = {
      occurred_on: readDate(raw, "occurred_on"),
      event: (raw.event || "").trim(),
      source: (raw.source || "").trim(),
      impact: (raw.impact || "").trim(),
      child_ids: childIds,
    };
    state.message = "";
    state.errors = entryErrors(checkEntry(values, childrenOf(data, familyId).map((child) => child.id), todayIso()));
    if (Object.keys(state.errors).length) {
      await session.saveDraft(draftKey["entry-form"], raw).catch(() => {});
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    try {
      await session.sync.enqueue("chronology_entry", "create", newId(), { family_id: familyId, ...values, impact: values.impact || null });
    } catch (error) {
      state.errors = { event: t("Not saved: {why}", { why: storageMessage(error) }) };
      draw({ afterSubmit: true });
      return focusOn(context.main, ".govuk-error-summary");
    }
    await screen.typed.forget("entry-form");
    state.adding = false;
    state.message = t("The event is added to the chronology. It is sent at the next sync.");
    draw({ afterSubmit: true, justSaved: ["entry-form"] });
    focusOn(context.main, ".govuk-notification-banner");
  }

  draw({ drafts });
  fetchProposed();
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
