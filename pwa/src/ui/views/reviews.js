// The supervisor's review queue: the team's signed notes and judgment entries
// still waiting for supervision, oldest first, with filters. Each one opens
// on its own page, where the conversation, approval and "discussed" live.

import { KINDS, LIGHTS, authorsOf, filterQueue, reviewQueue } from "../../domain/review-queue.js";
import { button, checkboxes, fillForm, formValues, select } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDateTime, tag } from "../layout.js";
import { responsiveTable } from "../tables.js";

const LIGHT_TAGS = {
  green: ["Green", "green"],
  yellow: ["Yellow", "yellow"],
  red: ["Red", "red"],
};

const STATUS_TEXT = {
  awaiting_approval: "Needs your approval",
  awaiting_discussion: "To discuss",
  logged: "Logged: for information",
};

// The filters last applied, kept while the app is open (never in the address).
let applied = { worker: "", kinds: [], lights: [], awaitingApproval: false };
let appliedFor = null;

function snippet(text, length = 80) {
  const plain = (text || "").replace(/\s+/g, " ").trim();
  return plain.length > length ? `${plain.slice(0, length - 1)}…` : plain;
}

function whatItIs(entry) {
  if (entry.kind === "judgment") {
    return html`<a class="govuk-link" href="#/judgment/${entry.record.id}">Decision: ${snippet(entry.record.question) || "no question written"}</a>`;
  }
  const sections = entry.record.sections || {};
  const opening = snippet(sections.what_happened || sections.child_voice || sections.reflection || "");
  return html`<a class="govuk-link" href="#/note/${entry.record.id}">Relational note${opening ? html`: ${opening}` : ""}</a>`;
}

function stateTags(entry) {
  const comments = entry.comments
    ? html`<br><span class="govuk-body-s">${entry.comments} ${entry.comments === 1 ? "comment" : "comments"} so far</span>`
    : "";
  if (entry.kind === "note") {
    return html`${tag("Not discussed yet", "grey")}${comments}`;
  }
  const [lightText, colour] = LIGHT_TAGS[entry.light] || ["No light", "grey"];
  return html`${tag(lightText, colour)} <span class="govuk-body-s app-queue-status">${STATUS_TEXT[entry.status] || entry.status}</span>${comments}`;
}

function filterForm(context, entries) {
  const workers = authorsOf(entries)
    .map((id) => [id, context.staffName(id)])
    .sort((a, b) => a[1].localeCompare(b[1]));
  return html`<form id="queue-filters" class="app-queue-filters" novalidate aria-labelledby="filters-heading">
    <h2 class="govuk-heading-m" id="filters-heading">Filter the queue</h2>
    ${select({ name: "worker", id: "filter-worker", label: "Worker", options: workers, placeholder: "All workers" })}
    ${checkboxes({ name: "kinds", id: "filter-kind", legend: "What it is", options: KINDS })}
    ${checkboxes({ name: "lights", id: "filter-light", legend: "Light", hint: "Notes have no light: choosing a light shows decisions only.", options: LIGHTS })}
    ${checkboxes({ name: "awaiting", id: "filter-awaiting", legend: "Approval", options: [["yes", "Only decisions waiting for your approval"]] })}
    <div class="govuk-button-group">
      ${button("Apply filters")}
      <button type="button" class="govuk-button govuk-button--secondary" data-clear-filters>Clear filters</button>
    </div>
  </form>`;
}

function queueTable(context, shown) {
  return responsiveTable({
    caption: "Notes and decisions waiting for supervision, oldest signed first",
    columns: ["Family", "What it is", "Written by", "Signed", "Light and status"],
    rows: shown.map((entry) => ({
      attributes: html`data-queue-entry="${entry.record.id}"`,
      cells: [
        entry.family.display_name,
        whatItIs(entry),
        context.staffName(entry.authorId),
        entry.signedAt ? formatDateTime(entry.signedAt) : "Not known",
        stateTags(entry),
      ],
    })),
  });
}

function notForCaseworkers(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">Review queue</h1>
      <p class="govuk-body">The review queue is for supervisors. Your supervisor sees your signed notes and decisions there and replies to each one.</p>
      <p class="govuk-body">You see their comments and questions on the note or decision itself.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">Go to your caseload</a></p>`,
  );
}

function toFilters(values) {
  return {
    worker: values.worker || "",
    kinds: values.kinds || [],
    lights: values.lights || [],
    awaitingApproval: (values.awaiting || []).includes("yes"),
  };
}

function toValues(filters) {
  return { worker: filters.worker, kinds: filters.kinds, lights: filters.lights, awaiting: filters.awaitingApproval ? ["yes"] : [] };
}

export async function reviewsView(context) {
  const { main, data, user } = context;
  if (user?.role !== "supervisor") {
    return notForCaseworkers(main);
  }
  if (appliedFor !== user.id) {
    applied = { worker: "", kinds: [], lights: [], awaitingApproval: false };
    appliedFor = user.id;
  }
  let typed = null; // filter choices made but not yet applied: kept through a redraw

  function draw(focusId) {
    const entries = reviewQueue(data, { me: user.id });
    const shown = filterQueue(entries, applied);
    const filtered = shown.length !== entries.length;
    mount(
      main,
      html`<div id="review-queue">
        <h1 class="govuk-heading-l">Review queue (${entries.length})</h1>
        <p class="govuk-body">Your team's signed relational notes and judgment log entries that are waiting for you, the oldest first. Open one to reply, mark it discussed, or approve or decline a red decision.</p>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third">${filterForm(context, entries)}</div>
          <div class="govuk-grid-column-two-thirds">
            <p class="govuk-body" role="status" id="queue-count">${filtered
              ? `Showing ${shown.length} of ${entries.length} waiting, oldest first.`
              : entries.length
                ? `${entries.length} waiting, oldest first.`
                : "Nothing is waiting for you."}</p>
            ${shown.length ? queueTable(context, shown) : entries.length ? html`<p class="govuk-body">Nothing matches these filters.</p>` : ""}
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
      typed = null;
      draw("queue-count");
    });
    form.querySelector("[data-clear-filters]").addEventListener("click", () => {
      applied = toFilters({});
      typed = null;
      draw("filter-worker");
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
