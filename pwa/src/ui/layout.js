// The frame around every screen: service navigation, the sync bar always in
// view (one line on a phone), and the banner that offers a new version of the app.

import { APP_NAME } from "../config.js";
import { sayDate, sayDateTime, sayShortMoment, t, tn } from "../i18n.js";
import { SyncState } from "../sync/sync-service.js";
import { storageRisks } from "../storage.js";
import { html } from "./html.js";
import { onlineHome } from "../domain/online-roles.js";

/** The count beside Inbox: how many supervision conversations wait for the worker's reply. */
function inboxBadge(count) {
  return count ? html` <span class="app-count-badge">${count}<span class="govuk-visually-hidden"> ${t("waiting for your reply")}</span></span>` : "";
}

export function navigation({ signedIn, role, current, inboxCount = 0 }) {
  const link = (href, text, key) => html`<li class="govuk-service-navigation__item${current === key ? " govuk-service-navigation__item--active" : ""}">
      <a class="govuk-service-navigation__link" href="${href}" ${current === key ? html`aria-current="page"` : ""}>${text}</a>
    </li>`;
  return html`<section aria-label="${t("Service information")}" class="govuk-service-navigation" data-module="govuk-service-navigation">
    <div class="govuk-width-container">
      <div class="govuk-service-navigation__container">
        <span class="govuk-service-navigation__service-name">
          <a href="#/" class="govuk-service-navigation__link">${APP_NAME}</a>
        </span>
        ${signedIn
          ? html`<nav aria-label="${t("Menu")}" class="govuk-service-navigation__wrapper">
              <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden>${t("Menu")}${onlineHome(role) ? "" : inboxBadge(inboxCount)}</button>
              <ul class="govuk-service-navigation__list" id="navigation">
                ${onlineHome(role)
                  ? html`${role === "analyst" ? link("#/summaries", t("Service summaries"), "summaries") : link("#/statutory-returns", t("Statutory returns"), "statutory-returns")}
                      ${link("#/language", "Language / Iaith", "language")}
                      <li class="govuk-service-navigation__item">
                        <a class="govuk-service-navigation__link" href="#/summaries/sign-out">${t("Sign out")}</a>
                      </li>`
                  : caseworkLinks(link, role, inboxCount)}
              </ul>
            </nav>`
          : ""}
      </div>
    </div>
  </section>`;
}

function caseworkLinks(link, role, inboxCount) {
  const holdsNoCases = role === "admin" || role === "practice_lead"; // their home is the decision policy
  return html`${holdsNoCases ? link("#/policy", t("Decision policy"), "policy") : link("#/", t("Caseload"), "caseload")}
                ${role === "practice_lead" ? link("#/policy/trials", t("Trials"), "trials") : ""}
                ${role === "practice_lead" ? link("#/policy/newly-qualified", t("Newly qualified"), "newly-qualified") : ""}
                ${role === "caseworker" || role === "supervisor" ? link("#/inbox", html`${t("Inbox")}${inboxBadge(inboxCount)}`, "inbox") : ""}
                ${role === "admin" ? link("#/subject-access", t("Subject access requests"), "subject-access") : ""}
                ${role === "supervisor" ? link("#/reviews", t("Review queue"), "reviews") : ""}
                ${role === "supervisor" ? link("#/team", t("Team view"), "team") : ""}
                ${role === "supervisor" ? link("#/policy", t("Decision policy"), "policy") : ""}
                ${role === "caseworker" || role === "supervisor" ? link("#/group-supervision", t("Group supervision"), "group-supervision") : ""}
                ${role === "caseworker" || role === "supervisor" ? link("#/consultations", t("Peer consultations"), "consultations") : ""}
                ${role === "caseworker" || role === "supervisor" ? link("#/letters", t("Letters from peers"), "letters") : ""}
                ${role === "caseworker" || role === "supervisor" ? link("#/supervision-record", t("Supervision record"), "supervision-record") : ""}
                ${role === "supervisor" ? link("#/escalations", t("Escalations"), "escalations") : ""}
                ${link("#/suggestions", t("Suggestions"), "suggestions")}
                ${link("#/notifications", t("Notifications"), "notifications")}
                ${link("#/language", "Language / Iaith", "language")}
                ${link("#/sync", t("Sync"), "sync")}
                <li class="govuk-service-navigation__item">
                  <a class="govuk-service-navigation__link" href="#/lock" data-action="lock">${t("Lock")}</a>
                </li>
                <li class="govuk-service-navigation__item">
                  <a class="govuk-service-navigation__link" href="#/sign-out">${t("Sign out")}</a>
                </li>`;
}

function since(date) {
  if (!date) {
    return t("never");
  }
  return sayShortMoment(date);
}

/**
 * The sync state in words: a short one for the bar on any screen, and what it
 * means, for wider screens and the Sync screen.
 */
export function syncStateWords(sync, waiting) {
  switch (sync.state) {
    case SyncState.SYNCING:
      return { short: t("Syncing…"), detail: "" };
    case SyncState.OFFLINE:
      return { short: t("Offline"), detail: t("changes are saved on this device") };
    case SyncState.SIGNED_OUT:
      return { short: t("Signed out"), detail: t("sign in again to sync") };
    case SyncState.FAILED:
      if (sync.error?.name === "QuotaExceededError") {
        return {
          short: t("Storage full"),
          detail: t("sync cannot save what it receives. Free some space on this device, then sync again."),
        };
      }
      return { short: t("Sync failed"), detail: sync.error?.message || t("try again later") };
    default:
      return waiting ? { short: t("Saved on this device"), detail: t("sending shortly") } : { short: t("Up to date"), detail: "" };
  }
}

/** "1 change", "4 changes": a count with its noun. */
export function countOf(count, singular, plural = `${singular}s`) {
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * One line on a phone: the state, the changes waiting (a change is one record
 * made or changed, however many edits it took) and one link to the Sync
 * screen. Wider screens add what the state means, the last sync and "Sync now".
 */
export function syncBar(sync, data, storage) {
  const waiting = data.recordsWaiting().length;
  const problems = data.notices.length;
  const risks = storageRisks(storage, waiting);
  const words = syncStateWords(sync, waiting);
  const links = [
    problems ? html`<a class="govuk-link" href="#/sync">${tn("{count} problem", "{count} problems", problems)}<span class="app-sync-bar__wide"> ${t("to look at")}</span></a>` : "",
    risks.unsentCouldBeLost || risks.lowOnSpace ? html`<a class="govuk-link" href="#/sync">${t("Storage warning")}</a>` : "",
  ].filter(Boolean);
  return html`<div class="app-sync-bar" role="region" aria-label="${t("Sync status")}">
    <div class="govuk-width-container app-sync-bar__inner">
      <p class="app-sync-bar__item" role="status"><strong class="app-sync-bar__state" id="sync-state">${words.short}</strong>${words.detail ? html`<span class="app-sync-bar__wide">: ${words.detail}</span>` : ""}</p>
      <p class="app-sync-bar__item" id="sync-waiting">${waiting ? tn("{count} change waiting", "{count} changes waiting", waiting) : t("No changes waiting")}</p>
      <p class="app-sync-bar__item app-sync-bar__wide">${t("Last synced: {moment}", { moment: since(sync.lastSync) })}</p>
      ${links.map((link, index) => html`<p class="app-sync-bar__item${index ? " app-sync-bar__wide" : ""}">${link}</p>`)}
      ${links.length ? "" : html`<p class="app-sync-bar__item app-sync-bar__narrow"><a class="govuk-link" href="#/sync">${t("Sync details")}</a></p>`}
      <button type="button" class="govuk-button govuk-button--secondary app-sync-bar__wide" data-action="sync-now" ${sync.state === SyncState.SYNCING ? html`disabled aria-disabled="true"` : ""}>${t("Sync now")}</button>
    </div>
  </div>`;
}

export function updateBanner() {
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="update-title" data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="update-title">${t("New version")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${t("A new version of the app is ready.")}</p>
      <button type="button" class="govuk-button" data-action="apply-update">${t("Use the new version")}</button>
    </div>
  </div>`;
}

export function backLink(href, text = t("Back")) {
  return html`<a href="${href}" class="govuk-back-link">${text}</a>`;
}

// What this device holds, as the footer tells it: an analyst's screens are online
// only and keep nothing about a family here.
const FOOTER_TEXT = {
  analyst: () => t("Service summaries hold figures only, and are read from the server: nothing about a family is kept on this device."),
  performance_officer: () => t("Statutory returns are read from the server: nothing about a child is kept on this device."),
};
// A function: the words are in the language chosen when it is drawn.
const caseworkFooter = () => t("Case records kept on this device are encrypted, and the app locks itself when left alone.");

export function footer(role) {
  return html`<footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <p class="govuk-body-s" id="footer-text">${(FOOTER_TEXT[role] || caseworkFooter)()}</p>
        </div>
      </div>
    </div>
  </footer>`;
}

/** Say a date ("1 July 2026", or in Welsh "1 Gorffennaf 2026"): a calendar date as it is, a moment on its local day. */
export function formatDate(text) {
  return sayDate(text);
}

/** Say a moment's date and time in the app's language. */
export function formatDateTime(text) {
  return sayDateTime(text);
}

export function tag(text, colour) {
  return html`<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ""}">${text}</strong>`;
}
