// Sync in detail, kept live while it is open: the state, what waits to be
// sent, whether the browser keeps this device's data, what the server refused
// and why, and what clashed.

import { html, mount } from "../html.js";
import { countOf, formatDateTime, syncStateWords } from "../layout.js";
import { storageRisks } from "../../storage.js";
import { formatBytes, uploadStatusText } from "../../domain/attachments.js";

// Each kind of record, as the worker knows it: [one, several].
const ENTITY_NAMES = {
  family: ["family's details", "families' details"],
  person: ["person", "people"],
  membership: ["family membership", "family memberships"],
  relationship: ["relationship", "relationships"],
  interaction: ["visit or contact", "visits or contacts"],
  note: ["relational note", "relational notes"],
  amendment: ["correction", "corrections"],
  judgment: ["judgment log entry", "judgment log entries"],
  checklist: ["checklist", "checklists"],
  checklist_item: ["checklist answer", "checklist answers"],
  review: ["supervision comment", "supervision comments"],
  conference: ["family group conference", "family group conferences"],
  plan_action: ["plan action", "plan actions"],
  supervision_session: ["group supervision session", "group supervision sessions"],
  supervision_discussion: ["group supervision discussion", "group supervision discussions"],
  plan_episode: ["child's plan", "children's plans"],
  chronology_entry: ["chronology event", "chronology events"],
  case_summary: ["story so far", "versions of the story so far"],
  strategy_discussion: ["strategy discussion", "strategy discussions"],
  attachment: ["photo or file", "photos and files"],
};

function entityName(entity) {
  return ENTITY_NAMES[entity]?.[0];
}

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
    <h3 class="govuk-heading-s">Not saved: your ${entityName(notice.mutation?.entity) || "change"}</h3>
    <p class="govuk-body">${notice.result?.message}</p>
    ${Object.keys(notice.result?.errors || {}).length
      ? html`<ul class="govuk-list govuk-list--bullet">${Object.entries(notice.result.errors).map(
          ([field, messages]) => html`<li>${field.replaceAll("_", " ")}: ${[].concat(messages).join(" ")}</li>`,
        )}</ul>`
      : ""}
    ${lines.length
      ? html`<details class="govuk-details" data-notice="${notice.key}"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">What you wrote</span></summary>
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
    <h3 class="govuk-heading-s">Changed by someone else too: ${entityName(notice.mutation?.entity) || "a record"}</h3>
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
  const megabytes = (bytes || 0) / 1024 / 1024;
  return megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GB` : `${megabytes.toFixed(1)} MB`;
}

/** The records waiting, by kind: "4 changes" and "1 visit or contact, 1 relational note…". */
function waitingSummary(records) {
  if (!records.length) {
    return "None";
  }
  const byKind = new Map();
  for (const { entity } of records) {
    byKind.set(entity, (byKind.get(entity) || 0) + 1);
  }
  return html`<p class="govuk-body govuk-!-margin-bottom-1">${countOf(records.length, "change")}:</p>
    <ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-1">${[...byKind].map(([entity, count]) => {
      const [one, several] = ENTITY_NAMES[entity] || ["other record", "other records"];
      return html`<li>${countOf(count, one, several)}</li>`;
    })}</ul>
    <p class="govuk-hint govuk-!-margin-bottom-0">A change is one record you made or changed on this device, however many times you edited it. A checklist counts once with its answers.</p>`;
}

/** The photos and files this device has not finished sending: waiting, uploading (how far), or refused. */
function attachmentsWaiting(session, data) {
  const outstanding = session.attachments?.outstanding() || [];
  if (!outstanding.length) {
    return "None";
  }
  return html`<ul class="govuk-list govuk-!-margin-bottom-0" id="sync-attachments">${outstanding.map((file) => {
    const record = data.get("attachment", file.attachment_id);
    const status = session.attachments.status(file.attachment_id);
    const words = uploadStatusText(status);
    return html`<li data-upload="${file.attachment_id}">${record?.filename || "A file"} (${formatBytes(file.byte_size)}): ${words.text}${
      status?.refused_reason ? html`. ${status.refused_reason}` : ""}</li>`;
  })}</ul>
    <p class="govuk-hint govuk-!-margin-bottom-0">Photos and files upload after the records they belong to, a piece at a time. If the connection drops, they carry on from where they stopped.</p>`;
}

function warning(text) {
  return html`<div class="govuk-warning-text">
    <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>${text}</strong>
  </div>`;
}

function storageWarnings(storage, waiting) {
  const risks = storageRisks(storage, waiting);
  return html`${risks.unsentCouldBeLost
      ? warning(`${countOf(waiting, "change")} on this device ${waiting === 1 ? "has" : "have"} not been sent, and the browser could delete ${waiting === 1 ? "it" : "them"} if the device runs short of space. Sync as soon as you have a connection.`)
      : ""}
    ${risks.lowOnSpace
      ? warning(`This device is almost out of space for this app (${size(storage.free)} left). New work may not save, and the browser could delete what is kept here. Sync, then free some space on the device.`)
      : ""}`;
}

function kept(storage) {
  if (!storage.known) {
    return "Checking…";
  }
  if (storage.persisted) {
    return "Yes";
  }
  return html`<p class="govuk-body govuk-!-margin-bottom-1">No.</p>
    <p class="govuk-body govuk-!-margin-bottom-0">The browser has not agreed to keep this app's data. If the device runs short of space, it may delete what the app keeps here, including changes not yet sent. Anything already sent is safe on the server. Adding the app to your home screen usually lets the browser keep it.</p>`;
}

function summary({ session, data, sync }) {
  const records = data.recordsWaiting();
  const words = syncStateWords(sync, records.length);
  const storage = session.storage;
  const row = (key, value, id = "") => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value"${id ? html` id="${id}"` : ""}>${value}</dd></div>`;
  return html`${storageWarnings(storage, records.length)}
    <dl class="govuk-summary-list">
      ${row("Status", words.detail ? `${words.short}: ${words.detail}` : words.short)}
      ${row("Changes waiting to send", waitingSummary(records))}
      ${row("Photos and files to upload", attachmentsWaiting(session, data), "sync-uploads")}
      ${row("Last synced", sync.lastSync ? formatDateTime(sync.lastSync.toISOString()) : "Not yet")}
      ${row("Records on this device", data.countConfirmed().toLocaleString("en-GB"))}
      ${row("Storage used", storage.known ? `${size(storage.usage)} of ${size(storage.quota)}` : "Checking…", "storage-used")}
      ${row("Storage kept when space is short", kept(storage), "storage-persistent")}
    </dl>`;
}

function notices(data) {
  const rejected = data.notices.filter((n) => n.kind === "rejected");
  const conflicts = data.notices.filter((n) => n.kind === "conflict");
  return html`<h2 class="govuk-heading-m" id="sync-rejected" tabindex="-1">Not saved (${rejected.length})</h2>
    ${rejected.length ? rejected.map(rejection) : html`<p class="govuk-body">Nothing was refused.</p>`}
    <h2 class="govuk-heading-m" id="sync-conflicts" tabindex="-1">Changed by someone else too (${conflicts.length})</h2>
    ${conflicts.length ? conflicts.map(conflict) : html`<p class="govuk-body">No clashes.</p>`}`;
}

export async function syncView(context) {
  const { main, session, data } = context;
  const sync = session.sync;
  await session.storage.refresh().catch(() => {});
  mount(
    main,
    html`<div id="sync-page"><h1 class="govuk-heading-l">Sync</h1>
      <div id="sync-summary"></div>
      <button type="button" class="govuk-button govuk-button--secondary" data-action="sync-now">Sync now</button>
      <div id="sync-notices"></div></div>`,
  );
  const summaryArea = main.querySelector("#sync-summary");
  const noticesArea = main.querySelector("#sync-notices");
  let shownNotices = null;

  // Redrawn whenever sync, the outbox or storage moves. The button stays put
  // (its focus with it), and the notices are drawn again only when they change,
  // keeping open what the worker opened.
  const update = () => {
    mount(summaryArea, summary({ session, data, sync }));
    const keys = data.notices.map((notice) => notice.key).join("\n");
    if (keys !== shownNotices) {
      const open = new Set([...noticesArea.querySelectorAll("details[open]")].map((details) => details.dataset.notice));
      mount(noticesArea, notices(data));
      for (const details of noticesArea.querySelectorAll("details[data-notice]")) {
        details.open = open.has(details.dataset.notice);
      }
      shownNotices = keys;
    }
  };
  update();

  noticesArea.addEventListener("click", async (event) => {
    const key = event.target.closest("[data-dismiss]")?.dataset.dismiss;
    if (key) {
      await sync.dismissNotice(key);
      update();
      // The button pressed is gone: the focus goes to the heading of its list.
      main.querySelector(key.startsWith("conflict/") ? "#sync-conflicts" : "#sync-rejected")?.focus();
    }
  });
  const sources = [
    [sync, "status"],
    [data, "change"],
    [session.storage, "change"],
    ...(session.attachments ? [[session.attachments, "change"]] : []),
  ];
  for (const [source, type] of sources) {
    source.addEventListener(type, update);
  }
  return () => {
    for (const [source, type] of sources) {
      source.removeEventListener(type, update);
    }
  };
}
