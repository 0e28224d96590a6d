// The supervisor's queue: conversations to have, not a sign-off backlog. Red
// decisions awaiting approval first, with their age; then yellow decisions,
// what workers asked to talk through and this month's sample, newest first,
// a page at a time, with filters. Each one opens on its own page, where the
// conversation, approval and "discussed" live. Built from the device's data.

import { todayIso } from "../../clock.js";
import { newId } from "../../domain/ids.js";
import {
  DEFAULT_SETTINGS,
  PAGE_SIZE,
  REASONS,
  authorsOf,
  filterQueue,
  pageOf,
  reviewQueue,
  sampleToDraw,
} from "../../domain/review-queue.js";
import { Offline, request } from "../../sync/api.js";
import { button, checkboxes, errorSummary, fillForm, formValues, radios, select, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDateTime, tag } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { currentPolicy } from "../judgment-policy.js";
import { sayDate, t, tn } from "../../i18n.js";

/** Why an item is in the queue, as a tag: its words and colour. */
function reasonTag(reason) {
  const tags = {
    approval: [t("Red: needs approval"), "red"],
    yellow: [t("Yellow: to talk through"), "yellow"],
    asked: [t("Asked to discuss"), "purple"],
    sample: [t("Monthly sample"), "blue"],
  };
  return tags[reason];
}

/** A month's name in the app's language ("December", "Rhagfyr"), with its year if asked. */
function monthOf(isoDay, { withYear = false } = {}) {
  const said = sayDate(`${isoDay.slice(0, 7)}-01`).replace(/^\d+\s+/, "");
  return withYear ? said : said.replace(/\s+\d+$/, "");
}

/** @typedef {{worker: string, family: string, reasons: string[], awaitingApproval: boolean, order: "newest" | "oldest"}} QueueFilters */

/** @type {QueueFilters} */
const EMPTY = { worker: "", family: "", reasons: [], awaitingApproval: false, order: "newest" };

// The filters and page last applied, kept while the app is open (never in the address).
let applied = { ...EMPTY };
let page = 1;
let appliedFor = null;

function snippet(text, length = 80) {
  const plain = (text || "").replace(/\s+/g, " ").trim();
  return plain.length > length ? `${plain.slice(0, length - 1)}…` : plain;
}

function ageText(days) {
  if (days === 0) return t("today");
  return tn("{count} day ago", "{count} days ago", days);
}

function whatItIs(entry) {
  if (entry.kind === "judgment") {
    return html`<a class="govuk-link" href="#/judgment/${entry.record.id}">${t("Decision: {question}", { question: snippet(entry.record.question) || t("no question written") })}</a>`;
  }
  const sections = entry.record.sections || {};
  const opening = snippet(sections.what_happened || sections.child_voice || sections.reflection || "");
  return html`<a class="govuk-link" href="#/note/${entry.record.id}">${opening ? t("Relational note: {opening}", { opening }) : t("Relational note")}</a>`;
}

function whyHere(context, entry) {
  const tags = entry.reasons.map((reason) => {
    const [text, colour] = reasonTag(reason);
    return html`${tag(text, colour)} `;
  });
  let approval = entry.reasons.includes("approval")
    ? html`<br><span class="govuk-body-s">${entry.forMe ? t("Waits for your approval") : t("Waits for {who}", { who: entry.approver ? context.staffName(entry.approver) : t("another supervisor") })}</span>`
    : "";
  if (entry.verbal) {
    const who = entry.forMe ? t("you") : context.staffName(entry.approver) || t("a supervisor");
    const when = formatDateTime(entry.verbal.agreed_at);
    approval = html`<br>${tag(t("Verbal approval, to confirm"), "purple")}<br><span class="govuk-body-s app-queue-verbal">${entry.forMe
      ? t("Agreed by {who} by phone at {when}: waits for you to confirm it", { who, when })
      : t("Agreed by {who} by phone at {when}: waits for them to confirm it", { who, when })}</span>`;
  }
  const question = entry.request?.review_kind === "ask_to_discuss" && entry.request.body
    ? html`<br><span class="govuk-body-s app-queue-question">“${snippet(entry.request.body, 120)}”</span>`
    : "";
  const old = entry.old ? html`<br><span class="govuk-body-s">${t("Older than the queue keeps: found by search")}</span>` : "";
  return html`${tags}${approval}${question}${old}`;
}

function familyCell(entry) {
  const reference = entry.family.local_reference;
  return html`${entry.family.display_name}${reference ? html`<br><span class="govuk-body-s">${reference}</span>` : ""}`;
}

function filterForm(context, entries) {
  const workers = authorsOf(entries)
    .map((id) => [id, context.staffName(id)])
    .sort((a, b) => a[1].localeCompare(b[1]));
  return html`<form id="queue-filters" class="app-queue-filters" novalidate aria-labelledby="filters-heading">
    <h2 class="govuk-heading-m" id="filters-heading">${t("Filter the queue")}</h2>
    ${textInput({
      name: "family",
      id: "filter-family",
      label: t("Family name or reference"),
      hint: t("Searching also finds items older than the queue keeps."),
      spellcheck: false,
    })}
    ${select({ name: "worker", id: "filter-worker", label: t("Worker"), options: workers, placeholder: t("All workers") })}
    ${checkboxes({ name: "reasons", id: "filter-reason", legend: t("Why it is here"), options: REASONS.map(([reason]) => [reason, reasonTag(reason)[0]]) })}
    ${checkboxes({ name: "awaiting", id: "filter-awaiting", legend: t("Approval"), options: [["yes", t("Only decisions waiting for your approval")]] })}
    ${radios({ name: "order", id: "filter-order", legend: t("Order"), options: [["newest", t("Newest first")], ["oldest", t("Oldest first")]] })}
    <div class="govuk-button-group">
      ${button(t("Apply filters"))}
      <button type="button" class="govuk-button govuk-button--secondary" data-clear-filters>${t("Clear filters")}</button>
    </div>
  </form>`;
}

function queueTable(context, shown) {
  return responsiveTable({
    caption: t("Notes and decisions to talk through, red decisions first"),
    columns: [t("Family"), t("What it is"), t("Worker"), t("Why it is here"), t("Waiting")],
    rows: shown.map((entry) => ({
      attributes: html`data-queue-entry="${entry.record.id}"`,
      cells: [familyCell(entry), whatItIs(entry), context.staffName(entry.authorId), whyHere(context, entry), ageText(entry.ageDays)],
    })),
  });
}

function pagination({ page: current, pages }) {
  if (pages <= 1) return "";
  const numbers = [];
  for (let number = 1; number <= pages; number += 1) {
    if (number === 1 || number === pages || Math.abs(number - current) <= 1) {
      numbers.push(number);
    } else if (numbers.at(-1) !== "…") {
      numbers.push("…");
    }
  }
  const link = (number, text, rel = "") =>
    html`<a class="govuk-link govuk-pagination__link" href="#/reviews" data-page="${number}" ${rel ? html`rel="${rel}"` : ""}>${text}</a>`;
  return html`<nav class="govuk-pagination" aria-label="${t("Pages of the queue")}">
    ${current > 1
      ? html`<div class="govuk-pagination__prev">${link(current - 1, html`<span class="govuk-pagination__link-title">${t("Previous")}<span class="govuk-visually-hidden"> ${t("page")}</span></span>`, "prev")}</div>`
      : ""}
    <ul class="govuk-pagination__list">
      ${numbers.map((number) =>
        number === "…"
          ? html`<li class="govuk-pagination__item govuk-pagination__item--ellipses">&ctdot;</li>`
          : number === current
            ? html`<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link govuk-pagination__link" href="#/reviews" data-page="${number}" aria-label="${t("Page {number}", { number })}" aria-current="page">${number}</a></li>`
            : html`<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" href="#/reviews" data-page="${number}" aria-label="${t("Page {number}", { number })}">${number}</a></li>`,
      )}
    </ul>
    ${current < pages
      ? html`<div class="govuk-pagination__next">${link(current + 1, html`<span class="govuk-pagination__link-title">${t("Next")}<span class="govuk-visually-hidden"> ${t("page")}</span></span>`, "next")}</div>`
      : ""}
  </nav>`;
}

function teamWorkers(context) {
  const directory = context.data.reference?.directory || {};
  const teamId = directory[context.user.id]?.team_id;
  return Object.values(directory)
    .filter((person) => person.team_id === teamId && person.role === "caseworker")
    .map((person) => person.id);
}

function samplePanel(context, toDraw, settings, notice) {
  const month = monthOf(todayIso());
  return html`<div class="app-queue-sample" id="queue-sample">
    <h2 class="govuk-heading-m">${t("{month}'s sample", { month })}</h2>
    <p class="govuk-body">${t("You may draw a few recent notes from each worker to talk through: {notes} each, {newWorker} for someone in their first three months. The worker sees it was chosen for the sample.", { notes: tn("{count} note", "{count} notes", settings.sample_size), newWorker: settings.sample_size_new })}</p>
    ${notice ? html`<p class="govuk-body" role="status">${notice}</p>` : ""}
    ${toDraw.length
      ? html`<form data-sample novalidate>${button(t("Draw {month}'s sample ({notes})", { month, notes: tn("{count} note", "{count} notes", toDraw.length) }), { secondary: true })}</form>`
      : notice
        ? ""
        : html`<p class="govuk-body">${t("Nothing to draw: this month's sample is drawn, or no one has signed notes in the last month.")}</p>`}
  </div>`;
}

/** The settings' fields: name, label, hint and the message when it is not a whole number. */
function settingFields() {
  return [
    ["queue_age_days", t("Days before an item nobody asked about leaves the queue"), t("Yellow decisions and samples. Searching for the family still finds them."), t("Enter the number of days as a whole number, like 60")],
    ["sample_size", t("Notes in each worker's monthly sample"), "", t("Enter the number of notes as a whole number, like 2")],
    ["sample_size_new", t("Notes in the monthly sample of a worker in their first three months"), "", t("Enter the number of notes as a whole number, like 4")],
  ];
}

/** The team's queue settings: changed online by a supervisor, kept on the device for offline use. */
function settingsForm(settings, state) {
  const errors = state.errors || {};
  return html`<details class="govuk-details" id="queue-settings" ${state.open ? html`open` : ""}>
    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("Your team's queue settings")}</span></summary>
    <div class="govuk-details__text">
      ${errorSummary(Object.fromEntries(Object.entries(errors).map(([name, message]) => [`setting-${name}`, message])))}
      ${state.saved ? html`<p class="govuk-body" role="status">${t("Settings saved for your team.")}</p>` : ""}
      <form data-settings novalidate>
        ${settingFields().map(([name, label, hint]) =>
          textInput({ name, id: `setting-${name}`, label, hint, value: state.values?.[name] ?? settings[name], width: 3, inputmode: "numeric", error: errors[name] }),
        )}
        <p class="govuk-body-s">${t("Changing them needs a connection.")}</p>
        ${button(t("Save settings"), { secondary: true })}
      </form>
    </div>
  </details>`;
}

async function saveSettings(context, values) {
  const fields = settingFields();
  const body = Object.fromEntries(fields.map(([name]) => [name, /^\d+$/.test((values[name] || "").trim()) ? Number(values[name]) : values[name]]));
  const errors = {};
  for (const [name, , , missing] of fields) {
    if (typeof body[name] !== "number") errors[name] = missing;
  }
  if (Object.keys(errors).length) return { errors };
  try {
    await request("PUT", "/api/supervision-settings", body);
  } catch (error) {
    if (error instanceof Offline) return { errors: { queue_age_days: t("You need a connection to change the settings. Try again when you are online.") } };
    if (error.errors && Object.keys(error.errors).length) {
      return { errors: Object.fromEntries(Object.entries(error.errors).map(([name, messages]) => [name, [].concat(messages)[0]])) };
    }
    throw error;
  }
  await context.session.refreshReference();
  return { saved: true };
}

function notForCaseworkers(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Review queue")}</h1>
      <p class="govuk-body">${t("The review queue is for supervisors. A signed note or decision is complete: nobody needs to sign it off.")}</p>
      <p class="govuk-body">${t("To talk something through with your supervisor, open the note or decision and choose \"{button}\". You see their replies on the note or decision itself.", { button: t("Talk this through with my supervisor") })}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}

/** @returns {QueueFilters} */
function toFilters(values) {
  return {
    worker: values.worker || "",
    family: (values.family || "").trim(),
    reasons: values.reasons || [],
    awaitingApproval: (values.awaiting || []).includes("yes"),
    order: values.order === "oldest" ? "oldest" : "newest",
  };
}

function toValues(filters) {
  return {
    worker: filters.worker,
    family: filters.family,
    reasons: filters.reasons,
    awaiting: filters.awaitingApproval ? ["yes"] : [],
    order: filters.order,
  };
}

export async function reviewsView(context) {
  const { main, data, user } = context;
  if (user?.role !== "supervisor") {
    return notForCaseworkers(main);
  }
  if (appliedFor !== user.id) {
    applied = { ...EMPTY };
    page = 1;
    appliedFor = user.id;
  }
  let typed = null; // filter choices made but not yet applied: kept through a redraw
  let sampleNotice = "";
  let settingsState = {};

  function draw(focusId) {
    const settings = data.reference?.supervision_settings || DEFAULT_SETTINGS;
    const today = todayIso();
    const searching = Boolean(applied.family);
    const entries = reviewQueue(data, { me: user.id, settings, policy: currentPolicy(data), today, includeOld: searching, order: applied.order });
    const matching = filterQueue(entries, applied);
    const shown = pageOf(matching, page);
    page = shown.page;
    const waiting = entries.filter((entry) => !entry.old).length;
    const red = entries.filter((entry) => entry.reasons.includes("approval") && entry.forMe).length;
    const toDraw = sampleToDraw(data, { me: user.id, workers: teamWorkers(context), settings, today });
    const filtered = matching.length !== waiting || searching;
    const first = (shown.page - 1) * PAGE_SIZE + 1;
    const range = shown.total ? t("{first} to {last} of {total}", { first, last: first + shown.items.length - 1, total: shown.total }) : "0";
    mount(
      main,
      html`<div id="review-queue">
        <h1 class="govuk-heading-l">${t("Review queue")}</h1>
        <p class="govuk-body">${t("Conversations to have with your team: red decisions waiting for approval, yellow decisions to talk through, what workers asked to discuss, and the sample you draw each month. A signed note is complete without you; green decisions are the worker's to make.")}</p>
        <p class="govuk-body">${t("Items nobody asked about leave the queue after {days}. Search for the family to find them.", { days: tn("{count} day", "{count} days", settings.queue_age_days) })}</p>
        ${red ? html`<div class="govuk-inset-text" id="queue-red">${tn("{count} red decision waits for your approval.", "{count} red decisions wait for your approval.", red)}</div>` : ""}
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third">${filterForm(context, entries)}${samplePanel(context, toDraw, settings, sampleNotice)}${settingsForm(settings, settingsState)}</div>
          <div class="govuk-grid-column-two-thirds">
            <p class="govuk-body" role="status" id="queue-count">${filtered
              ? t("Showing {range} matching your filters ({waiting} in the queue).", { range, waiting })
              : waiting
                ? t("{waiting} in the queue. Showing {range}.", { waiting, range })
                : t("Nothing is waiting for you.")}</p>
            ${shown.items.length ? queueTable(context, shown.items) : waiting || searching ? html`<p class="govuk-body">${t("Nothing matches these filters.")}</p>` : ""}
            ${pagination(shown)}
          </div>
        </div>
      </div>`,
    );
    const form = main.querySelector("#queue-filters");
    fillForm(form, typed || toValues(applied));
    form.addEventListener("change", () => {
      typed = formValues(form);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      applied = toFilters(formValues(form));
      page = 1;
      typed = null;
      draw("queue-count");
    });
    form.querySelector("[data-clear-filters]").addEventListener("click", () => {
      applied = { ...EMPTY };
      page = 1;
      typed = null;
      draw("filter-family");
    });
    for (const link of main.querySelectorAll("[data-page]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        page = Number(link.dataset.page);
        draw("queue-count");
      });
    }
    main.querySelector("[data-sample]")?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = sampleToDraw(data, { me: user.id, workers: teamWorkers(context), settings, today });
      const month = monthOf(today, { withYear: true });
      for (const { note } of chosen) {
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "note",
          target_id: note.id,
          review_kind: "sampled",
          body: t("Chosen for the {month} sample, to talk through in supervision.", { month }),
        });
      }
      sampleNotice = tn("{count} note drawn for {month}. It is in the queue now.", "{count} notes drawn for {month}. They are in the queue now.", chosen.length, { month });
      draw("queue-sample");
    });
    main.querySelector("[data-settings]").addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      const outcome = await saveSettings(context, values);
      settingsState = outcome.errors ? { open: true, errors: outcome.errors, values } : { open: true, saved: true };
      draw(outcome.errors ? null : "queue-settings");
      if (outcome.errors) main.querySelector("#queue-settings .govuk-error-summary")?.focus();
    });
    context.enhance();
    if (focusId) {
      const target = main.querySelector(`#${focusId}`);
      target?.setAttribute("tabindex", "-1");
      target?.focus();
    }
  }

  draw();
  const onChange = () => {
    const active = document.activeElement?.id;
    draw();
    if (active && main.contains(document.getElementById(active))) {
      document.getElementById(active).focus();
    }
  };
  data.addEventListener("change", onChange);
  return () => data.removeEventListener("change", onChange);
}
