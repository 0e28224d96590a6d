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
import { noSuggestion, suggestionOptions } from "../suggestion-options.js";
import { t, tn } from "../../i18n.js";

const MAX_REASON = 2000;
const LENGTHS = [1, 3, 6]; // months
const LIGHT_WORDS = {
  green: { get name() { return t("Green"); }, colour: "green", get text() { return t("the worker decides and logs it"); } },
  yellow: { get name() { return t("Yellow"); }, colour: "yellow", get text() { return t("the worker decides; their supervisor discusses it"); } },
  red: { get name() { return t("Red"); }, colour: "red", get text() { return t("a supervisor must approve it before the worker acts"); } },
};
const STATES = {
  running: { get name() { return t("Running"); }, colour: "green" },
  planned: { get name() { return t("Planned"); }, colour: "blue" },
  ended: { get name() { return t("Ended"); }, colour: "grey" },
};
const SUPPRESSED = "c";

let flash = "";

function lightTag(light) {
  const shown = LIGHT_WORDS[light];
  return shown ? tag(shown.name, shown.colour) : tag(light, "grey");
}

function problemText(error, what) {
  if (error instanceof Offline) return t("You are offline, so {what}. Trials are kept on the server: try again when you have a connection.", { what });
  if (error instanceof SessionEnded) return t("Your session with the server has ended, so {what}. Sign out and sign in again.", { what });
  return t("Sorry, {what}: {reason}", { what, reason: error.message });
}

function notForYou(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Trials of the decision policy")}</h1>
      <p class="govuk-body">${t("Your council's practice lead runs trials of the decision policy. When your team is in one, you see its light when you log a judgment.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to the start page")}</a></p>`,
  );
}

async function online(session) {
  if (!hasCsrfToken()) await session.resumeServerSession(true);
}

function labelsOf(policy) {
  return Object.fromEntries((policy?.categories || []).map((category) => [category.key, category]));
}

function count(value) {
  return value === SUPPRESSED ? html`<abbr title="${t("Not shown: a small number")}">c</abbr>` : String(value ?? 0);
}

/** The sentence on small numbers, with its "c" marked up wherever the language puts it. */
function suppressedNote() {
  // t() leaves a placeholder it is not given, so the sentence is split at it.
  const [before, after = ""] = t("Counts of 1 to 5, and any that would give one away, are shown as {c}, as in the service summary.").split("{c}");
  return html`${before}${count(SUPPRESSED)}${after}`;
}

function countsTable(trial) {
  const counts = trial.counts || {};
  return html`<table class="govuk-table" data-trial-counts>
    <caption class="govuk-table__caption govuk-table__caption--s">${trial.state === "planned" ? t("Decisions of this kind signed since it was planned") : t("Decisions of this kind signed while it ran")}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("Who")}</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">${t("Decisions")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${t("{team} (in the trial)", { team: trial.team_name })}</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.team)}</td></tr>
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${t("The rest of the council")}</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.rest_of_council)}</td></tr>
      <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${t("The whole council")}</th><td class="govuk-table__cell govuk-table__cell--numeric">${count(counts.council)}</td></tr>
    </tbody>
  </table>`;
}

function row(key, value) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`;
}

function endForm(trial, errors) {
  const id = `end-reason-${trial.id}`;
  return html`<details class="govuk-details" ${errors[id] ? "open" : ""}>
    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("End this trial early")}</span></summary>
    <div class="govuk-details__text">
      <form id="end-form-${trial.id}" data-end-trial="${trial.id}" novalidate>
        ${textarea({ name: "reason", id, label: t("Why are you ending this trial early?"), hint: t("It is kept with the trial and in the audit log. Do not name a family or a person."), rows: 3, error: errors[id] })}
        ${button(t("End this trial today"), { warning: true })}
      </form>
    </div>
  </details>`;
}

function trialCard(trial, labels, errors) {
  const category = labels[trial.category];
  const name = category?.label || trial.category;
  const [stateText, stateColour] = STATES[trial.state] ? [STATES[trial.state].name, STATES[trial.state].colour] : [trial.state, "grey"];
  return html`<div class="govuk-summary-card" data-trial="${trial.id}">
    <div class="govuk-summary-card__title-wrapper">
      <h3 class="govuk-summary-card__title">${t("‘{kind}’ in {team}", { kind: name, team: trial.team_name })}</h3>
    </div>
    <div class="govuk-summary-card__content">
      <dl class="govuk-summary-list">
        ${row(t("State"), tag(stateText, stateColour))}
        ${row(t("Light in the trial"), html`${lightTag(trial.light)} (${t("the council's:")} ${category ? lightTag(category.light) : t("not in the policy now")})`)}
        ${row(t("Runs"), t("From {start} up to and including {end}", { start: formatDate(trial.starts_on), end: formatDate(lastDayOf(trial)) }))}
        ${row(t("Why"), html`<span class="app-pre-wrap">${trial.reason}</span>`)}
        ${trial.suggestion_id ? row(t("From the suggestion"), html`<a class="govuk-link" href="#/suggestions/${trial.suggestion_id}">${t("Read the suggestion")}</a>`) : ""}
        ${trial.ended_early_reason ? row(t("Ended early because"), html`<span class="app-pre-wrap">${trial.ended_early_reason}</span>`) : ""}
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
    mount(main, html`<h1 class="govuk-heading-l">${t("Trials of the decision policy")}</h1><p class="govuk-body" id="trials-problem">${problemText(error, t("the trials could not be loaded"))}</p>`);
    return null;
  }
  const labels = labelsOf(policy);
  const shown = flash;
  flash = "";
  const groups = [
    [t("Running"), trials.filter((trial) => trial.state === "running")],
    [t("Planned"), trials.filter((trial) => trial.state === "planned")],
    [t("Ended"), trials.filter((trial) => trial.state === "ended")],
  ].filter(([, list]) => list.length);
  mount(
    main,
    html`<div id="trials-page">
      ${shown ? successBanner(shown) : ""}
      ${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("Trials of the decision policy")}</h1>
      <p class="govuk-body">${t("A trial gives one team a different light for one kind of decision, for a set time. Workers in that team see the trial's light when they log a decision, on their device from its next sync; no one else does. The trial ends by itself on its last day, and the council's light applies again.")}</p>
      <p class="govuk-body">${suppressedNote()}</p>
      <a class="govuk-button" href="#/policy/trials/new" role="button" draggable="false" data-module="govuk-button">${t("Start a trial")}</a>
      ${groups.length
        ? groups.map(([heading, list]) => html`<h2 class="govuk-heading-m">${heading}</h2>${list.map((trial) => trialCard(trial, labels, errors))}`)
        : html`<p class="govuk-body" id="no-trials">${t("There are no trials yet.")}</p>`}
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
      if (!reason) return trialsView(context, { [field]: t("Enter why you are ending the trial early") });
      if (reason.length > MAX_REASON) return trialsView(context, { [field]: t("The reason must be {max} characters or fewer", { max: MAX_REASON }) });
      try {
        await online(session);
        await post(`/api/decision-policy/trials/${id}/end`, { reason });
        flash = t("The trial has ended. The council's light applies in the team from today, on each device from its next sync.");
        return trialsView(context);
      } catch (error) {
        return trialsView(context, { [field]: problemText(error, t("the trial was not ended")) });
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
    return [String(months), tn("{count} month: up to and including {day}", "{count} months: up to and including {day}", months, { day: formatDate(last) })];
  });
}

function checkTrial(values, labels) {
  const errors = {};
  if (!values.team_id) errors.team_id = t("Choose the team that tries the light");
  if (!values.category) errors.category = t("Choose the kind of decision");
  if (!values.light) errors.light = t("Choose the light to try");
  else if (values.category && labels[values.category]?.light === values.light) {
    errors.light = t("{light} is already the council's light for ‘{kind}’: choose a different one", { light: LIGHT_WORDS[values.light].name, kind: labels[values.category].label });
  }
  if (!values.months) errors.months = t("Choose how long the trial runs");
  const reason = (values.reason || "").trim();
  if (!reason) errors.reason = t("Enter why you are starting this trial");
  else if (reason.length > MAX_REASON) errors.reason = t("The reason must be {max} characters or fewer", { max: MAX_REASON });
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
    mount(main, html`${backLink("#/policy/trials", t("Back to trials"))}<h1 class="govuk-heading-l">${t("Start a trial")}</h1><p class="govuk-body" id="trials-problem">${problemText(error, t("the form could not be loaded"))}</p>`);
    return null;
  }
  const labels = labelsOf(policy);
  const today = todayIso();
  mount(
    main,
    html`<div id="new-trial-page">
      ${backLink("#/policy/trials", t("Back to trials"))}
      ${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("Start a trial")}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">${t("The trial starts today. Workers in the team see its light from their device's next sync; it ends by itself.")}</p>
        <form id="trial-form" novalidate>
          ${radios({ name: "team_id", legend: t("Which team tries it?"), options: teams.map((team) => [team.id, team.name]), value: values.team_id, error: errors.team_id })}
          ${select({ name: "category", label: t("Which kind of decision?"), options: (policy.categories || []).map((category) => [category.key, t("{kind} (now {light})", { kind: category.label, light: (LIGHT_WORDS[category.light]?.name || category.light).toLowerCase() })]), value: values.category, error: errors.category, placeholder: t("Choose a kind of decision") })}
          ${radios({ name: "light", legend: t("Which light will the team try?"), options: Object.entries(LIGHT_WORDS).map(([light, { name, text }]) => [light, `${name}: ${text}`]), value: values.light, error: errors.light })}
          ${radios({ name: "months", legend: t("How long will it run?"), options: lengthOptions(today), value: values.months, error: errors.months })}
          ${textarea({ name: "reason", label: t("Why is the team trying this?"), labelClass: "govuk-label--s", hint: t("For example, what the practice board agreed. Workers in the team can read it. Do not name a family or a person."), value: values.reason, error: errors.reason, rows: 4 })}
          ${select({ name: "suggestion_id", label: t("Which practice suggestion led to this trial? (optional)"), options: suggestionOptions(suggestions.items), value: values.suggestion_id, error: errors.suggestion_id, placeholder: noSuggestion() })}
          ${button(t("Start the trial"))}
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
      flash = t("The trial has started: ‘{kind}’ is {light} for {team} up to and including {day}.", { kind: labels[trial.category]?.label || trial.category, light: (LIGHT_WORDS[trial.light]?.name || trial.light).toLowerCase(), team: trial.team_name, day: formatDate(lastDayOf(trial)) });
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
      return newTrialView(context, next, { reason: problemText(error, t("the trial was not started")) });
    }
  });
  return null;
}
