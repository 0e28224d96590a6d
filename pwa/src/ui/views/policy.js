// The council's decision policy: each kind of decision and its light (green,
// yellow, red). The practice lead (a principal social worker or head of
// service) owns it, and changes it in three steps, as GOV.UK services do: edit
// it and say why, check a plain-English list of what changes, then publish a
// new version, which the server keeps with the reason. Judgment entries keep
// the version they were logged under, and workers' devices get the new one at
// their next sync. Each version says who published it, why, and the practice
// suggestion it answers, if one led to it. Online only for the practice lead:
// the versions are read from the server, not the device. Supervisors and admins
// read the policy in force (read only), from the server when online and from
// their device's copy when not. Trials for one team and newly qualified
// workers' lights have their own screens (trials.js, newly-qualified.js).

import { LIGHT_CHOICES, describeChanges, policyChanges, readPolicyForm, unchanged } from "../../domain/policy.js";
import { ApiError, Offline, SessionEnded, get, hasCsrfToken, post } from "../../sync/api.js";
import { button, errorSummary, focusOn, radios, select, textInput, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDate, formatDateTime, tag } from "../layout.js";
import { lastDayOf } from "../../domain/team-lights.js";
import { todayIso } from "../../clock.js";
import { Screen } from "../screen.js";
import { noSuggestion, suggestionOptions } from "../suggestion-options.js";
import { N_, t, tn } from "../../i18n.js";

const DRAFT_KEY = "decision-policy";
const LIGHT_TAG = { green: [N_("Green"), "green"], yellow: [N_("Yellow"), "yellow"], red: [N_("Red"), "red"] };
export const MAX_REASON = 2000;
// Who approves a red decision made in group supervision, as the policy names it.
const GROUP_APPROVERS = [
  ["facilitator", N_("The supervisor who facilitated the session")],
  ["another_supervisor", N_("Another supervisor of the team, not the one who recorded it")],
];
const DEFAULT_GROUP_APPROVER = "facilitator";

function groupApproverText(code) {
  return t((GROUP_APPROVERS.find(([value]) => value === code) || GROUP_APPROVERS[0])[1]);
}

function groupApproverRow(version) {
  return html`<p class="govuk-body" id="group-approver">${t("Red decisions made in group supervision are approved by: {approver}.", { approver: groupApproverText(version?.group_supervision_approver) })}</p>`;
}

const lightsExplained = () =>
  t("Each kind of professional decision has a light. Green: the worker decides and logs it. Yellow: the worker decides and their supervisor discusses it. Red: a supervisor must approve it before the worker acts.");

function lightTag(light) {
  const [text, colour] = LIGHT_TAG[light] || [light, "grey"];
  return tag(t(text), colour);
}

function categoriesTable(categories, caption, { keys = true } = {}) {
  return html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">${t("Kind of decision")}</th>
      ${keys ? html`<th scope="col" class="govuk-table__header">${t("Key")}</th>` : ""}
      <th scope="col" class="govuk-table__header">${t("Light")}</th>
    </tr></thead>
    <tbody class="govuk-table__body">
      ${categories.map(
        (category) => html`<tr class="govuk-table__row">
          <td class="govuk-table__cell">${category.label}</td>
          ${keys ? html`<td class="govuk-table__cell"><code>${category.key}</code></td>` : ""}
          <td class="govuk-table__cell">${lightTag(category.light)}${category.urgent ? html` ${tag(t("Urgent"), "purple")}` : ""}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function publishedBy(context, version) {
  const when = version.created_at ? formatDateTime(version.created_at) : "";
  const who = version.created_by_name || (version.created_by_id ? context.staffName(version.created_by_id) : "");
  return [when && t("published {moment}", { moment: when }), who && t("by {person}", { person: who })].filter(Boolean).join(" ");
}

function reasonText(version) {
  const suggestion = version.suggestion_id
    ? html`<br><span class="govuk-!-font-weight-bold">${t("From the suggestion:")}</span> <a class="govuk-link" href="#/suggestions/${version.suggestion_id}">${version.suggestion_title || t("a practice suggestion")}</a>`
    : "";
  return version.reason
    ? html`<div class="govuk-inset-text app-pre-wrap"><span class="govuk-!-font-weight-bold">${t("Why it changed:")}</span> ${version.reason}${suggestion}</div>`
    : "";
}

function earlierVersions(context, versions, options) {
  return html`<h2 class="govuk-heading-m govuk-!-margin-top-8">${t("Earlier versions")}</h2>
    ${versions.length
      ? versions.map(
          (version) => html`<details class="govuk-details">
            <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("Version {number}", { number: version.version })}${publishedBy(context, version) ? `, ${publishedBy(context, version)}` : ""}</span></summary>
            <div class="govuk-details__text">${reasonText(version)}${categoriesTable(version.categories, t("The kinds of decision in version {number}", { number: version.version }), options)}</div>
          </details>`,
        )
      : html`<p class="govuk-body">${t("There are no earlier versions.")}</p>`}`;
}

function editForm(current, newRows, errors, suggestions, approver) {
  return html`<form id="policy-form" novalidate>
    <h2 class="govuk-heading-m">${t("Change the policy")}</h2>
    <p class="govuk-body">${t("You will see what changes before you publish. Publishing makes a new version for the whole council. Decisions already logged keep the version they were logged under; new decisions use the new one from each device's next sync.")}</p>
    ${current.map(
      (category, index) => html`<fieldset class="govuk-fieldset app-policy-category" aria-describedby="key-${index}">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${category.label}</legend>
        <p class="govuk-hint" id="key-${index}">${t("Key: {key} (kept, so decisions logged under it still match)", { key: category.key })}</p>
        ${textInput({ name: `label-${index}`, label: t("Name"), value: category.label, error: errors[`label-${index}`] })}
        ${select({ name: `light-${index}`, label: t("Light"), options: LIGHT_CHOICES, value: category.light, error: errors[`light-${index}`], placeholder: t("Choose a light") })}
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="urgent-${index}" name="urgent-${index}" type="checkbox" value="yes" ${category.urgent ? html`checked` : ""}>
            <label class="govuk-label govuk-checkboxes__label" for="urgent-${index}">${t("Urgent: show the numbers to phone, and let a supervisor agree it by phone")}</label>
          </div>
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="remove-${index}" name="remove-${index}" type="checkbox" value="yes">
            <label class="govuk-label govuk-checkboxes__label" for="remove-${index}">${t("Remove ‘{name}’ from the policy", { name: category.label })}</label>
          </div>
        </div></div>
      </fieldset>`,
    )}
    ${Array.from({ length: newRows }, (_, row) => html`<fieldset class="govuk-fieldset app-policy-category">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${newRows > 1 ? t("New category {number}", { number: row + 1 }) : t("New category")}</legend>
        ${textInput({ name: `new-label-${row}`, label: t("Name"), hint: t("The kind of decision, as workers will see it. For example, ‘Leave a child at home alone’."), error: errors[`new-label-${row}`] })}
        ${textInput({ name: `new-key-${row}`, label: t("Key (optional)"), hint: t("Lower-case letters, numbers and underscores. Left empty, it is made from the name."), error: errors[`new-key-${row}`], width: 20, spellcheck: false })}
        ${select({ name: `new-light-${row}`, label: t("Light"), options: LIGHT_CHOICES, error: errors[`new-light-${row}`], placeholder: t("Choose a light") })}
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="new-urgent-${row}" name="new-urgent-${row}" type="checkbox" value="yes">
            <label class="govuk-label govuk-checkboxes__label" for="new-urgent-${row}">${t("Urgent: show the numbers to phone, and let a supervisor agree it by phone")}</label>
          </div>
        </div></div>
      </fieldset>`)}
    <button type="button" class="govuk-button govuk-button--secondary" data-policy-action="add-row">${t("Add another category")}</button>
    ${radios({ name: "group_supervision_approver", legend: t("Who approves a red decision made in group supervision?"), hint: t("The facilitator records the group's decision, so someone must be named to approve or decline it."), options: GROUP_APPROVERS, value: approver || DEFAULT_GROUP_APPROVER, error: errors.group_supervision_approver })}
    ${textarea({ name: "reason", label: t("Why are you changing the policy?"), labelClass: "govuk-label--s", hint: t("For example, what the practice board agreed and when. It is kept with the new version and in the audit log, and everyone who reads the policy can see it. Do not name a family or a person."), error: errors.reason, rows: 4 })}
    ${select({ name: "suggestion_id", label: t("Which practice suggestion led to this change? (optional)"), hint: t("The suggestion is linked from the new version, so whoever made it can see what became of it."), options: suggestionOptions(suggestions), error: errors.suggestion_id, placeholder: noSuggestion() })}
    <p class="app-draft-saved" id="policy-draft" aria-live="polite"></p>
    <div class="govuk-button-group">${button(t("Continue"))}</div>
  </form>`;
}

function changesList(lines) {
  return html`<dl class="govuk-summary-list" id="policy-changes">
    ${lines.map(
      (line) => html`<div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">${line.label}</dt>
        <dd class="govuk-summary-list__value">${line.text}</dd>
      </div>`,
    )}
  </dl>`;
}

function checkPage(pending) {
  return html`<div id="policy-page">
    <a href="#/policy" class="govuk-back-link" data-policy-action="back">${t("Back")}</a>
    <h1 class="govuk-heading-l" tabindex="-1">${t("Check the changes before you publish")}</h1>
    <h2 class="govuk-heading-m">${t("What changes in version {number}", { number: pending.version })}</h2>
    ${changesList(pending.lines)}
    <h2 class="govuk-heading-m">${t("Why")}</h2>
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">${t("Reason")}</dt>
        <dd class="govuk-summary-list__value app-pre-wrap" id="policy-reason">${pending.reason}</dd>
        <dd class="govuk-summary-list__actions">
          <a class="govuk-link" href="#/policy" data-policy-action="change-reason">${t("Change")}<span class="govuk-visually-hidden"> ${t("the reason")}</span></a>
        </dd>
      </div>
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">${t("From the suggestion")}</dt>
        <dd class="govuk-summary-list__value" id="policy-suggestion">${pending.suggestionTitle || t("None")}</dd>
        <dd class="govuk-summary-list__actions">
          <a class="govuk-link" href="#/policy" data-policy-action="change-suggestion">${t("Change")}<span class="govuk-visually-hidden"> ${t("the suggestion")}</span></a>
        </dd>
      </div>
    </dl>
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>
        ${t("Version {number} will be the decision policy for the whole council. Workers' devices use it from their next sync.", { number: pending.version })}</strong>
    </div>
    ${pending.problem
      ? html`<div class="govuk-warning-text" id="policy-problem">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${pending.problem}</strong>
        </div>`
      : ""}
    <form id="publish-form" novalidate>
      <div class="govuk-button-group">
        ${button(t("Publish version {number}", { number: pending.version }))}
        <a class="govuk-link" href="#/policy" data-policy-action="back">${t("Go back and change the policy")}</a>
      </div>
    </form>
  </div>`;
}

function publishedBanner(published) {
  if (!published) {
    return "";
  }
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
      aria-labelledby="published-title" data-module="govuk-notification-banner" tabindex="-1">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="published-title">${t("Success")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${t("Version {number} of the decision policy is published", { number: published.version })}</p>
      <p class="govuk-body">${t("What changed:")}</p>
      <ul class="govuk-list govuk-list--bullet" id="published-changes">
        ${published.lines.map((line) => html`<li>${line.sentence}</li>`)}
      </ul>
      <p class="govuk-body">${t("Workers' devices get it at their next sync. Decisions already logged keep the version they were logged under.")}</p>
    </div>
  </div>`;
}

function problemText(error, what) {
  if (error instanceof Offline) {
    return t("There is no connection, so {what}. The decision policy can only be changed online.", { what });
  }
  if (error instanceof SessionEnded) {
    return t("Your session with the server has ended, so {what}. Sign out and sign in again.", { what });
  }
  return t("Sorry, {what}: {reason}", { what, reason: error.message });
}

/** The trials running or planned in the reader's own team, from the device's copy. */
function teamTrials(context) {
  const teamId = context.user?.team_id;
  const today = todayIso();
  const trials = (context.data?.all("policy_trial") || []).filter((trial) => teamId && trial.team_id === teamId && trial.ends_on > today);
  if (!trials.length) return "";
  const policy = [...(context.data?.all("decision_policy") || [])].sort((a, b) => (b.version || 0) - (a.version || 0))[0];
  const label = (key) => policy?.categories?.find((category) => category.key === key)?.label || key;
  return html`<div class="govuk-inset-text" id="team-trials">
    <p class="govuk-body govuk-!-font-weight-bold">${t("Trials in your team")}</p>
    <ul class="govuk-list govuk-list--bullet">
      ${trials.map((trial) => html`<li>${t("‘{name}’ is {light} from {start} up to and including {end}.", { name: label(trial.category), light: t(LIGHT_TAG[trial.light]?.[0] || trial.light).toLowerCase(), start: formatDate(trial.starts_on), end: formatDate(lastDayOf(trial)) })}</li>`)}
    </ul>
  </div>`;
}

function notForCaseworkers(main) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Decision policy")}</h1>
      <p class="govuk-body">${t("Your council's practice lead sets the decision policy. You see the light of each kind of decision when you log a judgment.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}

export async function policyView(context) {
  const { user } = context;
  if (user?.role === "supervisor" || user?.role === "admin") {
    return policyReadView(context);
  }
  if (user?.role !== "practice_lead") {
    return notForCaseworkers(context.main);
  }
  return policyEditView(context);
}

/** The policy in force and its history, read only: for supervisors and admins. */
async function policyReadView(context) {
  const { main, session, data } = context;
  let versions;
  let note = "";
  try {
    if (!hasCsrfToken()) {
      await session.resumeServerSession(true);
    }
    versions = await get("/api/decision-policy/versions");
  } catch (error) {
    // Offline or signed out of the server: the copy this device got at its last sync.
    versions = [...(data?.all("decision_policy") || [])].sort((a, b) => (b.version || 0) - (a.version || 0));
    note = error instanceof Offline
      ? t("You are offline, so this is the policy as this device last synced it.")
      : t("The server could not be reached, so this is the policy as this device last synced it.");
  }
  const current = versions[0] || null;
  mount(
    main,
    html`<div id="policy-page">
      <h1 class="govuk-heading-l">${t("Decision policy")}</h1>
      <p class="govuk-body">${lightsExplained()}</p>
      <p class="govuk-body">${t("Your council's practice lead sets the policy. This page shows the version in force, to read.")}</p>
      ${context.user?.role === "admin" ? html`<p class="govuk-body"><a class="govuk-link" href="#/urgent-numbers" id="urgent-numbers-link">${t("Set the numbers to phone when a child may be at immediate risk")}</a></p>` : ""}
      ${teamTrials(context)}
      ${note ? html`<div class="govuk-inset-text" id="policy-note">${note}</div>` : ""}
      <h2 class="govuk-heading-m" id="current-version">${current ? t("Version {number} is in use", { number: current.version }) : t("No policy published yet")}</h2>
      ${current
        ? html`${publishedBy(context, current) ? html`<p class="govuk-body">${t("This version was {published}.", { published: publishedBy(context, current) })}</p>` : ""}
            ${reasonText(current)}
            ${categoriesTable(current.categories, tn("The {count} kind of decision in version {number}", "The {count} kinds of decision in version {number}", current.categories.length, { number: current.version }), { keys: false })}
            ${groupApproverRow(current)}`
        : html`<p class="govuk-body">${t("Until a policy is published, every decision is yellow: the worker decides and their supervisor discusses it.")}</p>`}
      ${earlierVersions(context, versions.slice(1), { keys: false })}
    </div>`,
  );
  return null;
}

/** Edit, check and publish a new version: for the practice lead. */
async function policyEditView(context) {
  const { main, session } = context;
  const draft = await session.loadDraft(DRAFT_KEY).catch(() => null);
  const state = {
    step: "edit", // edit, then check, then back to edit with the published banner
    versions: null,
    suggestions: [],
    loadProblem: "",
    problem: "",
    published: null,
    pending: null, // {categories, reason, lines, version, values, problem}
    errors: {},
    newRows: Math.max(1, Object.keys(draft || {}).filter((name) => name.startsWith("new-label-")).length),
    sending: false,
  };
  const screen = new Screen(context, "policy-page");

  async function load() {
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      const [versions, suggestions] = await Promise.all([get("/api/decision-policy/versions"), get("/api/suggestions?page=1&page_size=200")]);
      state.versions = versions;
      state.suggestions = suggestions.items || [];
      state.loadProblem = "";
    } catch (error) {
      state.loadProblem = problemText(error, t("the decision policy could not be loaded"));
    }
  }

  function editPage() {
    const versions = state.versions || [];
    const current = versions[0] || null;
    const categories = current?.categories || [];
    return html`<div id="policy-page">
      ${errorSummary(state.errors)}
      ${publishedBanner(state.published)}
      <h1 class="govuk-heading-l">${t("Decision policy")}</h1>
      <p class="govuk-body">${lightsExplained()}</p>
      <p class="govuk-body">${t("You can also")} <a class="govuk-link" href="#/policy/trials">${t("try a different light in one team")}</a> ${t("for a set time, or")} <a class="govuk-link" href="#/policy/newly-qualified">${t("give newly qualified workers narrower lights")}</a>.</p>
      <p class="govuk-body"><a class="govuk-link" href="#/urgent-numbers" id="urgent-numbers-link">${t("Set the numbers to phone when a child may be at immediate risk")}</a></p>
      ${state.problem || state.loadProblem
        ? html`<div class="govuk-warning-text" id="policy-problem">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${state.problem || state.loadProblem}</strong>
          </div>
          ${state.loadProblem ? html`<button type="button" class="govuk-button govuk-button--secondary" data-policy-action="reload">${t("Try again")}</button>` : ""}`
        : ""}
      ${state.versions === null
        ? ""
        : html`<h2 class="govuk-heading-m" id="current-version">${current ? t("Version {number} is in use", { number: current.version }) : t("No policy published yet")}</h2>
          ${current
            ? html`<p class="govuk-body">${publishedBy(context, current)}.</p>${reasonText(current)}${categoriesTable(categories, tn("The {count} kind of decision in version {number}", "The {count} kinds of decision in version {number}", categories.length, { number: current.version }))}`
            : html`<p class="govuk-body">${t("Until a policy is published, every decision is yellow: the worker decides and their supervisor discusses it.")}</p>`}
          ${current ? groupApproverRow(current) : ""}
          ${editForm(categories, state.newRows, state.errors, state.suggestions, current?.group_supervision_approver)}
          ${earlierVersions(context, versions.slice(1))}`}
    </div>`;
  }

  function wire(root) {
    const form = root.querySelector("#policy-form");
    if (form) {
      screen.typed.watch(form, DRAFT_KEY, root.querySelector("#policy-draft"));
      form.addEventListener("submit", onContinue);
    }
    root.querySelector("#publish-form")?.addEventListener("submit", onPublish);
    root.addEventListener("click", onClick);
  }

  function draw(options = {}) {
    return screen.draw(state.step === "check" ? checkPage(state.pending) : editPage(), { wire, ...options });
  }

  function backToEdit(selector) {
    const values = state.pending?.values;
    state.step = "edit";
    draw({ afterSubmit: true, drafts: values ? { "policy-form": values } : null });
    focusOn(main, selector);
  }

  async function onClick(event) {
    const action = event.target.closest("[data-policy-action]")?.dataset.policyAction;
    if (!action) {
      return;
    }
    event.preventDefault();
    if (action === "add-row") {
      state.newRows += 1;
      draw({ afterSubmit: true });
      focusOn(main, `#new-label-${state.newRows - 1}`);
    } else if (action === "reload") {
      await load();
      draw({ afterSubmit: true });
      focusOn(main, "h1");
    } else if (action === "back") {
      backToEdit("#policy-form h2");
    } else if (action === "change-reason") {
      backToEdit("#reason");
    } else if (action === "change-suggestion") {
      backToEdit("#suggestion_id");
    }
  }

  function readForm(form) {
    const values = {};
    for (const element of form.elements) {
      if (!element.name) continue;
      if (element.type === "checkbox") {
        values[element.name] = [...(values[element.name] || []), ...(element.checked ? [element.value] : [])];
      } else if (element.type === "radio") {
        if (element.checked) values[element.name] = element.value;
      } else {
        values[element.name] = element.value;
      }
    }
    return values;
  }

  async function onContinue(event) {
    event.preventDefault();
    const values = readForm(event.target);
    const current = state.versions?.[0]?.categories || [];
    const { categories, errors } = readPolicyForm(values, current, state.newRows);
    const reason = (values.reason || "").trim();
    if (!reason) {
      errors.reason = t("Enter why you are changing the policy");
    } else if (reason.length > MAX_REASON) {
      errors.reason = t("The reason must be {count} characters or fewer", { count: MAX_REASON });
    }
    const approverBefore = state.versions?.[0]?.group_supervision_approver || DEFAULT_GROUP_APPROVER;
    const approver = values.group_supervision_approver || approverBefore;
    const approverLines =
      approver === approverBefore
        ? []
        : [
            {
              label: t("Red decisions made in group supervision"),
              text: t("Approved by: {approver} (was: {before})", { approver: groupApproverText(approver), before: groupApproverText(approverBefore) }),
              sentence: t("Red decisions made in group supervision are now approved by: {approver}.", { approver: groupApproverText(approver).toLowerCase() }),
            },
          ];
    if (!Object.keys(errors).length && current.length && unchanged(policyChanges(current, categories)) && !approverLines.length) {
      errors["label-0"] = t("You have not changed the policy: change a name or a light, remove a category, add one, or change who approves group decisions");
    }
    state.published = null;
    state.problem = "";
    state.errors = errors;
    await session.saveDraft(DRAFT_KEY, values).catch(() => {});
    if (Object.keys(errors).length) {
      draw({ afterSubmit: true });
      return focusOn(main, ".govuk-error-summary");
    }
    const suggestion = state.suggestions.find((item) => item.id === values.suggestion_id);
    state.pending = {
      categories,
      reason,
      suggestionId: suggestion?.id || null,
      suggestionTitle: suggestion?.title || "",
      values,
      lines: [...describeChanges(current, categories), ...approverLines],
      approver,
      version: (state.versions?.[0]?.version || 0) + 1,
      problem: "",
    };
    state.step = "check";
    draw({ afterSubmit: true });
    focusOn(main, "h1");
  }

  async function onPublish(event) {
    event.preventDefault();
    if (state.sending || !state.pending) {
      return;
    }
    state.sending = true;
    const pending = state.pending;
    pending.problem = "";
    try {
      if (!hasCsrfToken()) {
        await session.resumeServerSession(true);
      }
      const published = await post("/api/decision-policy", {
        categories: pending.categories,
        reason: pending.reason,
        suggestion_id: pending.suggestionId,
        group_supervision_approver: pending.approver,
      });
      await screen.typed.forget("policy-form");
      await session.deleteDraft(DRAFT_KEY).catch(() => {});
      state.versions = [published, ...(state.versions || [])];
      state.newRows = 1;
      state.errors = {};
      state.pending = null;
      state.step = "edit";
      state.published = { version: published.version, lines: pending.lines };
      draw({ afterSubmit: true, justSaved: ["policy-form"] });
      focusOn(main, ".govuk-notification-banner");
      load().then(() => draw({ quiet: true })); // the history as the server holds it
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const fields = error.errors || {};
        state.errors = fields.reason
          ? { reason: [].concat(fields.reason)[0] }
          : { "new-label-0": t("The server refused this policy: {reason}", { reason: flatten(fields).join(" ") || error.message }) };
        backToEdit(".govuk-error-summary");
        return;
      }
      pending.problem = problemText(error, t("the new version was not published"));
      draw({ afterSubmit: true });
      focusOn(main, "#policy-problem");
    } finally {
      state.sending = false;
    }
  }

  await load();
  draw({ drafts: { "policy-form": draft } });
  return () => screen.stop();
}

function flatten(errors) {
  if (typeof errors === "string") return [errors];
  if (Array.isArray(errors)) return errors.flatMap(flatten);
  if (errors && typeof errors === "object") return Object.values(errors).flatMap(flatten);
  return [];
}
