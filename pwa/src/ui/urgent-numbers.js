// The council's numbers to phone when a child may be at immediate risk, as a
// GOV.UK notification banner with a warning: drawn from the reference data the
// device keeps sealed, so it shows with no network.

import { EMERGENCY_SERVICES, URGENT_NUMBERS, telHref } from "../domain/urgent.js";
import { html } from "./html.js";
import { t } from "../i18n.js";

/** One of the council's numbers as the screens name it, in the language spoken: {label, when}. */
export function urgentNumberWords({ key, label, when }) {
  return { key, label: t(label), when: t(when) };
}

function phoneLink(number, label) {
  const href = telHref(number);
  return href
    ? html`<a class="govuk-link app-phone-number" href="${href}" aria-label="${t("Phone {who} on {number}", { who: label, number })}">${number}</a>`
    : html`<span>${number}</span>`;
}

/**
 * The numbers to phone, with 999 first for immediate danger. `contacts` is the
 * council's settings as the device holds them (null before the first sign-in
 * online, or before the council has set them).
 */
export function urgentNumbersPanel(contacts) {
  const configured = Boolean(contacts?.configured);
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="urgent-numbers-title" data-module="govuk-notification-banner" id="urgent-numbers">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="urgent-numbers-title">${t("Important")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${t("Phone now: do not wait for a sync or a reply.")}</p>
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">${t("Warning")}</span>
          ${t("If a child is in immediate danger, phone")} ${phoneLink(EMERGENCY_SERVICES, t("the emergency services"))} ${t("now.")}
        </strong>
      </div>
      <p class="govuk-body">${t("Otherwise, phone someone who can agree what happens next, and tell them what you have seen:")}</p>
      ${configured
        ? html`<dl class="govuk-summary-list">
          ${URGENT_NUMBERS.map(
            ({ key, label, when }) => html`<div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">${t(label)}<br><span class="govuk-body-s app-secondary-text">${t(when)}</span></dt>
              <dd class="govuk-summary-list__value" id="urgent-number-${key}">${phoneLink(contacts[key], t(label))}</dd>
            </div>`,
          )}
        </dl>`
        : html`<p class="govuk-body" id="urgent-numbers-missing">${t("Your council's numbers are not on this device yet: they arrive the next time you sign in or unlock online. Phone your team manager or the duty team on the numbers you have.")}</p>`}
      <p class="govuk-body">${t("Once someone has agreed it by phone, log the decision and record who agreed and when. They confirm it later.")}</p>
    </div>
  </div>`;
}
