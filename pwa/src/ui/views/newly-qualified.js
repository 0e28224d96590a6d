// Narrower lights for newly qualified workers, a team setting the practice
// lead keeps: in their first year since qualifying (the day an admin records
// on their account), a worker in the team gets, for the kinds of decision
// chosen, a light that asks for more supervision than the council's, so they
// try their judgment with a supervisor beside them. A narrower light never
// removes supervision. Online only: the settings are kept on the server, and
// each device gets them at its next sync.

import { Offline, SessionEnded, get, hasCsrfToken, request } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, select, textarea, focusBanner } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime, tag } from "../layout.js";
import { successBanner } from "../screen.js";
import { t } from "../../i18n.js";

const MAX_REASON = 2000;
const STRICTNESS = { green: 0, yellow: 1, red: 2 };

/** A light's name in the app's language: "Green". */
function lightWord(light) {
  return { green: t("Green"), yellow: t("Yellow"), red: t("Red") }[light] || light;
}

/** The lights narrower than a council's, as choices. */
function narrower() {
  return [
    ["yellow", t("Yellow: their supervisor discusses it")],
    ["red", t("Red: a supervisor must approve it first")],
  ];
}

let flash = "";

function lightTag(light) {
  return tag(lightWord(light), Object.hasOwn(STRICTNESS, light) ? light : "grey");
}

function problemText(error, what) {
  if (error instanceof Offline) return t("You are offline, so {what}. These settings are kept on the server: try again when you have a connection.", { what });
  if (error instanceof SessionEnded) return t("Your session with the server has ended, so {what}. Sign out and sign in again.", { what });
  return t("Sorry, {what}: {reason}", { what, reason: error.message });
}

function notForYou(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Newly qualified workers")}</h1>
      <p class="govuk-body">${t("Your council's practice lead sets the lights for newly qualified workers. If they apply to you, you see them when you log a judgment.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to the start page")}</a></p>`,
  );
}

function intro() {
  return html`<p class="govuk-body">${t("In their first year since qualifying, a worker can have narrower lights for some kinds of decision: a green decision for others can be yellow for them, so their supervisor talks it through with them. Each team chooses its own. An admin records the day each worker qualified on their account.")}</p>`;
}

function narrowedText(setting, labels) {
  const entries = setting?.categories || [];
  if (!entries.length) return html`${t("The same as other workers")}`;
  return html`<ul class="govuk-list">${entries.map((entry) => html`<li>${labels[entry.key]?.label || entry.key}: ${lightTag(entry.light)}</li>`)}</ul>`;
}

/** Each team's narrower lights for newly qualified workers, with a link to change them. */
export async function newlyQualifiedView(context) {
  const { main, user } = context;
  if (user?.role !== "practice_lead") return notForYou(main);
  let teams;
  let policy;
  try {
    [teams, policy] = await Promise.all([get("/api/decision-policy/newly-qualified"), get("/api/decision-policy")]);
  } catch (error) {
    mount(main, html`<h1 class="govuk-heading-l">${t("Newly qualified workers")}</h1><p class="govuk-body" id="nq-problem">${problemText(error, t("the teams' settings could not be loaded"))}</p>`);
    return null;
  }
  const labels = Object.fromEntries((policy.categories || []).map((category) => [category.key, category]));
  const shown = flash;
  flash = "";
  mount(
    main,
    html`<div id="newly-qualified-page">
      ${shown ? successBanner(shown) : ""}
      <h1 class="govuk-heading-l">${t("Newly qualified workers")}</h1>
      ${intro()}
      <dl class="govuk-summary-list" id="nq-teams">
        ${teams.map(
          (team) => html`<div class="govuk-summary-list__row" data-team="${team.team_id}">
            <dt class="govuk-summary-list__key">${team.team_name}</dt>
            <dd class="govuk-summary-list__value">${narrowedText(team.setting, labels)}</dd>
            <dd class="govuk-summary-list__actions"><a class="govuk-link" href="#/policy/newly-qualified/${team.team_id}">${t("Change")}<span class="govuk-visually-hidden"> ${t("{team}'s lights for newly qualified workers", { team: team.team_name })}</span></a></dd>
          </div>`,
        )}
      </dl>
    </div>`,
  );
  context.enhance();
  if (shown) focusBanner(main);
  return null;
}

/** Change one team's narrower lights: for each kind of decision, the same or narrower, and why. */
export async function newlyQualifiedTeamView(context, values = null, errors = {}) {
  const { main, session, user, params } = context;
  if (user?.role !== "practice_lead") return notForYou(main);
  const [teamId] = params;
  let teams;
  let policy;
  try {
    [teams, policy] = await Promise.all([get("/api/decision-policy/newly-qualified"), get("/api/decision-policy")]);
  } catch (error) {
    mount(main, html`${backLink("#/policy/newly-qualified", t("Back to newly qualified workers"))}<h1 class="govuk-heading-l">${t("Newly qualified workers")}</h1><p class="govuk-body" id="nq-problem">${problemText(error, t("the team's settings could not be loaded"))}</p>`);
    return null;
  }
  const team = teams.find((entry) => entry.team_id === teamId);
  if (!team) {
    mount(main, html`<h1 class="govuk-heading-l">${t("Page not found")}</h1><p class="govuk-body"><a class="govuk-link" href="#/policy/newly-qualified">${t("Go to newly qualified workers")}</a></p>`);
    return null;
  }
  const current = Object.fromEntries((team.setting?.categories || []).map((entry) => [entry.key, entry.light]));
  const chosen = values || Object.fromEntries(Object.entries(current).map(([key, light]) => [`light-${key}`, light]));
  const categories = policy.categories || [];
  mount(
    main,
    html`<div id="newly-qualified-team-page">
      ${backLink("#/policy/newly-qualified", t("Back to newly qualified workers"))}
      ${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("{team}: lights for newly qualified workers", { team: team.team_name })}</h1>
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        ${intro()}
        ${team.setting ? html`<p class="govuk-body">${t("Last changed {when}.", { when: formatDateTime(team.setting.updated_at) })}${team.setting.reason ? html` ${t("Why: {reason}", { reason: team.setting.reason })}` : ""}</p>` : ""}
        <form id="nq-form" novalidate>
          ${categories.map((category) => {
            const options = narrower().filter(([light]) => STRICTNESS[light] > STRICTNESS[category.light]);
            if (!options.length) {
              return html`<p class="govuk-body"><span class="govuk-!-font-weight-bold">${category.label}</span>: ${t("red for everyone already.")}</p>`;
            }
            return select({
              name: `light-${category.key}`,
              label: category.label,
              hint: t("For other workers: {light}.", { light: lightWord(category.light).toLowerCase() }),
              options,
              value: chosen[`light-${category.key}`] || "",
              error: errors[`light-${category.key}`],
              placeholder: t("The same as other workers ({light})", { light: lightWord(category.light).toLowerCase() }),
            });
          })}
          ${textarea({ name: "reason", label: t("Why are you changing these lights?"), labelClass: "govuk-label--s", hint: t("It is kept with the setting and in the audit log. Do not name a worker."), value: chosen.reason, error: errors.reason, rows: 3 })}
          ${button(t("Save the team's lights"))}
        </form>
      </div></div>
    </div>`,
  );
  context.enhance();
  if (Object.keys(errors).length) focusErrorSummary(main);
  main.querySelector("#nq-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = formValues(event.target);
    const reason = (next.reason || "").trim();
    const problems = {};
    if (!reason) problems.reason = t("Enter why you are changing this team's lights");
    else if (reason.length > MAX_REASON) problems.reason = t("The reason must be {max} characters or fewer", { max: MAX_REASON });
    if (Object.keys(problems).length) return newlyQualifiedTeamView(context, next, problems);
    const narrowed = categories.filter((category) => next[`light-${category.key}`]).map((category) => ({ key: category.key, light: next[`light-${category.key}`] }));
    try {
      if (!hasCsrfToken()) await session.resumeServerSession(true);
      await request("PUT", `/api/decision-policy/newly-qualified/${teamId}`, { categories: narrowed, reason });
      flash = t("{team}'s lights for newly qualified workers are saved. Their devices use them from their next sync.", { team: team.team_name });
      return context.go("#/policy/newly-qualified");
    } catch (error) {
      return newlyQualifiedTeamView(context, next, { reason: problemText(error, t("the lights were not saved")) });
    }
  });
  return null;
}
