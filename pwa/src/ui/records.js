// Small pieces the record screens share: who wrote a record and when, whether
// it has synced, the banner after a save, length checks, and a record not found.

import { durationText, receiptGap, signedTimes, writtenTimes } from "../domain/record-times.js";
import { button } from "./forms.js";
import { html, mount } from "./html.js";
import { formatDateTime, tag } from "./layout.js";
import { problemSummary } from "./record-screen.js";
import { t } from "../i18n.js";

export const LONG_TEXT = 20_000;

/** A record's noun as the shared screens say it ("note", "entry", "decision"), in the current language. */
export function nounWord(noun) {
  const words = { note: () => t("note"), entry: () => t("entry"), decision: () => t("decision") };
  return words[noun] ? words[noun]() : noun;
}

// --- small shared pieces ----------------------------------------------------------------

/** Return whether the signed-in worker wrote a record (an unsynced one was written here). */
export function isAuthor(record, user) {
  if (!record || !user) return false;
  return record.created_by_id ? record.created_by_id === user.id : Boolean(record.unsynced);
}

/** Return the version a change is based on: an unsynced record counts as the server's first. */
export function baseVersion(data, entity, id) {
  return Math.max(1, data.record(entity, id)?.version || 1);
}

/** Order records oldest first; those not yet synced (no server time) come last, in outbox order. */
export function oldestFirst(records) {
  return [...records].sort((a, b) => {
    if (!a.created_at || !b.created_at) return (a.created_at ? 0 : 1) - (b.created_at ? 0 : 1);
    return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
  });
}

export function notSyncedTag(record) {
  return record?.unsynced ? html` ${tag(t("Not synced yet"), "grey")}` : "";
}

export function capitalised(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** Return who wrote a record and when, by the device's clock where it is known. */
export function writtenBy(context, record) {
  const who = context.staffName(record.created_by_id) || t("you");
  const { device, received } = writtenTimes(record);
  const when = device || received;
  return when ? t("{who} on {when}", { who, when: formatDateTime(when) }) : t("{who}, on this device, not synced yet", { who });
}

/** Return when a record was signed, by the device's clock where it is known. */
export function signedWhen(record) {
  const { device, received } = signedTimes(record);
  return device || received ? t("on {when}", { when: formatDateTime(device || received) }) : "";
}

/**
 * Return a flag, with the server's time of receipt, when it is more than a few
 * minutes from the device's time (synced later, or a device clock that was wrong).
 */
export function receiptFlag(times) {
  const gap = receiptGap(times);
  if (!gap || gap.kind === "same") {
    return "";
  }
  const received = formatDateTime(times.received);
  return gap.kind === "later"
    ? html`<span class="app-receipt">${tag(t("Synced later"), "blue")} ${t("The council's server received it on {received}, {gap} later, when the device synced.", { received, gap: durationText(gap.minutes) })}</span>`
    : html`<span class="app-receipt">${tag(t("Device clock ahead"), "yellow")} ${t("The council's server received it on {received}, {gap} before the time the device gave: the device's clock was probably wrong.", { received, gap: durationText(gap.minutes) })}</span>`;
}

export function familyName(data, familyId) {
  return data.get("family", familyId)?.display_name || t("this family");
}

export function visitText(context, interactionId) {
  const visit = interactionId ? context.data.get("interaction", interactionId) : null;
  if (!visit) return "";
  return t("{mode} on {when}", { mode: context.label("interaction_mode", visit.mode), when: formatDateTime(visit.occurred_at) });
}

/** The banner after a save: announced and focused once, not again when sync re-draws the screen. */
export function successBanner(message, announce = true) {
  if (!message) return "";
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="${announce ? "alert" : "region"}"
      aria-labelledby="success-title" data-module="govuk-notification-banner" ${announce ? "" : html`data-disable-auto-focus="true"`}>
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="success-title">${t("Success")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${message}</p>
    </div>
  </div>`;
}

export function draftStatus() {
  return html`<p class="app-draft-saved">${t("Drafts are saved on this device as you type.")}</p>`;
}

/** Check lengths the server enforces, so a long text is refused here, not after sync. */
export function checkLength(errors, id, value, max, name) {
  if (!errors[id] && (value || "").length > max) {
    errors[id] = t("{name} must be {max} characters or fewer", { name, max: max.toLocaleString("en-GB") });
  }
}

export function notFound(main, what) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("{what} not found", { what })}</h1>
      <p class="govuk-body">${t("It may not have synced to this device yet, or it is no longer in your caseload.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}

// --- the note screen -----------------------------------------------------------------

/**
 * Ask the worker to confirm signing: once signed, a record is only corrected by amendment.
 * @param {{noun: string, what: string, formName: string, extra?: Html, problem?: Html}} confirmation
 */
export function signConfirmation({ noun, what, formName, extra = "", problem = "" }) {
  // Whole sentences for the records signed here, so a translator never assembles one from parts.
  const said = {
    note: () => ({ title: t("Sign this note?"), yes: t("Yes, sign the note"), no: t("No, go back to the note") }),
    entry: () => ({ title: t("Sign this entry?"), yes: t("Yes, sign the entry"), no: t("No, go back to the entry") }),
  }[noun]?.() || { title: `Sign this ${noun}?`, yes: `Yes, sign ${what}`, no: `No, go back to ${what}` };
  return html`${problemSummary(problem)}<form data-form="${formName}" novalidate>
    <h1 class="govuk-heading-l">${said.title}</h1>
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${t("Signing makes the {noun} final. After that it cannot be edited: any correction is added as an amendment with a reason, and the original stays as it is.", { noun: nounWord(noun) })}</strong>
    </div>
    ${extra}
    <div class="govuk-button-group">
      ${button(said.yes, { name: "confirm", value: "yes" })}
      ${button(said.no, { secondary: true, name: "confirm", value: "no" })}
    </div>
  </form>`;
}
