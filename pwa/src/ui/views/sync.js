// Sync in detail, kept live while it is open: the state, what waits to be
// sent, whether the browser keeps this device's data, what the server refused
// and why, and what clashed.

import { html, mount } from "../html.js";
import { formatDateTime, syncStateWords } from "../layout.js";
import { t, tn } from "../../i18n.js";
import { storageRisks } from "../../storage.js";
import { formatBytes, uploadStatusText } from "../../domain/attachments.js";

// Each kind of record, as the worker knows it, counted in the current language
// (Welsh has six forms, so each kind is its own plural message).
const ENTITY_COUNTS = {
  family: (n) => tn("{count} family's details", "{count} families' details", n),
  person: (n) => tn("{count} person", "{count} people", n),
  membership: (n) => tn("{count} family membership", "{count} family memberships", n),
  relationship: (n) => tn("{count} relationship", "{count} relationships", n),
  interaction: (n) => tn("{count} visit or contact", "{count} visits or contacts", n),
  note: (n) => tn("{count} relational note", "{count} relational notes", n),
  amendment: (n) => tn("{count} correction", "{count} corrections", n),
  judgment: (n) => tn("{count} judgment log entry", "{count} judgment log entries", n),
  checklist: (n) => tn("{count} checklist", "{count} checklists", n),
  checklist_item: (n) => tn("{count} checklist answer", "{count} checklist answers", n),
  review: (n) => tn("{count} supervision comment", "{count} supervision comments", n),
  conference: (n) => tn("{count} family group conference", "{count} family group conferences", n),
  plan_action: (n) => tn("{count} plan action", "{count} plan actions", n),
  supervision_session: (n) => tn("{count} group supervision session", "{count} group supervision sessions", n),
  supervision_discussion: (n) => tn("{count} group supervision discussion", "{count} group supervision discussions", n),
  plan_episode: (n) => tn("{count} child's plan", "{count} children's plans", n),
  chronology_entry: (n) => tn("{count} chronology event", "{count} chronology events", n),
  case_summary: (n) => tn("{count} story so far", "{count} versions of the story so far", n),
  strategy_discussion: (n) => tn("{count} strategy discussion", "{count} strategy discussions", n),
  attachment: (n) => tn("{count} photo or file", "{count} photos and files", n),
};

/** "Not saved: your relational note", for the kinds a worker makes most; a general line otherwise. */
function notSavedHeading(entity) {
  const said = {
    family: () => t("Not saved: your change to the family's details"),
    person: () => t("Not saved: your person"),
    interaction: () => t("Not saved: your visit or contact"),
    note: () => t("Not saved: your relational note"),
    amendment: () => t("Not saved: your correction"),
    judgment: () => t("Not saved: your judgment log entry"),
    checklist: () => t("Not saved: your checklist"),
    checklist_item: () => t("Not saved: your checklist answer"),
    review: () => t("Not saved: your supervision comment"),
    attachment: () => t("Not saved: your photo or file"),
    family_copy: () => t("Not saved: your family copy"),
  }[entity];
  return said ? said() : t("Not saved: your change");
}

/** "Changed by someone else too: the family's details", and the like. */
function clashHeading(entity) {
  const said = {
    family: () => t("Changed by someone else too: the family's details"),
    person: () => t("Changed by someone else too: a person"),
    note: () => t("Changed by someone else too: a relational note"),
    judgment: () => t("Changed by someone else too: a judgment log entry"),
  }[entity];
  return said ? said() : t("Changed by someone else too: a record");
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
    <h3 class="govuk-heading-s">${notSavedHeading(notice.mutation?.entity)}</h3>
    <p class="govuk-body">${notice.result?.message}</p>
    ${Object.keys(notice.result?.errors || {}).length
      ? html`<ul class="govuk-list govuk-list--bullet">${Object.entries(notice.result.errors).map(
          ([field, messages]) => html`<li>${field.replaceAll("_", " ")}: ${[].concat(messages).join(" ")}</li>`,
        )}</ul>`
      : ""}
    ${lines.length
      ? html`<details class="govuk-details" data-notice="${notice.key}"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("What you wrote")}</span></summary>
          <div class="govuk-details__text"><dl class="govuk-summary-list">${lines.map(
            ([name, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${name}</dt><dd class="govuk-summary-list__value app-pre-wrap">${value}</dd></div>`,
          )}</dl></div></details>`
      : ""}
    <button type="button" class="govuk-button govuk-button--secondary" data-dismiss="${notice.key}">${t("I have dealt with this")}</button>
  </div>`;
}

function conflict(notice) {
  const overwritten = notice.result?.overwritten || {};
  return html`<div class="govuk-inset-text">
    <h3 class="govuk-heading-s">${clashHeading(notice.mutation?.entity)}</h3>
    <p class="govuk-body">${t("Your change was saved. It replaced what a colleague had saved at the same time; their version is kept in the record's history.")}</p>
    <dl class="govuk-summary-list">${Object.entries(overwritten).map(
      ([field, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${field.replaceAll("_", " ")}</dt>
        <dd class="govuk-summary-list__value">${t("Their version:")} ${typeof value === "object" ? JSON.stringify(value) : String(value ?? t("(empty)"))}<br>${t("Your version:")} ${String(notice.mutation?.data?.[field] ?? "")}</dd></div>`,
    )}</dl>
    ${notice.mutation?.entity === "family" ? html`<p class="govuk-body"><a class="govuk-link" href="#/family/${notice.mutation.id}">${t("Check the family's details")}</a></p>` : ""}
    <button type="button" class="govuk-button govuk-button--secondary" data-dismiss="${notice.key}">${t("I have checked this")}</button>
  </div>`;
}

function size(bytes) {
  const megabytes = (bytes || 0) / 1024 / 1024;
  return megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GB` : `${megabytes.toFixed(1)} MB`;
}

/** The records waiting, by kind: "4 changes" and "1 visit or contact, 1 relational note…". */
function waitingSummary(records) {
  if (!records.length) {
    return t("None");
  }
  const byKind = new Map();
  for (const { entity } of records) {
    byKind.set(entity, (byKind.get(entity) || 0) + 1);
  }
  return html`<p class="govuk-body govuk-!-margin-bottom-1">${tn("{count} change", "{count} changes", records.length)}:</p>
    <ul class="govuk-list govuk-list--bullet govuk-!-margin-bottom-1">${[...byKind].map(([entity, count]) => {
      const counted = ENTITY_COUNTS[entity] || ((n) => tn("{count} other record", "{count} other records", n));
      return html`<li>${counted(count)}</li>`;
    })}</ul>
    <p class="govuk-hint govuk-!-margin-bottom-0">${t("A change is one record you made or changed on this device, however many times you edited it. A checklist counts once with its answers.")}</p>`;
}

/** The photos and files this device has not finished sending: waiting, uploading (how far), or refused. */
function attachmentsWaiting(session, data) {
  const outstanding = session.attachments?.outstanding() || [];
  if (!outstanding.length) {
    return t("None");
  }
  return html`<ul class="govuk-list govuk-!-margin-bottom-0" id="sync-attachments">${outstanding.map((file) => {
    const record = data.get("attachment", file.attachment_id);
    const status = session.attachments.status(file.attachment_id);
    const words = uploadStatusText(status);
    return html`<li data-upload="${file.attachment_id}">${record?.filename || t("A file")} (${formatBytes(file.byte_size)}): ${uploadWords(status, words.text)}${
      status?.refused_reason ? html`. ${status.refused_reason}` : ""}</li>`;
  })}</ul>
    <p class="govuk-hint govuk-!-margin-bottom-0">${t("Photos and files upload after the records they belong to, a piece at a time. If the connection drops, they carry on from where they stopped.")}</p>`;
}

/** An upload's state in the current language ("Uploading, 40%"). */
function uploadWords(status, english) {
  const said = {
    uploading: () => t("Uploading, {percent}%", { percent: Math.floor(status.percent || 0) }),
    sent: () => t("Uploaded, being checked"),
    stored: () => t("Uploaded"),
    refused: () => t("Refused"),
  }[status?.state];
  return said ? said() : english === "Waiting to upload" ? t("Waiting to upload") : english;
}

function warning(text) {
  return html`<div class="govuk-warning-text">
    <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${text}</strong>
  </div>`;
}

function storageWarnings(storage, waiting) {
  const risks = storageRisks(storage, waiting);
  return html`${risks.unsentCouldBeLost
      ? warning(
          tn(
            "{count} change on this device has not been sent, and the browser could delete it if the device runs short of space. Sync as soon as you have a connection.",
            "{count} changes on this device have not been sent, and the browser could delete them if the device runs short of space. Sync as soon as you have a connection.",
            waiting,
          ),
        )
      : ""}
    ${risks.lowOnSpace
      ? warning(t("This device is almost out of space for this app ({left} left). New work may not save, and the browser could delete what is kept here. Sync, then free some space on the device.", { left: size(storage.free) }))
      : ""}`;
}

function kept(storage) {
  if (!storage.known) {
    return t("Checking…");
  }
  if (storage.persisted) {
    return t("Yes");
  }
  return html`<p class="govuk-body govuk-!-margin-bottom-1">${t("No.")}</p>
    <p class="govuk-body govuk-!-margin-bottom-0">${t("The browser has not agreed to keep this app's data. If the device runs short of space, it may delete what the app keeps here, including changes not yet sent. Anything already sent is safe on the server. Adding the app to your home screen usually lets the browser keep it.")}</p>`;
}

function summary({ session, data, sync }) {
  const records = data.recordsWaiting();
  const words = syncStateWords(sync, records.length);
  const storage = session.storage;
  const row = (key, value, id = "") => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value"${id ? html` id="${id}"` : ""}>${value}</dd></div>`;
  return html`${storageWarnings(storage, records.length)}
    <dl class="govuk-summary-list">
      ${row(t("Status"), words.detail ? `${words.short}: ${words.detail}` : words.short)}
      ${row(t("Changes waiting to send"), waitingSummary(records))}
      ${row(t("Photos and files to upload"), attachmentsWaiting(session, data), "sync-uploads")}
      ${row(t("Last synced"), sync.lastSync ? formatDateTime(sync.lastSync.toISOString()) : t("Not yet"))}
      ${row(t("Records on this device"), data.countConfirmed().toLocaleString("en-GB"))}
      ${row(t("Storage used"), storage.known ? t("{used} of {quota}", { used: size(storage.usage), quota: size(storage.quota) }) : t("Checking…"), "storage-used")}
      ${row(t("Storage kept when space is short"), kept(storage), "storage-persistent")}
    </dl>`;
}

function notices(data) {
  const rejected = data.notices.filter((n) => n.kind === "rejected");
  const conflicts = data.notices.filter((n) => n.kind === "conflict");
  return html`<h2 class="govuk-heading-m" id="sync-rejected" tabindex="-1">${t("Not saved ({count})", { count: rejected.length })}</h2>
    ${rejected.length ? rejected.map(rejection) : html`<p class="govuk-body">${t("Nothing was refused.")}</p>`}
    <h2 class="govuk-heading-m" id="sync-conflicts" tabindex="-1">${t("Changed by someone else too ({count})", { count: conflicts.length })}</h2>
    ${conflicts.length ? conflicts.map(conflict) : html`<p class="govuk-body">${t("No clashes.")}</p>`}`;
}

export async function syncView(context) {
  const { main, session, data } = context;
  const sync = session.sync;
  await session.storage.refresh().catch(() => {});
  mount(
    main,
    html`<div id="sync-page"><h1 class="govuk-heading-l">${t("Sync")}</h1>
      <div id="sync-summary"></div>
      <button type="button" class="govuk-button govuk-button--secondary" data-action="sync-now">${t("Sync now")}</button>
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
