// Trials of the decision policy in one team, for the practice lead: another
// light for one kind of decision, for one team, for a set time ("Change how
// often we visit" green for North for three months). The team's devices use it
// from their next sync, and it ends by itself on its end day. Each trial shows
// the decisions of its kind signed while it ran, in its team and in the rest
// of the council, with small numbers suppressed as in the service summary.
// Online only: trials are read from and started on the server.

import { todayIso } from "../../clock.js";
import { lastDayOf } from "../../domain/team-lights.js";
import { addMonths, formatDate as isoDate, parseDate } from "../../domain/timescales.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import {
  button,
  errorSummary,
  focusErrorSummary,
  formValues,
  radios,
  select,
  textarea,
  focusBanner,
} from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDate, tag } from "../layout.js";
import { successBanner } from "../screen.js";
import { NO_SUGGESTION, suggestionOptions } from "../suggestion-options.js";

const MAX_REASON = 2000;
const LENGTHS = [1, 3, 6]; // months
const LIGHT_WORDS = {
  green: ["Green", "green", "the worker decides and logs it"],
  yellow: ["Yellow", "yellow", "the worker decides; their supervisor discusses it"],
  red: ["Red", "red", "a supervisor must approve it before the worker acts"],
};
const STATES = { running: ["Running", "green"], planned: ["Planned", "blue"], ended: ["Ended", "grey"] };
const SUPPRESSED = "c";

let flash = "";

function lightTag(light) {
  const [text, colour] = LIGHT_WORDS[light] || [light, "grey"];
  return tag(text, colour);
}

function problemText(error, what) {
  if (error instanceof Offline) return `You are offline, so ${what}. Trials are kept on the server: try again when you have a connection.`;
  if (error instanceof SessionEnded) return `Your session with the server has ended, so ${what}. Sign out and sign in again.`;
  return `Sorry, ${what}: ${error.message}`;
}

function notForYou(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">Trials of the decision policy</h1>
      <p class="govuk-body">Your council's practice lead runs trials of the decision policy. When your team is in one, you see its light when you log a judgment.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">Go to the start page</a></p>`,
  );
}

async function online(session) {
  if (!hasCsrfToken()) await session.resumeServerSession(true);
}

function labelsOf(policy) {
  return Object.fromEntries((policy?.categories || []).map((category) => [category.key, category]));
}

function count(value) {
  return value === SUPPRESSED ? html`<abbr title="Not shown: a small number">c</abbr>` : String(value ?? 0);
}

function countsTable(trial) {
  const counts = trial.counts || {};
  return html`<table class="govuk-table" data-trial-counts>
    <caption class="govuk-table__caption govuk-table__caption--s">Decisions of this kind signed ${trial.state === "planned" ? "since it was planned" : "while it ran"}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Who</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Decisions</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${trial.team_name} (in the trial)</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.team)}</td></tr>
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">The rest of the council</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.rest_of_council)}</td></tr>
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">The whole council</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.council)}</td></tr>
    </tbody>
  </table>`;
}

function row(key, value) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`;
}

function endForm(trial, errors) {
  const id = `end-reason-${trial.id}`;
  return html`<details class="govuk-details" ${errors[id] ? "open" : ""}>
    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">End this trial early</span></summary>
    <div class="govuk-details__text">
      <form id="end-form-${trial.id}" data-end-trial="${trial.id}" novalidate>
        ${textarea({ name: "reason", id, label: "Why are you ending this trial early?", hint: "It is kept with the trial and in the audit log. Do not name a family or a person.", rows: 3, error: errors[id] })}
        ${button("End this trial today", { warning: true })}
      </form>
    </div>
  </details>`;
}

function trialCard(trial, labels, errors) {
  const category = labels[trial.category];
  const name = category?.label || trial.category;
  const [stateText, stateColour] = STATES[trial.state] || [trial.state, "grey"];
  return html`<div class="govuk-summary-card" data-trial="${trial.id}">
    <div class="govuk-summary-card__title-wrapper">
      <h3 class="govuk-summary-card__title">‘${name}’ in ${trial.team_name}</h3>
    </div>
    <div class="govuk-summary-card__content">
      <dl class="govuk-summary-list">
        ${row("State", tag(stateText, stateColour))}
        ${row("Light in the trial", html`${lightTag(trial.light)} (the council's: ${category ? lightTag(category.light) : "not in the policy now"})`)}
        ${row("Runs", `From ${formatDate(trial.starts_on)} up to and including ${formatDate(lastDayOf(trial))}`)}
        ${row("Why", html`<span class="app-pre-wrap">${trial.reason}</span>`)}
        ${trial.suggestion_id ? row("From the suggestion", html`<a class="govuk-link" href="#/suggestions/${trial.suggestion_id}">Read the suggestion</a>`) : ""}
        ${trial.ended_early_reason ? row("Ended early because", html`<span class="app-pre-wrap">${trial.ended_early_reason}</span>`) : ""}
      </dl>
      ${countsTable(trial)}
      ${trial.state === "ended" ? "" : endForm(trial, errors)}
    </div>
  </div>`;
}

/** The practice lead's trials: running, planned and ended, with their counts. */
export async function trialsView(context, errors = {}) {
  const { main, session, user } = context;
  if (user?.role !== "practice_lead") return notForYou(main);
  let trials;
  let policy;
  try {
    [trials, policy] = await Promise.all([get("/api/decision-policy/trials"), get("/api/decision-policy")]);
  } catch (error) {
    mount(main, html`<h1 class="govuk-heading-l">Trials of the decision policy</h1><p class="govuk-body" id="trials-problem">${problemText(error, "the trials could not be loaded")}</p>`);
    return null;
  }
  const labels = labelsOf(policy);
  const shown = flash;
  flash = "";
  const groups = [
    ["Running", trials.filter((trial) => trial.state === "running")],
    ["Planned", trials.filter((trial) => trial.state === "planned")],
    ["Ended", trials.filter((trial) => trial.state === "ended")],
  ].filter(([, list]) => list.length);
  mount(
    main,
    html`<div id="trials-page">
      ${shown ? successBanner(shown) : ""}
      ${errorSummary(errors)}
      <h1 class="govuk-heading-l">Trials of the decision policy</h1>
      <p class="govuk-body">A trial gives one team a different light for one kind of decision, for a set time. Workers in that team see the trial's light when they log a decision, on their device from its next sync; no one else does. The trial ends by itself on its last day, and the council's light applies again.</p>
      <p class="govuk-body">Counts of 1 to 5, and any that would give one away, are shown as <abbr title="Not shown: a small number">c</abbr>, as in the service summary.</p>
      <a class="govuk-button" href="#/policy/trials/new" role="button" draggable="false" data-module="govuk-button">Start a trial</a>
      ${groups.length
        ? groups.map(([heading, list]) => html`<h2 class="govuk-heading-m">${heading}</h2>${list.map((trial) => trialCard(trial, labels, errors))}`)
        : html`<p class="govuk-body" id="no-trials">There are no trials yet.</p>`}
    </div>`,
  );
  context.enhance();
  if (Object.keys(errors).length) focusErrorSummary(main);
  else if (shown) focusBanner(main);
  for (const form of main.querySelectorAll("[data-end-trial]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = form.dataset.endTrial;
      const field = `end-reason-${id}`;
      const reason = (formValues(form).reason || "").trim();
      if (!reason) return trialsView(context, { [field]: "Enter why you are ending the trial early" });
      if (reason.length > MAX_REASON) return trialsView(context, { [field]: `The reason must be ${MAX_REASON} characters or fewer` });
      try {
        await online(session);
        await post(`/api/decision-policy/trials/${id}/end`, { reason });
        flash = "The trial has ended. The council's light applies in the team from today, on each device from its next sync.";
        return trialsView(context);
      } catch (error) {
        return trialsView(context, { [field]: problemText(error, "the trial was not ended") });
      }
    });
  }
  return null;
}

/** Return the day a trial of some months starting today ends (the council's light is back). */
function endsAfter(today, months) {
  return isoDate(addMonths(parseDate(today), months));
}

function lengthOptions(today) {
  return LENGTHS.map((months) => {
    const ends = endsAfter(today, months);
    const last = lastDayOf({ ends_on: ends });
    return [String(months), `${months} month${months === 1 ? "" : "s"}: up to and including ${formatDate(last)}`];
  });
}

function checkTrial(values, labels) {
  const errors = {};
  if (!values.team_id) errors.team_id = "Choose the team that tries the light";
  if (!values.category) errors.category = "Choose the kind of decision";
  if (!values.light) errors.light = "Choose the light to try";
  else if (values.category && labels[values.category]?.light === values.light) {
    errors.light = `${LIGHT_WORDS[values.light][0]} is already the council's light for ‘${labels[values.category].label}’: choose a different one`;
  }
  if (!values.months) errors.months = "Choose how long the trial runs";
  const reason = (values.reason || "").trim();
  if (!reason) errors.reason = "Enter why you are starting this trial";
  else if (reason.length > MAX_REASON) errors.reason = `The reason must be ${MAX_REASON} characters or fewer`;
  return errors;
}

const SERVER_FIELDS = { team_id: "team_id", category: "category", light: "light", ends_on: "months", starts_on: "months", reason: "reason", suggestion_id: "suggestion_id" };

/** Start a trial: which team, which kind of decision, which light, for how long, and why. */
export async function newTrialView(context, values = {}, errors = {}) {
  const { main, session, user } = context;
  if (user?.role !== "practice_lead") return notForYou(main);
  let teams;
  let policy;
  let suggestions;
  try {
    [teams, policy, suggestions] = await Promise.all([get("/api/teams"), get("/api/decision-policy"), get("/api/suggestions?page=1&page_size=200")]);
  } catch (error) {
    mount(main, html`${backLink("#/policy/trials", "Back to trials")}<h1 class="govuk-heading-l">Start a trial</h1><p class="govuk-body" id="trials-problem">${problemText(error, "the form could not be loaded")}</p>`);
    return null;
  }
  const labels = labelsOf(policy);
  const today = todayIso();
  mount(
    main,
    html`<div id="new-trial-page">
      ${backLink("#/policy/trials", "Back to trials")}
      ${errorSummary(errors)}
      <h1 class="govuk-heading-l">Start a trial</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">The trial starts today. Workers in the team see its light from their device's next sync; it ends by itself.</p>
        <form id="trial-form" novalidate>
          ${radios({ name: "team_id", legend: "Which team tries it?", options: teams.map((team) => [team.id, team.name]), value: values.team_id, error: errors.team_id })}
          ${select({ name: "category", label: "Which kind of decision?", options: (policy.categories || []).map((category) => [category.key, `${category.label} (now ${category.light})`]), value: values.category, error: errors.category, placeholder: "Choose a kind of decision" })}
          ${radios({ name: "light", legend: "Which light will the team try?", options: Object.entries(LIGHT_WORDS).map(([light, [name, , text]]) => [light, `${name}: ${text}`]), value: values.light, error: errors.light })}
          ${radios({ name: "months", legend: "How long will it run?", options: lengthOptions(today), value: values.months, error: errors.months })}
          ${textarea({ name: "reason", label: "Why is the team trying this?", labelClass: "govuk-label--s", hint: "For example, what the practice board agreed. Workers in the team can read it. Do not name a family or a person.", value: values.reason, error: errors.reason, rows: 4 })}
          ${select({ name: "suggestion_id", label: "Which practice suggestion led to this trial? (optional)", options: suggestionOptions(suggestions.items), value: values.suggestion_id, error: errors.suggestion_id, placeholder: NO_SUGGESTION })}
          ${button("Start the trial")}
        </form>
      </div></div>
    </div>`,
  );
  context.enhance();
  if (Object.keys(errors).length) focusErrorSummary(main);
  main.querySelector("#trial-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = formValues(event.target);
    const problems = checkTrial(next, labels);
    if (Object.keys(problems).length) return newTrialView(context, next, problems);
    try {
      await online(session);
      const trial = await post("/api/decision-policy/trials", {
        team_id: next.team_id,
        category: next.category,
        light: next.light,
        ends_on: endsAfter(today, Number(next.months)),
        reason: next.reason.trim(),
        suggestion_id: next.suggestion_id || null,
      });
      flash = `The trial has started: ‘${labels[trial.category]?.label || trial.category}’ is ${trial.light} for ${trial.team_name} up to and including ${formatDate(lastDayOf(trial))}.`;
      return context.go("#/policy/trials");
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.errors) {
        const fields = {};
        for (const [name, messages] of Object.entries(error.errors)) {
          fields[SERVER_FIELDS[name] || "reason"] = [].concat(messages)[0];
        }
        return newTrialView(context, next, fields);
      }
      if (error instanceof ApiError && error.status === 409) {
        return newTrialView(context, next, { category: error.message }); // a trial of this kind already runs then
      }
      return newTrialView(context, next, { reason: problemText(error, "the trial was not started") });
    }
  });
  return null;
}
