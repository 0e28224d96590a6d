// The family group conference workspace: the referral with the family's
// questions and the bottom lines, who from the network is invited, the stages,
// the plan the family makes in private family time, and its review. Each
// section is its own form, saved on its own with only the fields it changed;
// what the worker types is kept as a draft until it is saved.

import { attachmentsPanel } from "../attachments.js";
import {
  CONFERENCE_STATUSES,
  HELD_STATUSES,
  PLAN_ACTION_STATUSES,
  STAGE_DATES,
  baseVersion,
  changedFields,
  chosenInvitees,
  conferencesOf,
  inviteeChoices,
  inviteeKey,
  networkInvitees,
  planActionsOf,
  planStatusLabel,
  statusLabel,
} from "../../domain/conference.js";
import { newId } from "../../domain/ids.js";
import {
  button,
  checkboxes,
  dateInput,
  errorSummary,
  fillForm,
  formValues,
  radios,
  readDate,
  select,
  storageMessage,
  textInput,
  textarea,
} from "../forms.js";
import { html, mount } from "../html.js";
import { TypedWork, keepFocus, putFocusBack } from "../screen.js";
import { backLink, formatDate, tag } from "../layout.js";
import { responsiveTable } from "../tables.js";
import { todayIso } from "../../clock.js";
import { t, tn } from "../../i18n.js";

const STATUS_COLOURS = { offered: "", declined: "grey", preparing: "yellow", held: "green", reviewed: "purple", closed: "grey" };
const PLAN_COLOURS = { not_started: "grey", on_track: "turquoise", off_track: "red", done: "green" };
const SHORT = 200; // the server's limit on short text
const MAX_LIST = 50; // questions or bottom lines in one referral

// The forms of the workspace, each with its own draft.
const REFERRAL = "referral";
const INVITED = "invited";
const STAGES = "stages";
const NEW_ACTION = "new-action";
const REVIEW = "review";
const FORMS = [REFERRAL, INVITED, STAGES, NEW_ACTION, REVIEW];

// Element ids of each field, for the error summary's links.
const FIELD_IDS = {
  referrer: "referral-referrer",
  reason: "referral-reason",
  referred_on: "referral-referred-on",
  child_advocate: "referral-child-advocate",
  questions: "referral-question-0",
  bottom_lines: "referral-bottom-line-0",
  task: "action-task",
  who: "action-who",
  due_on: "action-due-on",
  checked_by: "action-checked-by",
  review_on: "review-review-on",
  outcome: "review-outcome",
  ...Object.fromEntries(STAGE_DATES.map(([name]) => [name, `stages-${name.replaceAll("_", "-")}`])),
  // A section that could not be saved at all (the device's storage refused it).
  [REFERRAL]: "referral-heading",
  [INVITED]: "invited-heading",
  [STAGES]: "stages-heading",
  [NEW_ACTION]: "plan-heading",
  [REVIEW]: "review-heading",
  plan: "plan-heading",
};

const draftKey = (conferenceId, form) => `conference/${conferenceId}/${form}`;

// The domain names statuses and stages in English; these are their words in the language spoken.
const STATUS_WORDS = {
  offered: () => t("Offered to the family"),
  declined: () => t("Declined by the family"),
  preparing: () => t("Preparing: meeting the network"),
  held: () => t("Conference held"),
  reviewed: () => t("Plan reviewed"),
  closed: () => t("Closed"),
};
const PLAN_STATUS_WORDS = {
  not_started: () => t("Not started"),
  on_track: () => t("On track"),
  off_track: () => t("Off track"),
  done: () => t("Done"),
};
const STAGE_WORDS = {
  preparation_on: () => t("Preparation"),
  information_sharing_on: () => t("Information sharing"),
  private_family_time_on: () => t("Private family time"),
  plan_agreed_on: () => t("Plan agreed"),
};
// What a stage's date says when it is not a real one.
const STAGE_DATE_PROBLEMS = {
  preparation_on: () => t("The date of preparation must be a real date, for example 27 3 2026"),
  information_sharing_on: () => t("The date of information sharing must be a real date, for example 27 3 2026"),
  private_family_time_on: () => t("The date of private family time must be a real date, for example 27 3 2026"),
  plan_agreed_on: () => t("The date of plan agreed must be a real date, for example 27 3 2026"),
};

function statusWords(code) {
  return STATUS_WORDS[code] ? STATUS_WORDS[code]() : statusLabel(code);
}

function planStatusWords(code) {
  return PLAN_STATUS_WORDS[code] ? PLAN_STATUS_WORDS[code]() : planStatusLabel(code);
}

// --- values: record <-> form ----------------------------------------------------------

function dateValues(name, value) {
  const [year = "", month = "", day = ""] = (value || "").split("-");
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

function normalReferral(referral = {}) {
  return {
    referrer: referral.referrer || "",
    reason: referral.reason || "",
    questions: referral.questions || [],
    bottom_lines: referral.bottom_lines || [],
  };
}

/** Put a list into form values as prefix-0, prefix-1...; always one empty field to type in. */
function listValues(prefix, items) {
  const list = items?.length ? items : [""];
  return Object.fromEntries(list.map((item, index) => [`${prefix}-${index}`, item]));
}

/** Read a list back from form values, in order, blanks included (they are still being typed). */
function readList(values, prefix) {
  const pattern = new RegExp(`^${prefix}-(\\d+)$`);
  return Object.keys(values)
    .flatMap((name) => {
      const match = pattern.exec(name);
      return match ? [{ name, position: Number(match[1]) }] : [];
    })
    .sort((a, b) => a.position - b.position)
    .map(({ name }) => values[name] ?? "");
}

function withList(values, prefix, list) {
  const pattern = new RegExp(`^${prefix}-\\d+$`);
  const rest = Object.fromEntries(Object.entries(values).filter(([name]) => !pattern.test(name)));
  return { ...rest, ...listValues(prefix, list) };
}

const FROM_RECORD = {
  [REFERRAL]: (conference) => {
    const referral = normalReferral(conference.referral);
    return {
      referrer: referral.referrer,
      reason: referral.reason,
      child_advocate: conference.child_advocate || "",
      coordinator_id: conference.coordinator_id || "",
      ...dateValues("referred_on", conference.referred_on),
      ...listValues("question", referral.questions),
      ...listValues("bottom_line", referral.bottom_lines),
    };
  },
  [INVITED]: (conference) => ({
    invited: (conference.invited || []).map(inviteeKey),
    attending: (conference.attending || []).map(inviteeKey),
  }),
  [STAGES]: (conference) => ({
    status: conference.status || "offered",
    ...Object.assign({}, ...STAGE_DATES.map(([name]) => dateValues(name, conference[name]))),
  }),
  [NEW_ACTION]: () => ({ task: "", who: "", checked_by: "", ...dateValues("due_on", "") }),
  [REVIEW]: (conference) => ({ outcome: conference.outcome || "", ...dateValues("review_on", conference.review_on) }),
};

// --- checking what was typed ----------------------------------------------------------

/** A date as typed, or null; `problem` is what to say when it is not a real date. */
function realDate(values, name, problem, problems) {
  const value = readDate(values, name);
  if (value === null) {
    problems[name] = problem;
  }
  return value || null;
}

function notTooLong(value, name, label, problems, max = SHORT) {
  if (value.length > max) {
    problems[name] = t("{name} must be {max} characters or fewer", { name: label, max });
  }
}

function checkReferral(values) {
  const problems = {};
  const referrer = (values.referrer || "").trim();
  const advocate = (values.child_advocate || "").trim();
  notTooLong(referrer, "referrer", t("Who referred the family"), problems);
  notTooLong(advocate, "child_advocate", t("The child's advocate"), problems);
  const referredOn = realDate(values, "referred_on", t("Date of referral must be a real date, for example 27 3 2026"), problems);
  if (referredOn && referredOn > todayIso()) {
    problems.referred_on = t("Date of referral must be today or in the past");
  }
  const questions = readList(values, "question").map((text) => text.trim()).filter(Boolean);
  const bottomLines = readList(values, "bottom_line").map((text) => text.trim()).filter(Boolean);
  if (questions.length > MAX_LIST) problems.questions = t("Ask the family no more than {max} questions", { max: MAX_LIST });
  if (bottomLines.length > MAX_LIST) problems.bottom_lines = t("Set no more than {max} bottom lines", { max: MAX_LIST });
  const proposed = {
    referral: { referrer, reason: (values.reason || "").trim(), questions, bottom_lines: bottomLines },
    referred_on: referredOn,
    child_advocate: advocate || null,
  };
  if ("coordinator_id" in values) {
    proposed.coordinator_id = values.coordinator_id || null;
  }
  return { problems, proposed };
}

function checkStages(values) {
  const problems = {};
  const proposed = { status: values.status || "offered" };
  for (const [name, label] of STAGE_DATES) {
    proposed[name] = realDate(values, name, STAGE_DATE_PROBLEMS[name] ? STAGE_DATE_PROBLEMS[name]() : t("The date of {stage} must be a real date, for example 27 3 2026", { stage: label.toLowerCase() }), problems);
  }
  return { problems, proposed };
}

function checkNewAction(values) {
  const problems = {};
  const task = (values.task || "").trim();
  const who = (values.who || "").trim();
  const checkedBy = (values.checked_by || "").trim();
  if (!task) problems.task = t("Enter the task");
  else notTooLong(task, "task", t("The task"), problems, 2000);
  if (!who) problems.who = t("Enter who will do it");
  else notTooLong(who, "who", t("Who does it"), problems);
  const dueOn = realDate(values, "due_on", t("By when must be a real date, for example 27 3 2026"), problems);
  notTooLong(checkedBy, "checked_by", t("Who checks"), problems);
  return { problems, proposed: { task, who, due_on: dueOn, checked_by: checkedBy || null } };
}

function checkReview(values) {
  const problems = {};
  const reviewOn = realDate(values, "review_on", t("Review date must be a real date, for example 27 3 2026"), problems);
  return { problems, proposed: { review_on: reviewOn, outcome: (values.outcome || "").trim() || null } };
}

// --- drawing --------------------------------------------------------------------------

function sectionStart(id, title) {
  return html`<h2 class="govuk-heading-l govuk-!-margin-top-8" id="${id}-heading" tabindex="-1">${title}</h2>`;
}

function draftStatus(form) {
  return html`<p class="app-draft-saved" id="${form}-draft-status" aria-live="polite"></p>`;
}

function listField({ prefix, idPrefix, legend, hint, itemLabel, items, error, add }) {
  const describedBy = [`${idPrefix}-hint`, error ? `${idPrefix}-error` : null].filter(Boolean).join(" ");
  return html`<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">
    <fieldset class="govuk-fieldset" aria-describedby="${describedBy}">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${legend}</legend>
      <div id="${idPrefix}-hint" class="govuk-hint">${hint}</div>
      ${error ? html`<p id="${idPrefix}-error" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${error}</p>` : ""}
      ${items.map(
        (item, index) => html`<div class="app-add-another__item">
          ${textarea({ name: `${prefix}-${index}`, id: `${idPrefix}-${index}`, label: t("{item} {number}", { item: itemLabel, number: index + 1 }), value: item, rows: 2 })}
          ${items.length > 1 || item
            ? html`<button type="button" class="govuk-button govuk-button--secondary app-add-another__remove" data-list="${prefix}" data-remove="${index}">${t("Remove")}<span class="govuk-visually-hidden"> ${t("{item} {number}", { item: itemLabel.toLowerCase(), number: index + 1 })}</span></button>`
            : ""}
        </div>`,
      )}
      <button type="button" class="govuk-button govuk-button--secondary" data-list="${prefix}" data-add="${idPrefix}">${add}</button>
    </fieldset>
  </div>`;
}

function coordinatorOptions(context, current) {
  const directory = Object.values(context.data.reference?.directory || {});
  const team = directory
    .filter((person) => person.team_id && person.team_id === context.user?.team_id && ["caseworker", "supervisor"].includes(person.role))
    .map((person) => [person.id, person.id === context.user?.id ? t("{name} (you)", { name: person.display_name }) : person.display_name]);
  if (current && !team.some(([id]) => id === current)) {
    team.push([current, context.staffName(current) || t("A colleague")]);
  }
  return team;
}

function referralSection(context, values, errors) {
  const coordinators = coordinatorOptions(context, values.coordinator_id);
  return html`<section aria-labelledby="referral-heading">
    ${sectionStart("referral", t("Referral"))}
    <form id="referral-form" data-form="${REFERRAL}" novalidate>
      ${textInput({ name: "referrer", id: FIELD_IDS.referrer, label: t("Who referred the family"), hint: t("Name and role, for example Jo Smith, social worker"), value: values.referrer, error: errors.referrer })}
      ${textarea({ name: "reason", id: FIELD_IDS.reason, label: t("Why the family was referred"), value: values.reason, error: errors.reason, rows: 4 })}
      ${listField({
        prefix: "question",
        idPrefix: "referral-question",
        legend: t("Questions for the family"),
        hint: t("What the family are asked to answer in their plan, for example: How will Sam get to school on time every day?"),
        itemLabel: t("Question"),
        items: readList(values, "question"),
        error: errors.questions,
        add: t("Add another question"),
      })}
      ${listField({
        prefix: "bottom_line",
        idPrefix: "referral-bottom-line",
        legend: t("Bottom lines"),
        hint: t("What any plan must include or must not allow: the things the council cannot agree to change. Say them plainly."),
        itemLabel: t("Bottom line"),
        items: readList(values, "bottom_line"),
        error: errors.bottom_lines,
        add: t("Add another bottom line"),
      })}
      ${dateInput({ name: "referred_on", id: FIELD_IDS.referred_on, legend: t("Date of referral"), hint: t("For example, 27 3 2026"), error: errors.referred_on })}
      ${textInput({ name: "child_advocate", id: FIELD_IDS.child_advocate, label: t("Child's advocate (optional)"), hint: t("The independent person who helps the child say what they want"), value: values.child_advocate, error: errors.child_advocate })}
      ${coordinators.length
        ? select({ name: "coordinator_id", id: "referral-coordinator", label: t("Coordinator (optional)"), options: coordinators, value: values.coordinator_id, placeholder: t("Not chosen yet") })
        : ""}
      ${draftStatus(REFERRAL)}
      ${button(t("Save referral"))}
    </form>
  </section>`;
}

function invitedSection(conference, values, familyId, choices) {
  const options = choices.map((invitee) => [inviteeKey(invitee), invitee.role ? `${invitee.name}, ${invitee.role}` : invitee.name]);
  const held = HELD_STATUSES.has(conference.status);
  return html`<section aria-labelledby="invited-heading">
    ${sectionStart("invited", t("Who is invited"))}
    <p class="govuk-body">${t("The family decide who is in their network. Private family time is for the family and the people they invite, without professionals.")}</p>
    ${options.length
      ? html`<form id="invited-form" data-form="${INVITED}" novalidate>
          ${checkboxes({ name: "invited", id: "invited-people", legend: t("Choose who is invited"), hint: t("People in the family and on their network map"), options, values: values.invited || [] })}
          ${held
            ? checkboxes({ name: "attending", id: "invited-attending", legend: t("Who came to the conference"), options, values: values.attending || [] })
            : html`<p class="govuk-body">${t("Once the conference has been held, you can record here who came.")}</p>`}
          ${draftStatus(INVITED)}
          ${button(t("Save who is invited"))}
        </form>`
      : html`<p class="govuk-body">${t("Nobody is on the family's network map yet.")}</p>`}
    <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}/network">${t("Add people or organisations to the network map")}</a></p>
  </section>`;
}

function stagesSection(values, errors) {
  const hints = {
    preparation_on: t("When the coordinator starts meeting the family and their network"),
    information_sharing_on: t("When professionals share what they know and their worries"),
    private_family_time_on: t("When the family meet on their own, without professionals, to make their plan"),
    plan_agreed_on: t("When the plan was agreed with the family"),
  };
  return html`<section aria-labelledby="stages-heading">
    ${sectionStart("stages", t("Stages and dates"))}
    <form id="stages-form" data-form="${STAGES}" novalidate>
      ${radios({ name: "status", id: "stages-status", legend: t("Where the conference is now"), options: CONFERENCE_STATUSES.map(([code]) => [code, statusWords(code)]), value: values.status })}
      ${STAGE_DATES.map(([name, label]) =>
        dateInput({ name, id: FIELD_IDS[name], legend: STAGE_WORDS[name] ? STAGE_WORDS[name]() : label, hint: hints[name], error: errors[name] }),
      )}
      ${draftStatus(STAGES)}
      ${button(t("Save stages and dates"))}
    </form>
  </section>`;
}

function actionRow(context, action, confirming) {
  const pending = action.unsynced || context.data.pending("plan_action", action.id);
  const statusId = `action-status-${action.id}`;
  return [
    { content: action.task, classes: "app-pre-wrap" },
    action.who,
    action.due_on ? formatDate(action.due_on) : t("No date set"),
    action.checked_by || t("Nobody named"),
    html`${tag(planStatusWords(action.status || "not_started"), PLAN_COLOURS[action.status || "not_started"])}
      ${pending ? html`<br><span class="govuk-body-s">${t("Not synced yet")}</span>` : ""}`,
    html`${confirming
        ? html`<p class="govuk-body-s" id="remove-question-${action.id}">${t("Remove this action from the plan?")}</p>
          <div class="govuk-button-group">
            <button type="button" class="govuk-button govuk-button--warning" id="action-remove-yes" data-remove-action="${action.id}" aria-describedby="remove-question-${action.id}">${t("Yes, remove it")}<span class="govuk-visually-hidden">: ${action.task}</span></button>
            <button type="button" class="govuk-button govuk-button--secondary" data-cancel-remove="${action.id}">${t("Cancel")}</button>
          </div>`
        : html`<form class="app-plan-status" data-status-form="${action.id}" novalidate>
            <div class="govuk-form-group">
              <label class="govuk-label govuk-visually-hidden" for="${statusId}">${t("Status of {task}", { task: action.task })}</label>
              <select class="govuk-select" id="${statusId}" name="status">
                ${PLAN_ACTION_STATUSES.map(([code]) => html`<option value="${code}" ${code === (action.status || "not_started") ? html`selected` : ""}>${planStatusWords(code)}</option>`)}
              </select>
            </div>
            <div class="govuk-button-group">
              <button type="submit" class="govuk-button govuk-button--secondary">${t("Change status")}<span class="govuk-visually-hidden"> ${t("of {task}", { task: action.task })}</span></button>
              <button type="button" class="govuk-button govuk-button--secondary" data-confirm-remove="${action.id}">${t("Remove")}<span class="govuk-visually-hidden"> ${action.task}</span></button>
            </div>
          </form>`}`,
  ];
}

function planSection(context, actions, values, errors, confirmRemove) {
  const done = actions.filter((action) => action.status === "done").length;
  return html`<section aria-labelledby="plan-heading">
    ${sectionStart("plan", t("The family's plan"))}
    <p class="govuk-body">${t("The plan the family make in private family time: each task, who does it, by when, and who checks it is done.")}</p>
    ${actions.length
      ? responsiveTable({
          caption: t("Actions in the plan: {count}, {done} done", { count: actions.length, done }),
          captionClass: "govuk-table__caption--m",
          columns: [t("Task"), t("Who does it"), t("By when"), t("Who checks"), t("Status"), t("Change")],
          rows: actions.map((action) => actionRow(context, action, confirmRemove === action.id)),
        })
      : html`<p class="govuk-body">${t("No actions yet. Add the first action of the family's plan below.")}</p>`}
    <form id="new-action-form" data-form="${NEW_ACTION}" novalidate>
      <h3 class="govuk-heading-m">${t("Add an action to the plan")}</h3>
      ${textarea({ name: "task", id: FIELD_IDS.task, label: t("Task"), hint: t("What will be done, in the family's own words"), value: values.task, error: errors.task, rows: 3 })}
      ${textInput({ name: "who", id: FIELD_IDS.who, label: t("Who does it"), value: values.who, error: errors.who })}
      ${dateInput({ name: "due_on", id: FIELD_IDS.due_on, legend: t("By when (optional)"), hint: t("For example, 27 3 2026"), error: errors.due_on })}
      ${textInput({ name: "checked_by", id: FIELD_IDS.checked_by, label: t("Who checks it is done (optional)"), value: values.checked_by, error: errors.checked_by })}
      ${draftStatus(NEW_ACTION)}
      ${button(t("Add action"))}
    </form>
  </section>`;
}

function reviewSection(values, errors) {
  return html`<section aria-labelledby="review-heading">
    ${sectionStart("review", t("Review"))}
    <form id="review-form" data-form="${REVIEW}" novalidate>
      ${dateInput({ name: "review_on", id: FIELD_IDS.review_on, legend: t("Review date"), hint: t("When the family and their network meet again to see how the plan is going"), error: errors.review_on })}
      ${textarea({ name: "outcome", id: FIELD_IDS.outcome, label: t("Outcome of the review"), hint: t("What has worked, what has not, and what the family will do next"), value: values.outcome, error: errors.outcome, rows: 5 })}
      ${draftStatus(REVIEW)}
      ${button(t("Save review"))}
    </form>
  </section>`;
}

function successBanner(message, announce) {
  // Announced once, when it appears; a redraw after a sync shows it quietly.
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="${announce ? "alert" : "region"}"
      aria-labelledby="conference-saved-title" data-module="govuk-notification-banner" data-disable-auto-focus="true" tabindex="-1">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="conference-saved-title">${t("Success")}</h2>
    </div>
    <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${message}</p></div>
  </div>`;
}

function overview(context, conference, actions) {
  const pending = conference.unsynced || context.data.pending("conference", conference.id);
  const rows = [
    [t("Status"), tag(statusWords(conference.status), STATUS_COLOURS[conference.status])],
    [t("Private family time"), conference.private_family_time_on ? formatDate(conference.private_family_time_on) : t("Not set yet")],
    [t("Invited"), tn("{count} person", "{count} people", (conference.invited || []).length)],
    [t("Actions in the plan"), `${actions.length}`],
    [t("Review"), conference.review_on ? formatDate(conference.review_on) : t("Not set yet")],
  ];
  if (pending) {
    rows.push([t("On this device"), t("Changes not synced yet: they are sent when the device next syncs")]);
  }
  return html`<dl class="govuk-summary-list">${rows.map(
    ([key, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`,
  )}</dl>
  <nav aria-labelledby="contents-heading" class="govuk-!-margin-bottom-6">
    <h2 class="govuk-heading-s" id="contents-heading">${t("Contents")}</h2>
    <ul class="govuk-list">
      ${[["referral", t("Referral")], ["invited", t("Who is invited")], ["stages", t("Stages and dates")], ["plan", t("The family's plan")], ["review", t("Review")]].map(
        ([id, text]) => html`<li><a class="govuk-link" href="#${id}-heading" data-jump="${id}-heading">${text}</a></li>`,
      )}
    </ul>
  </nav>`;
}

// --- the offer ------------------------------------------------------------------------

async function offerConference(context, familyId) {
  const id = newId();
  await context.session.sync.enqueue("conference", "create", id, {
    family_id: familyId,
    status: "offered",
    referral: normalReferral(),
    invited: [],
    attending: [],
  });
  context.go(`#/family/${familyId}/conference/${id}`);
}

function offerPage(context, family, state = {}) {
  const { main, data } = context;
  mount(
    main,
    html`${backLink(`#/family/${family.id}`, t("Back to the family"))}
      ${state.error ? errorSummary({ offer: state.error }, { offer: "offer-conference" }) : ""}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Family group conference")}</h1>
      <p class="govuk-body">${t("A family group conference is a meeting where the family and the people close to them make their own plan for the children. They answer the questions the council asks, within the bottom lines it sets, and make the plan in private family time, without professionals.")}</p>
      <p class="govuk-body">${t("This family has no conference yet.")}</p>
      <form id="offer-form" novalidate>${button(t("Offer a family group conference"), { id: "offer-conference" })}</form>`,
  );
  main.querySelector("#offer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await offerConference(context, family.id);
    } catch (error) {
      offerPage(context, family, { error: t("The conference could not be saved: {why}", { why: storageMessage(error) }) });
      context.enhance();
    }
  });
  const onChange = () => {
    if (conferencesOf(data, family.id).length) {
      context.refresh();
    }
  };
  data.addEventListener("change", onChange);
  return () => data.removeEventListener("change", onChange);
}

function notFound(context, familyId) {
  mount(
    context.main,
    html`<h1 class="govuk-heading-l">${t("Conference not found")}</h1>
      <p class="govuk-body">${t("This device holds no such family group conference. It may not have synced yet, or the family is no longer in your caseload.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="${familyId ? `#/family/${familyId}` : "#/"}">${familyId ? t("Go to the family") : t("Go to your caseload")}</a></p>`,
  );
}

// --- the workspace --------------------------------------------------------------------

export async function conferenceView(context) {
  const { data, params } = context;
  const [familyId, conferenceId] = params;
  const family = data.get("family", familyId);
  if (!family) {
    return notFound(context, null);
  }
  const conferences = conferencesOf(data, familyId);
  if (!conferenceId && !conferences.length) {
    return offerPage(context, family);
  }
  return workspace(context, family, conferenceId || conferences[0].id);
}

function workspace(context, family, conferenceId) {
  const { main, data, session } = context;
  const familyId = family.id;
  const state = {
    live: new Map(), // form -> values typed since the last save (survive every redraw)
    errors: null, // { form, fields: {name: message} }
    flash: null,
    confirmRemove: null,
    drawing: null,
    drawn: null, // the signature of the data last drawn
    again: null,
  };

  // Drafts are saved as typed; a redraw first keeps typing a draft timer had not yet saved.
  const typed = new TypedWork(session);
  const stopDrafts = () => typed.stopAll();

  async function draw(focus) {
    // Read the drafts first: from here to the mount nothing waits, so no
    // keystroke can fall between reading what was typed and drawing it.
    const drafts = await typed.load(Object.fromEntries(FORMS.map((form) => [form, draftKey(conferenceId, form)])));
    const conference = data.get("conference", conferenceId);
    if (!conference || conference.family_id !== familyId) {
      stopDrafts();
      return notFound(context, familyId);
    }
    const values = Object.fromEntries(
      FORMS.map((form) => [form, state.live.get(form) || drafts[form] || FROM_RECORD[form](conference)]),
    );
    const keep = keepFocus(main);
    const errors = state.errors || { form: null, fields: {} };
    const fieldErrors = (form) => (errors.form === form ? errors.fields : {});
    const actions = planActionsOf(data, conferenceId);
    const network = networkInvitees(data, familyId, context.label);
    const choices = inviteeChoices(network, conference.invited || [], conference.attending || []);
    const others = conferencesOf(data, familyId).filter((other) => other.id !== conferenceId);
    state.drawn = signature();
    stopDrafts();
    mount(
      main,
      html`<div id="conference-workspace">
        ${backLink(`#/family/${familyId}`, t("Back to the family"))}
        ${errorSummary(errors.fields, FIELD_IDS)}
        ${state.flash ? successBanner(state.flash, focus === "banner") : ""}
        <span class="govuk-caption-l">${family.display_name}</span>
        <h1 class="govuk-heading-l">${t("Family group conference")}</h1>
        ${overview(context, conference, actions)}
        ${referralSection(context, values[REFERRAL], fieldErrors(REFERRAL))}
        ${invitedSection(conference, values[INVITED], familyId, choices)}
        ${stagesSection(values[STAGES], fieldErrors(STAGES))}
        ${planSection(context, actions, values[NEW_ACTION], fieldErrors(NEW_ACTION), state.confirmRemove)}
        ${reviewSection(values[REVIEW], fieldErrors(REVIEW))}
        ${attachmentsPanel({ parentKind: "conference", parentId: conference.id, familyId })}
        ${others.length
          ? html`<h2 class="govuk-heading-m govuk-!-margin-top-8">${t("Other conferences for this family")}</h2>
            <ul class="govuk-list">${others.map(
              (other) => html`<li><a class="govuk-link" href="#/family/${familyId}/conference/${other.id}">${other.created_at ? t("Conference offered {day}", { day: formatDate(other.created_at) }) : t("Conference offered on this device")}</a>: ${statusWords(other.status)}</li>`,
            )}</ul>`
          : ""}
        ${["declined", "closed"].includes(conference.status)
          ? html`<form id="offer-again-form" novalidate>${button(t("Offer another family group conference"), { secondary: true })}</form>`
          : ""}
      </div>`,
    );
    // Fill each form from its values: dates keep what was typed even when it is not a real date.
    for (const form of main.querySelectorAll("form[data-form]")) {
      fillForm(form, values[form.dataset.form]);
    }
    // Focus is placed below, only when the worker did something that calls for it.
    main.querySelector(".govuk-error-summary")?.setAttribute("data-disable-auto-focus", "true");
    listen(conference);
    context.enhance();
    placeFocus(focus, keep);
  }

  function placeFocus(focus, keep) {
    if (focus === "summary") {
      main.querySelector(".govuk-error-summary")?.focus();
    } else if (focus === "banner") {
      main.querySelector(".govuk-notification-banner")?.focus();
    } else if (focus && focus !== "keep" && focus !== "none") {
      main.querySelector(`#${focus}`)?.focus();
    } else if (focus === "keep") {
      putFocusBack(main, keep);
    }
  }

  /** Redraw, one at a time: a request during a redraw runs once it ends. */
  function redraw(focus = "keep") {
    if (state.drawing) {
      state.again = focus === "keep" && state.again ? state.again : focus;
      return state.drawing;
    }
    state.drawing = draw(focus)
      .catch((error) => console.error("conference workspace", error.name))
      .finally(() => {
        state.drawing = null;
        if (state.again) {
          const next = state.again;
          state.again = null;
          redraw(next);
        }
      });
    return state.drawing;
  }

  function listen(conference) {
    const root = main.querySelector("#conference-workspace");
    for (const form of root.querySelectorAll("form[data-form]")) {
      const name = form.dataset.form;
      const remember = () => {
        state.live.set(name, formValues(form));
      };
      form.addEventListener("input", remember);
      form.addEventListener("change", remember);
      typed.watch(form, draftKey(conferenceId, name), form.querySelector(".app-draft-saved"), name);
    }
    root.addEventListener("click", onClick);
    root.addEventListener("submit", (event) => onSubmit(event, conference));
  }

  // --- what the worker does -------------------------------------------------------

  function onClick(event) {
    const target = event.target.closest("button, a");
    if (!target) return;
    const { dataset } = target;
    if (dataset.jump) {
      // In-page links: the address is the router's, so move focus without changing it.
      event.preventDefault();
      const heading = main.querySelector(`#${dataset.jump}`);
      heading?.setAttribute("tabindex", "-1");
      heading?.focus();
      heading?.scrollIntoView();
    } else if (dataset.list) {
      changeList(target.closest("form"), dataset.list, dataset);
    } else if (dataset.confirmRemove) {
      state.confirmRemove = dataset.confirmRemove;
      redraw(`action-remove-yes`);
    } else if (dataset.cancelRemove) {
      state.confirmRemove = null;
      redraw(`action-status-${dataset.cancelRemove}`);
    } else if (dataset.removeAction) {
      removeAction(dataset.removeAction);
    }
  }

  function changeList(form, prefix, { add, remove }) {
    const values = formValues(form);
    const list = readList(values, prefix);
    let focus;
    if (add !== undefined) {
      list.push("");
      focus = `${add}-${list.length - 1}`;
    } else {
      list.splice(Number(remove), 1);
      focus = `${prefix === "question" ? "referral-question" : "referral-bottom-line"}-${Math.max(0, Number(remove) - 1)}`;
    }
    state.live.set(REFERRAL, withList(values, prefix, list));
    typed.change(REFERRAL, state.live.get(REFERRAL));
    redraw(focus);
  }

  async function onSubmit(event, drawn) {
    event.preventDefault();
    // Compare with the record as it is now, which a sync may have moved on since the draw.
    const conference = data.get("conference", conferenceId) || drawn;
    const form = event.target;
    if (form.id === "offer-again-form") {
      return offerConference(context, familyId);
    }
    if (form.dataset.statusForm) {
      return changeStatus(form.dataset.statusForm, formValues(form).status);
    }
    const name = form.dataset.form;
    const values = formValues(form);
    state.live.set(name, values);
    state.flash = null;
    if (name === INVITED) {
      return saveInvited(conference, values);
    }
    const check = { [REFERRAL]: checkReferral, [STAGES]: checkStages, [NEW_ACTION]: checkNewAction, [REVIEW]: checkReview }[name];
    const { problems, proposed } = check(values);
    if (Object.keys(problems).length) {
      state.errors = { form: name, fields: problems };
      return redraw("summary");
    }
    state.errors = null;
    if (name === NEW_ACTION) {
      return saved(name, t("Action added to the plan"), () =>
        session.sync.enqueue("plan_action", "create", newId(), {
          family_id: familyId,
          conference_id: conferenceId,
          ...proposed,
          status: "not_started",
        }),
      );
    }
    const current = { ...conference, referral: normalReferral(conference.referral) };
    const messages = { [REFERRAL]: t("Referral saved"), [STAGES]: t("Stages and dates saved"), [REVIEW]: t("Review saved") };
    return saveConference(name, changedFields(current, proposed), messages[name]);
  }

  function saveInvited(conference, values) {
    const network = networkInvitees(data, familyId, context.label);
    const choices = inviteeChoices(network, conference.invited || [], conference.attending || []);
    const proposed = { invited: chosenInvitees(choices, values.invited || []) };
    if ("attending" in values) {
      proposed.attending = chosenInvitees(choices, values.attending || []);
    }
    state.errors = null;
    return saveConference(INVITED, changedFields(conference, proposed), t("Who is invited saved"));
  }

  function saveConference(form, changes, message) {
    if (!Object.keys(changes).length) {
      return saved(form, t("Nothing had changed, so there was nothing to save"), null);
    }
    return saved(form, message, () =>
      session.sync.enqueue("conference", "update", conferenceId, changes, baseVersion(data, "conference", conferenceId)),
    );
  }

  /** Write a section's change to the outbox, then forget its draft. */
  async function saved(form, message, write) {
    typed.stop(form); // what it holds is being saved now, not kept as a draft
    stopDrafts();
    try {
      await write?.();
    } catch (error) {
      state.errors = { form, fields: { [form]: t("Your changes could not be saved: {why}", { why: storageMessage(error) }) } };
      return redraw("summary");
    }
    state.live.delete(form);
    await typed.forget(form).catch(() => {});
    state.flash = write ? `${message}. ${navigator.onLine ? t("It will be synced in a moment.") : t("It is kept on this device and sent when you are back online.")}` : message;
    return redraw("banner");
  }

  async function changeStatus(actionId, status) {
    const action = data.get("plan_action", actionId);
    if (!action || action.status === status) return;
    state.flash = null;
    state.errors = null;
    try {
      await session.sync.enqueue("plan_action", "update", actionId, { status }, baseVersion(data, "plan_action", actionId));
      state.flash = t("Status changed to {status}", { status: planStatusWords(status).toLowerCase() });
    } catch (error) {
      state.errors = { form: "plan", fields: { plan: t("The status could not be saved: {why}", { why: storageMessage(error) }) } };
    }
    redraw(state.errors ? "summary" : "banner");
  }

  async function removeAction(actionId) {
    state.confirmRemove = null;
    state.flash = null;
    state.errors = null;
    try {
      await session.sync.enqueue("plan_action", "delete", actionId, {}, baseVersion(data, "plan_action", actionId));
      state.flash = t("Action removed from the plan");
    } catch (error) {
      state.errors = { form: "plan", fields: { plan: t("The action could not be removed: {why}", { why: storageMessage(error) }) } };
    }
    redraw(state.errors ? "summary" : "banner");
  }

  /** What the workspace shows from the device's data: a sync that changed none of it redraws nothing. */
  function signature() {
    return JSON.stringify([
      data.get("family", familyId)?.display_name,
      conferencesOf(data, familyId),
      planActionsOf(data, conferenceId),
      networkInvitees(data, familyId, context.label),
    ]);
  }

  const onChange = () => {
    if (signature() !== state.drawn) redraw("keep");
  };
  data.addEventListener("change", onChange);
  const first = redraw("none");
  return first.then(() => () => {
    data.removeEventListener("change", onChange);
    stopDrafts();
  });
}
