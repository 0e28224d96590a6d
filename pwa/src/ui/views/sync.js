// Sync in detail: what waits, what the server refused and why, what clashed,
// and how much this device stores.

import { html, mount } from "../html.js";
import { formatDateTime } from "../layout.js";

const ENTITY_NAMES = {
  family: "family details",
  person: "person",
  membership: "family membership",
  relationship: "relationship",
  interaction: "visit or contact",
  note: "relational note",
  amendment: "amendment",
  judgment: "judgment log entry",
  checklist: "checklist",
  checklist_item: "checklist answer",
  review: "supervision comment",
  conference: "family group conference",
  plan_action: "plan action",
  plan_episode: "child's plan",
};

function whatYouWrote(data) {
  const lines = [];
  const walk = (value, path) => {
    if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        walk(item, path ? `${path} ${key}` : key);
      }
    } else if (typeof value === "string" && value.trim() && !/^[0-9a-f-]{36}$/.test(value)) {
      lines.push([path.replaceAll("_", " "), value]);
    }
  };
  walk(data || {}, "");
  return lines;
}

function rejection(notice) {
  const lines = whatYouWrote(notice.mutation?.data);
  return html`<div class="govuk-inset-text">
    <h3 class="govuk-heading-s">Not saved: your ${ENTITY_NAMES[notice.mutation?.entity] || "change"}</h3>
    <p class="govuk-body">${notice.result?.message}</p>
    ${Object.keys(notice.result?.errors || {}).length
      ? html`<ul class="govuk-list govuk-list--bullet">${Object.entries(notice.result.errors).map(
          ([field, messages]) => html`<li>${field.replaceAll("_", " ")}: ${[].concat(messages).join(" ")}</li>`,
        )}</ul>`
      : ""}
    ${lines.length
      ? html`<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">What you wrote</span></summary>
          <div class="govuk-details__text"><dl class="govuk-summary-list">${lines.map(
            ([name, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${name}</dt><dd class="govuk-summary-list__value app-pre-wrap">${value}</dd></div>`,
          )}</dl></div></details>`
      : ""}
    <button type="button" class="govuk-button govuk-button--secondary" data-dismiss="${notice.key}">I have dealt with this</button>
  </div>`;
}

function conflict(notice) {
  const overwritten = notice.result?.overwritten || {};
  return html`<div class="govuk-inset-text">
    <h3 class="govuk-heading-s">Changed by someone else too: ${ENTITY_NAMES[notice.mutation?.entity] || "a record"}</h3>
    <p class="govuk-body">Your change was saved. It replaced what a colleague had saved at the same time; their version is kept in the record's history.</p>
    <dl class="govuk-summary-list">${Object.entries(overwritten).map(
      ([field, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${field.replaceAll("_", " ")}</dt>
        <dd class="govuk-summary-list__value">Their version: ${typeof value === "object" ? JSON.stringify(value) : String(value ?? "(empty)")}<br>Your version: ${String(notice.mutation?.data?.[field] ?? "")}</dd></div>`,
    )}</dl>
    ${notice.mutation?.entity === "family" ? html`<p class="govuk-body"><a class="govuk-link" href="#/family/${notice.mutation.id}">Check the family's details</a></p>` : ""}
    <button type="button" class="govuk-button govuk-button--secondary" data-dismiss="${notice.key}">I have checked this</button>
  </div>`;
}

function size(bytes) {
  if (!bytes) return "0 MB";
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function syncView(context) {
  const { main, session, data } = context;
  const storage = await session.storageEstimate();
  const rejected = data.notices.filter((n) => n.kind === "rejected");
  const conflicts = data.notices.filter((n) => n.kind === "conflict");
  mount(
    main,
    html`<div id="sync-page"><h1 class="govuk-heading-l">Sync</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Changes waiting to send</dt><dd class="govuk-summary-list__value">${data.outbox.length}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Last synced</dt><dd class="govuk-summary-list__value">${session.sync.lastSync ? formatDateTime(session.sync.lastSync.toISOString()) : "Not yet"}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Records on this device</dt><dd class="govuk-summary-list__value">${data.countConfirmed().toLocaleString("en-GB")}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Storage used</dt><dd class="govuk-summary-list__value" id="storage-used">${size(storage.usage)} of ${size(storage.quota)}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Storage kept when space is short</dt><dd class="govuk-summary-list__value" id="storage-persistent">${storage.persisted ? "Yes" : "No: the browser may clear it if the device runs out of space. Sync often."}</dd></div>
      </dl>
      <h2 class="govuk-heading-m">Not saved (${rejected.length})</h2>
      ${rejected.length ? rejected.map(rejection) : html`<p class="govuk-body">Nothing was refused.</p>`}
      <h2 class="govuk-heading-m">Changed by someone else too (${conflicts.length})</h2>
      ${conflicts.length ? conflicts.map(conflict) : html`<p class="govuk-body">No clashes.</p>`}</div>`,
  );
  main.querySelector("#sync-page").addEventListener("click", async (event) => {
    const key = event.target.closest("[data-dismiss]")?.dataset.dismiss;
    if (key) {
      await session.sync.dismissNotice(key);
      syncView(context);
    }
  });
}
