// What the family page and a decision say about ending our work with a family:
// the ending a decision proposes, and whether the family is closed or waiting.

import { todayIso } from "../clock.js";
import { html } from "./html.js";
import { formatDate } from "./layout.js";
import { clearedOn, clearingDays, isFamilysWorker, otherTeams, waitingEnding } from "../domain/endings.js";
import { t } from "../i18n.js";

/** The ending a decision proposes, as the supervisor reads it before agreeing. */
export function endingSummary(context, judgment) {
  const { label, data } = context;
  const ending = judgment.ending;
  const row = (key, value) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap">${value || html`<span class="app-secondary-text">${t("Not recorded")}</span>`}</dd></div>`;
  const team = ending.to_team_id ? otherTeams(data.reference?.directory, null).find(([id]) => id === ending.to_team_id)?.[1] : "";
  return html`<h2 class="govuk-heading-m" id="ending-heading">${t("Ending our work: {kind}", { kind: label("ending_kind", ending.kind).toLowerCase() })}</h2>
    <dl class="govuk-summary-list" aria-labelledby="ending-heading">
      ${ending.kind === "transfer"
        ? html`${row(t("Moves to"), team || t("Another team"))}${row(t("Handover note"), ending.handover_note)}`
        : html`${row(t("Why our work ends"), ending.closure_reason ? label("closure_reason", ending.closure_reason) : "")}
          ${(ending.changes || []).map((change) => row(t("What has changed: “{goal}”", { goal: change.goal }), change.in_their_words))}
          ${row(t("If worries come back"), ending.if_worries_return)}`}
    </dl>`;
}

/** What the family page says about ending: closed (and until when it stays here), waiting, or the way to propose. */
export function endingSection(context, family) {
  const { data, user, label } = context;
  if (family.status === "closed" && family.closed_on) {
    const leaves = clearedOn(family.closed_on, clearingDays(data));
    return html`<div class="govuk-inset-text" id="family-closed">
      <p class="govuk-body"><strong>${t("Our work with the family ended on {day}", { day: formatDate(family.closed_on) })}</strong>${family.closure_reason ? `: ${label("closure_reason", family.closure_reason)}` : ""}.</p>
      <p class="govuk-body">${leaves > todayIso() ? t("This device keeps the family until {day}, then removes it at the next sync.", { day: formatDate(leaves) }) : t("This device removes the family at its next sync.")} ${t("Supervisors can still find the family and read its history.")}</p>
      ${user?.role === "supervisor" ? html`<p class="govuk-body"><a class="govuk-link" href="#/family/${family.id}/reopen">${t("Reopen the family")}</a></p>` : ""}
    </div>`;
  }
  const waiting = waitingEnding(data, family.id);
  if (waiting) {
    return html`<div class="govuk-inset-text" id="ending-waiting">
      <p class="govuk-body">${t("A proposal to end our work ({kind}) is waiting for a supervisor.", { kind: label("ending_kind", waiting.ending.kind).toLowerCase() })}
      <a class="govuk-link" href="#/judgment/${waiting.id}">${t("Read the proposal")}</a></p></div>`;
  }
  if (isFamilysWorker(data, family.id, user)) {
    return html`<p class="govuk-body"><a class="govuk-link" id="propose-ending" href="#/family/${family.id}/ending">${t("Propose ending our work")}<span class="govuk-visually-hidden"> ${t("with {family}", { family: family.display_name })}</span></a></p>`;
  }
  return "";
}
