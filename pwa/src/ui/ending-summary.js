// What the family page and a decision say about ending our work with a family:
// the ending a decision proposes, and whether the family is closed or waiting.

import { todayIso } from "../clock.js";
import { html } from "./html.js";
import { formatDate } from "./layout.js";
import { clearedOn, clearingDays, isFamilysWorker, otherTeams, waitingEnding } from "../domain/endings.js";

/** The ending a decision proposes, as the supervisor reads it before agreeing. */
export function endingSummary(context, judgment) {
  const { label, data } = context;
  const ending = judgment.ending;
  const row = (key, value) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap">${value || html`<span class="app-secondary-text">Not recorded</span>`}</dd></div>`;
  const team = ending.to_team_id ? otherTeams(data.reference?.directory, null).find(([id]) => id === ending.to_team_id)?.[1] : "";
  return html`<h2 class="govuk-heading-m" id="ending-heading">Ending our work: ${label("ending_kind", ending.kind).toLowerCase()}</h2>
    <dl class="govuk-summary-list" aria-labelledby="ending-heading">
      ${ending.kind === "transfer"
        ? html`${row("Moves to", team || "Another team")}${row("Handover note", ending.handover_note)}`
        : html`${row("Why our work ends", ending.closure_reason ? label("closure_reason", ending.closure_reason) : "")}
          ${(ending.changes || []).map((change) => row(`What has changed: “${change.goal}”`, change.in_their_words))}
          ${row("If worries come back", ending.if_worries_return)}`}
    </dl>`;
}

/** What the family page says about ending: closed (and until when it stays here), waiting, or the way to propose. */
export function endingSection(context, family) {
  const { data, user, label } = context;
  if (family.status === "closed" && family.closed_on) {
    const leaves = clearedOn(family.closed_on, clearingDays(data));
    return html`<div class="govuk-inset-text" id="family-closed">
      <p class="govuk-body"><strong>Our work with the family ended on ${formatDate(family.closed_on)}</strong>${family.closure_reason ? `: ${label("closure_reason", family.closure_reason)}` : ""}.</p>
      <p class="govuk-body">${leaves > todayIso() ? `This device keeps the family until ${formatDate(leaves)}, then removes it at the next sync.` : "This device removes the family at its next sync."} Supervisors can still find the family and read its history.</p>
      ${user?.role === "supervisor" ? html`<p class="govuk-body"><a class="govuk-link" href="#/family/${family.id}/reopen">Reopen the family</a></p>` : ""}
    </div>`;
  }
  const waiting = waitingEnding(data, family.id);
  if (waiting) {
    return html`<div class="govuk-inset-text" id="ending-waiting">
      <p class="govuk-body">A proposal to end our work (${label("ending_kind", waiting.ending.kind).toLowerCase()}) is waiting for a supervisor.
      <a class="govuk-link" href="#/judgment/${waiting.id}">Read the proposal</a></p></div>`;
  }
  if (isFamilysWorker(data, family.id, user)) {
    return html`<p class="govuk-body"><a class="govuk-link" id="propose-ending" href="#/family/${family.id}/ending">Propose ending our work<span class="govuk-visually-hidden"> with ${family.display_name}</span></a></p>`;
  }
  return "";
}
