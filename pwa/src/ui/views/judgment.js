// A judgment log entry: a professional decision with the options weighed,
// the rationale, risks, who was consulted and who disagreed. The council's
// policy gives each kind of decision a light: green (the worker decides and
// logs it), yellow (their supervisor discusses it), red (a supervisor must
// approve it first). Kept apart from the compliance checklist on purpose.
//
// This module also holds the entry's form, which the visit flow uses.

import { attachmentsPanel } from "../attachments.js";
import { newId } from "../../domain/ids.js";
import { mayDecide, openRequestOn } from "../../domain/review-queue.js";
import { askToDiscussSection, saveAskToDiscuss } from "../ask-to-discuss.js";
import { otherLast } from "../../domain/options.js";
import { signedTimes, writtenTimes } from "../../domain/record-times.js";
import { lastDayOf, policyForWorker } from "../../domain/team-lights.js";
import { now, todayIso } from "../../clock.js";
import { approversFor, mayConfirm, mayRecordAgreement, needsNumbers, verbalApprovalOf } from "../../domain/urgent.js";
import { button, checkboxes, dateInput, readDate, select, textInput, textarea } from "../forms.js";
import { urgentNumbersPanel } from "../urgent-numbers.js";
import { html } from "../html.js";
import { backLink, formatDate, formatDateTime, tag } from "../layout.js";
import {
  LONG_TEXT,
  baseVersion,
  capitalised,
  checkLength,
  draftStatus,
  familyName,
  isAuthor,
  notFound,
  notSyncedTag,
  signConfirmation,
  successBanner,
  visitText,
  writtenBy,
  receiptFlag,
  signedWhen,
} from "../records.js";
import {
  amendmentForm,
  amendmentList,
  commentForm,
  discussedForm,
  pendingDiscussion,
  reviewsOf,
  saveAmendment,
  saveComment,
  saveDiscussed,
  saveReply,
  supervisionThread,
} from "../record-threads.js";
import { RecordScreen } from "../record-screen.js";
import { workerHandlers, workerSide } from "./decision-review.js";
import { endingSummary } from "./ending.js";

export const LIGHTS = {
  green: { name: "Green", colour: "green", text: "You decide and log it" },
  yellow: { name: "Yellow", colour: "yellow", text: "You decide; your supervisor will discuss it with you" },
  red: { name: "Red", colour: "red", text: "Needs a supervisor's approval before you act" },
};

// As the server's lights.py: a category the policy does not name needs discussion.
const UNLISTED_LIGHT = "yellow";
const STATUS_WHEN_SIGNED = { green: "logged", yellow: "awaiting_discussion", red: "awaiting_approval" };

export const STATUS = {
  draft: { words: "Draft", colour: "grey", text: "Not final until it is signed." },
  logged: { words: "Logged", colour: "green", text: "Decided and logged." },
  awaiting_discussion: { words: "Awaiting discussion", colour: "yellow", text: "Decided; to be discussed in supervision." },
  discussed: { words: "Discussed", colour: "blue", text: "Discussed in supervision." },
  awaiting_approval: { words: "Awaiting approval", colour: "orange", text: "Needs a supervisor's approval before anyone acts on it." },
  verbal_approval: { words: "Verbal approval, to confirm", colour: "purple", text: "A supervisor agreed it by phone; they confirm it when they can." },
  approved: { words: "Approved", colour: "green", text: "A supervisor approved this decision." },
  declined: { words: "Declined", colour: "red", text: "A supervisor declined this decision: it must not be acted on." },
};

// A device's clock may run a little ahead; more than this and the time is a mistake (as the server).
const AGREED_AHEAD_MS = 10 * 60 * 1000;

export const AMENDABLE = [
  { key: "question", title: "Decision question" },
  { key: "decision", title: "Decision" },
  { key: "rationale", title: "Rationale" },
  { key: "family_view", title: "The family's view" },
  { key: "child_view", title: "The child's view" },
  { key: "review_outcome", title: "Outcome at review" },
];

// --- the council's policy and what it means for an entry -------------------------------

/**
 * Return the newest version of the council's decision policy, or null, with each
 * light as it applies to the signed-in worker today (their team's trials, and
 * narrower lights in their first year: domain/team-lights.js).
 */
export function currentPolicy(data) {
  const newest = data.all("decision_policy").reduce((found, policy) => (!found || policy.version > found.version ? policy : found), null);
  return policyForWorker(newest, { trials: data.all("policy_trial"), narrowerSettings: data.all("newly_qualified_lights"), today: todayIso() });
}

/** Say why a kind of decision has another light than the council's for this worker, or nothing. */
export function lightReason(policy, key) {
  const category = policy?.categories?.find((entry) => entry.key === key);
  if (category?.narrowed) {
    return html`<p class="govuk-body-s" id="category-light-reason">In your first year since qualifying, your team asks for a ${category.light} light for this kind of decision (the council's is ${category.council_light}).</p>`;
  }
  if (category?.trial) {
    return html`<p class="govuk-body-s" id="category-light-reason">Your team is trying a ${category.light} light for this kind of decision up to and including ${formatDate(lastDayOf(category.trial))} (the council's is ${category.council_light}).</p>`;
  }
  return "";
}

export function categoryLight(policy, key) {
  return policy?.categories?.find((category) => category.key === key)?.light || UNLISTED_LIGHT;
}

export function categoryLabel(policy, key) {
  return policy?.categories?.find((category) => category.key === key)?.label || key;
}

/** Return an entry's light: the server's once synced, the policy's until then. */
export function lightOf(data, judgment) {
  return judgment.light || categoryLight(currentPolicy(data), judgment.category);
}

/** Return a supervisor's approval or decline made on this device and not synced yet. */
export function pendingDecision(data, judgment) {
  return reviewsOf(data, judgment.id).find((review) => review.unsynced && ["approve", "decline"].includes(review.review_kind));
}

/** Return an entry's status: the server's once synced, what signing or a review here gives it until then. */
export function statusOf(data, judgment) {
  if (judgment.state !== "signed") return "draft";
  const agreed = verbalApprovalOf(data, judgment.id);
  if (agreed?.unsynced) return "verbal_approval";
  const pending = ["awaiting_approval", "verbal_approval"].includes(judgment.status) && pendingDecision(data, judgment);
  if (pending) return pending.review_kind === "approve" ? "approved" : "declined";
  if (judgment.status === "awaiting_discussion" && pendingDiscussion(data, judgment)) return "discussed";
  if (judgment.status && judgment.status !== "draft") return judgment.status;
  // An ending always waits for a supervisor's agreement, whatever its light.
  return judgment.ending ? "awaiting_approval" : STATUS_WHEN_SIGNED[lightOf(data, judgment)];
}

export function lightTag(light) {
  const shown = LIGHTS[light] || LIGHTS[UNLISTED_LIGHT];
  return html`${tag(`${shown.name} light`, shown.colour)} ${shown.text}`;
}

export function statusTag(status) {
  const shown = STATUS[status] || STATUS.draft;
  return html`${tag(shown.words, shown.colour)} ${shown.text}`;
}

// --- the entry's form (used by the visit flow) -----------------------------------------

const ROWS = {
  option: { hidden: "option_rows" },
  risk: { hidden: "risk_rows" },
  consulted: { hidden: "consulted_rows" },
  disagreed: { hidden: "disagreed_rows" },
};
const MAX_ROWS = 20;

/** Return how many rows of a repeating part to draw for these values (at least one). */
export function rowCount(values, prefix) {
  let count = Number(values?.[ROWS[prefix].hidden]) || 0;
  const pattern = new RegExp(`^${prefix}-(\\d+)`);
  for (const [key, value] of Object.entries(values || {})) {
    const match = key.match(pattern);
    if (match && value) count = Math.max(count, Number(match[1]) + 1);
  }
  return Math.min(MAX_ROWS, Math.max(1, count));
}

export function rowCounts(values) {
  return Object.fromEntries(Object.keys(ROWS).map((prefix) => [prefix, rowCount(values, prefix)]));
}

function range(count) {
  return Array.from({ length: count }, (_, index) => index);
}

// Not a submit button: pressing Enter in a field must save the form, not add a row.
function addRowButton(prefix, text, count) {
  if (count >= MAX_ROWS) return "";
  return html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-add-row="${prefix}">${text}</button>`;
}

/** Return the form's values with one more row of a repeating part, and the field to focus. */
export function withAnotherRow(values, prefix) {
  const count = rowCount(values, prefix);
  const focusId = prefix === "option" || prefix === "risk" ? `${prefix}-${count}` : `${prefix}-${count}-name`;
  return { values: { ...values, [ROWS[prefix].hidden]: String(Math.min(MAX_ROWS, count + 1)) }, focusId };
}

function peopleRows(prefix, count, errors, who) {
  return range(count).map(
    (index) => html`<fieldset class="govuk-fieldset app-repeat">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${who} ${index + 1}</legend>
      ${textInput({ name: `${prefix}-${index}-name`, label: "Name", error: errors[`${prefix}-${index}-name`], width: 20 })}
      ${textInput({ name: `${prefix}-${index}-role`, label: "Role or relationship", hint: "For example, school nurse or grandmother", error: errors[`${prefix}-${index}-role`], width: 20 })}
      ${textarea({ name: `${prefix}-${index}-view`, label: "Their view", rows: 3, error: errors[`${prefix}-${index}-view`] })}
    </fieldset>`,
  );
}

/**
 * The fields of a judgment entry; the light of the chosen kind of decision shows beside it.
 * @param {{policy: object | null, counts: Record<string, number>, errors?: Record<string, string>}} fields
 */
export function judgmentFields({ policy, counts, errors = {} }) {
  const categories = policy?.categories || [];
  return html`
    ${textarea({
      name: "question",
      label: "What decision are you making?",
      hint: "Write it as a question, for example: Should Sam stay with his grandmother this weekend?",
      rows: 2,
      error: errors.question,
      labelClass: "govuk-label--s",
    })}
    ${categories.length
      ? select({
          name: "category",
          label: "What kind of decision is it?",
          hint: "Your council's decision policy says what each kind of decision needs.",
          options: otherLast(categories.map((category) => [category.key, category.label])),
          error: errors.category,
        })
      : textInput({
          name: "category",
          label: "What kind of decision is it?",
          hint: "Your council has not published a decision policy to this device yet, so this decision will need discussion with your supervisor.",
          error: errors.category,
        })}
    <div class="app-light-explainer" id="category-light" aria-live="polite"></div>
    ${checkboxes({
      name: "immediate_risk",
      legend: "Is a child at risk now?",
      options: [["yes", "A child may be at immediate risk"]],
      hint: "Tick this and the numbers to phone are shown at once, with or without a network.",
      error: errors.immediate_risk,
    })}
    <div id="urgent-numbers-slot" aria-live="polite"></div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Options you considered</legend>
        <div class="govuk-hint">At least one. Include doing nothing, if you considered it.</div>
        ${range(counts.option).map(
          (index) => html`<fieldset class="govuk-fieldset app-repeat">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Option ${index + 1}</legend>
            ${textarea({ name: `option-${index}`, label: "The option", rows: 2, error: errors[`option-${index}`] })}
            ${textarea({ name: `option-${index}-for`, label: "For", rows: 2, error: errors[`option-${index}-for`] })}
            ${textarea({ name: `option-${index}-against`, label: "Against", rows: 2, error: errors[`option-${index}-against`] })}
          </fieldset>`,
        )}
        ${addRowButton("option", "Add another option", counts.option)}
      </fieldset>
    </div>

    ${textarea({ name: "decision", label: "Your decision", rows: 3, error: errors.decision, labelClass: "govuk-label--s" })}
    ${textarea({
      name: "rationale",
      label: "Why you decided this",
      hint: "What you weighed, and what tipped the balance.",
      rows: 5,
      error: errors.rationale,
      labelClass: "govuk-label--s",
    })}

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Risks</legend>
        <div class="govuk-hint">Leave empty if you see none.</div>
        ${range(counts.risk).map(
          (index) => html`<fieldset class="govuk-fieldset app-repeat">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Risk ${index + 1}</legend>
            ${textarea({ name: `risk-${index}`, label: "The risk", rows: 2, error: errors[`risk-${index}`] })}
            ${textarea({ name: `risk-${index}-mitigation`, label: "How it will be reduced", rows: 2, error: errors[`risk-${index}-mitigation`] })}
          </fieldset>`,
        )}
        ${addRowButton("risk", "Add another risk", counts.risk)}
      </fieldset>
    </div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Who you consulted</legend>
        <div class="govuk-hint">Colleagues, other professionals or members of the family's network, and what they thought.</div>
        ${peopleRows("consulted", counts.consulted, errors, "Person consulted")}
        ${addRowButton("consulted", "Add another person consulted", counts.consulted)}
      </fieldset>
    </div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Who disagreed</legend>
        <div class="govuk-hint">Record disagreement as it was put to you. It is part of good practice, not a failure.</div>
        ${peopleRows("disagreed", counts.disagreed, errors, "Person who disagreed")}
        ${addRowButton("disagreed", "Add another person who disagreed", counts.disagreed)}
      </fieldset>
    </div>

    ${textarea({ name: "family_view", label: "The family's view", hint: "In their words where you can.", rows: 3, error: errors.family_view, labelClass: "govuk-label--s" })}
    ${textarea({ name: "child_view", label: "The child's view", hint: "In the child's own words where you can.", rows: 3, error: errors.child_view, labelClass: "govuk-label--s" })}
    ${dateInput({ name: "review_date", legend: "When will you review this decision?", hint: "For example, 27 3 2027. Leave empty if no review is needed.", error: errors.review_date })}
    ${Object.entries(counts).map(([prefix, count]) => html`<input type="hidden" name="${ROWS[prefix].hidden}" value="${count}">`)}`;
}

/**
 * Show the light of the chosen kind of decision as the worker picks it, and the
 * council's numbers at once when the kind is urgent or a child may be at
 * immediate risk (`contacts`: the numbers the device holds).
 */
export function watchCategory(form, policy, contacts = null) {
  const field = form.elements.category;
  const out = form.querySelector("#category-light");
  if (!field || !out) return;
  const risk = form.querySelector('input[name="immediate_risk"]');
  const numbers = form.querySelector("#urgent-numbers-slot");
  let shown = false;
  const show = () => {
    const key = field.value.trim();
    out.innerHTML = key ? String(html`<p class="govuk-body">${lightTag(categoryLight(policy, key))}</p>${lightReason(policy, key)}`) : "";
    const urgent = needsNumbers(policy, { category: key, immediate_risk: risk?.checked });
    if (numbers && urgent !== shown) {
      numbers.innerHTML = urgent ? String(urgentNumbersPanel(contacts)) : "";
      shown = urgent;
    }
  };
  field.addEventListener("change", show);
  field.addEventListener("input", show);
  risk?.addEventListener("change", show);
  show();
}

function text(values, name) {
  return (values[name] || "").trim();
}

function peopleFrom(values, prefix) {
  return range(rowCount(values, prefix))
    .map((index) => ({
      name: text(values, `${prefix}-${index}-name`),
      role: text(values, `${prefix}-${index}-role`),
      view: text(values, `${prefix}-${index}-view`),
    }))
    .filter((person) => person.name);
}

/** Return the entry's fields from the form. */
export function judgmentFromValues(values) {
  return {
    question: text(values, "question"),
    category: text(values, "category"),
    options: range(rowCount(values, "option"))
      .map((index) => ({
        option: text(values, `option-${index}`),
        for: text(values, `option-${index}-for`),
        against: text(values, `option-${index}-against`),
      }))
      .filter((option) => option.option),
    decision: text(values, "decision"),
    rationale: text(values, "rationale"),
    risks: range(rowCount(values, "risk"))
      .map((index) => ({ risk: text(values, `risk-${index}`), mitigation: text(values, `risk-${index}-mitigation`) }))
      .filter((risk) => risk.risk),
    consulted: peopleFrom(values, "consulted"),
    disagreed: peopleFrom(values, "disagreed"),
    family_view: text(values, "family_view"),
    child_view: text(values, "child_view"),
    review_date: readDate(values, "review_date") || null,
    immediate_risk: (values.immediate_risk || []).includes("yes"),
  };
}

/** Return the form's values for a saved entry. */
export function valuesFromJudgment(judgment) {
  const values = {
    question: judgment.question || "",
    category: judgment.category || "",
    decision: judgment.decision || "",
    rationale: judgment.rationale || "",
    family_view: judgment.family_view || "",
    child_view: judgment.child_view || "",
    immediate_risk: judgment.immediate_risk ? ["yes"] : [],
  };
  const [year = "", month = "", day = ""] = (judgment.review_date || "").split("-");
  Object.assign(values, { "review_date-day": day, "review_date-month": month, "review_date-year": year });
  (judgment.options || []).forEach((option, index) => {
    values[`option-${index}`] = option.option || "";
    values[`option-${index}-for`] = option.for || "";
    values[`option-${index}-against`] = option.against || "";
  });
  (judgment.risks || []).forEach((risk, index) => {
    values[`risk-${index}`] = risk.risk || "";
    values[`risk-${index}-mitigation`] = risk.mitigation || "";
  });
  for (const prefix of ["consulted", "disagreed"]) {
    (judgment[prefix] || []).forEach((person, index) => {
      values[`${prefix}-${index}-name`] = person.name || "";
      values[`${prefix}-${index}-role`] = person.role || "";
      values[`${prefix}-${index}-view`] = person.view || "";
    });
  }
  for (const prefix of Object.keys(ROWS)) {
    values[ROWS[prefix].hidden] = String(rowCount(values, prefix));
  }
  return values;
}

function rowProblems(errors, values, prefix, main, others, message) {
  range(rowCount(values, prefix)).forEach((index) => {
    const mainName = main(index);
    if (!text(values, mainName) && others(index).some((name) => text(values, name))) {
      errors[mainName] = message(index);
    }
  });
}

/** Check an entry: saving needs the question and kind; signing needs options, decision and rationale. */
export function checkJudgment(values, { signing }) {
  const errors = {};
  if (!text(values, "question")) errors.question = "Enter the decision you are making";
  if (!text(values, "category")) errors.category = "Choose what kind of decision it is";
  checkLength(errors, "question", values.question, 2000, "The decision question");
  checkLength(errors, "category", values.category, 60, "The kind of decision");
  rowProblems(errors, values, "option", (i) => `option-${i}`, (i) => [`option-${i}-for`, `option-${i}-against`],
    (i) => `Describe option ${i + 1}, or clear what you wrote for and against it`);
  rowProblems(errors, values, "risk", (i) => `risk-${i}`, (i) => [`risk-${i}-mitigation`],
    (i) => `Describe risk ${i + 1}, or clear how it will be reduced`);
  rowProblems(errors, values, "consulted", (i) => `consulted-${i}-name`, (i) => [`consulted-${i}-role`, `consulted-${i}-view`],
    (i) => `Enter the name of person consulted ${i + 1}, or clear their role and view`);
  rowProblems(errors, values, "disagreed", (i) => `disagreed-${i}-name`, (i) => [`disagreed-${i}-role`, `disagreed-${i}-view`],
    (i) => `Enter the name of person who disagreed ${i + 1}, or clear their role and view`);
  for (const index of range(rowCount(values, "option"))) {
    checkLength(errors, `option-${index}`, values[`option-${index}`], 2000, `Option ${index + 1}`);
    checkLength(errors, `option-${index}-for`, values[`option-${index}-for`], LONG_TEXT, "What is for it");
    checkLength(errors, `option-${index}-against`, values[`option-${index}-against`], LONG_TEXT, "What is against it");
  }
  for (const index of range(rowCount(values, "risk"))) {
    checkLength(errors, `risk-${index}`, values[`risk-${index}`], 2000, `Risk ${index + 1}`);
    checkLength(errors, `risk-${index}-mitigation`, values[`risk-${index}-mitigation`], LONG_TEXT, "How it will be reduced");
  }
  for (const prefix of ["consulted", "disagreed"]) {
    for (const index of range(rowCount(values, prefix))) {
      checkLength(errors, `${prefix}-${index}-name`, values[`${prefix}-${index}-name`], 200, "The name");
      checkLength(errors, `${prefix}-${index}-role`, values[`${prefix}-${index}-role`], 200, "The role");
      checkLength(errors, `${prefix}-${index}-view`, values[`${prefix}-${index}-view`], LONG_TEXT, "Their view");
    }
  }
  for (const name of ["decision", "rationale", "family_view", "child_view"]) {
    checkLength(errors, name, values[name], LONG_TEXT, "This answer");
  }
  if (readDate(values, "review_date") === null) errors.review_date = "The review date must be a real date, for example 27 3 2027";
  if (signing) {
    if (!errors["option-0"] && !judgmentFromValues(values).options.length) errors["option-0"] = "Describe at least one option you considered";
    if (!text(values, "decision")) errors.decision = "Enter your decision";
    if (!text(values, "rationale")) errors.rationale = "Enter why you decided this";
  }
  return orderedLikeTheForm(errors);
}

const FORM_ORDER = ["question", "category", "option", "decision", "rationale", "risk", "consulted", "disagreed", "family_view", "child_view", "review_date"];

function orderedLikeTheForm(errors) {
  const rank = (key) => {
    const index = FORM_ORDER.findIndex((name) => key === name || key.startsWith(`${name}-`));
    return index === -1 ? FORM_ORDER.length : index;
  };
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true })));
}

function sameValue(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Create the entry, or send the fields that changed; return its id. */
export async function saveJudgment(context, { judgment, familyId, interactionId }, values) {
  const fields = judgmentFromValues(values);
  fields.family_view ||= null;
  fields.child_view ||= null;
  if (!judgment) {
    const id = newId();
    await context.session.sync.enqueue("judgment", "create", id, { family_id: familyId, interaction_id: interactionId || null, ...fields });
    return id;
  }
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([name, value]) => !sameValue(value, judgment[name] ?? (Array.isArray(value) ? [] : typeof value === "boolean" ? false : name === "review_date" || name.endsWith("_view") ? null : ""))),
  );
  if (Object.keys(changed).length) {
    await context.session.sync.enqueue("judgment", "update", judgment.id, changed, baseVersion(context.data, "judgment", judgment.id));
  }
  return judgment.id;
}

export async function signJudgment(context, id) {
  await context.session.sync.enqueue("judgment", "sign", id, {}, baseVersion(context.data, "judgment", id));
}

// --- the entry as read ---------------------------------------------------------------

function row(key, value, id) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap" ${id ? html`id="${id}"` : ""}>${value || html`<span class="app-secondary-text">Not recorded</span>`}</dd></div>`;
}

function table(caption, headers, rows) {
  if (!rows.length) {
    return html`<h2 class="govuk-heading-m">${caption}</h2><p class="govuk-body">None recorded.</p>`;
  }
  return html`<table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">${headers.map((header) => html`<th scope="col" class="govuk-table__header">${header}</th>`)}</tr></thead>
    <tbody class="govuk-table__body">${rows.map(
      (cells) => html`<tr class="govuk-table__row">${cells.map((cell, index) =>
        index === 0
          ? html`<th scope="row" class="govuk-table__header app-pre-wrap">${cell}</th>`
          : html`<td class="govuk-table__cell app-pre-wrap">${cell}</td>`,
      )}</tr>`,
    )}</tbody>
  </table>`;
}

/** The status in plain words, with who decided and why when a supervisor approved or declined. */
export function statusDetail(context, judgment) {
  const status = statusOf(context.data, judgment);
  const pending = pendingDecision(context.data, judgment);
  /** @type {Html} */
  let decided = "";
  const agreedFirst = verbalApprovalOf(context.data, judgment.id);
  if ((status === "approved" || status === "declined") && pending && ["awaiting_approval", "verbal_approval"].includes(judgment.status)) {
    decided = html`<br>By you, not synced yet. Reason: <span class="app-pre-wrap">${pending.body}</span>`;
  } else if (status === "approved" || status === "declined") {
    decided = html`<br>By ${context.staffName(judgment.decided_by_id) || "a supervisor"}${judgment.decided_at ? ` on ${formatDateTime(judgment.decided_at)}` : ""}.
      Reason: <span class="app-pre-wrap" id="decision-reason">${judgment.decision_reason || ""}</span>`;
  }
  if ((status === "approved" || status === "declined") && agreedFirst) {
    decided = html`${decided}<br>First agreed by phone at ${formatDateTime(agreedFirst.agreed_at)}, recorded by the worker.`;
  }
  if (status === "verbal_approval") {
    const agreed = verbalApprovalOf(context.data, judgment.id);
    if (agreed) {
      decided = html`<br><span id="verbal-approval">Agreed by ${context.staffName(agreed.agreed_by_id) || "a supervisor"} by phone at ${formatDateTime(agreed.agreed_at)}.
        ${agreed.unsynced ? "Recorded on this device, not synced yet." : "Waiting for them to confirm it."}</span>`;
    }
  }
  const unsyncedSign = judgment.state === "signed" && judgment.unsynced && (!judgment.status || judgment.status === "draft");
  return html`${statusTag(status)}${decided}${unsyncedSign ? html`<br>Signed on this device: the status is confirmed when it syncs.` : ""}`;
}

class JudgmentScreen extends RecordScreen {
  constructor(context, id) {
    super(context);
    this.targetId = id;
  }

  get judgment() {
    return this.context.data.get("judgment", this.targetId);
  }

  get target() {
    return { targetKind: "judgment", targetId: this.targetId, fields: AMENDABLE, noun: "entry" };
  }

  markup() {
    const { context, judgment, state } = this;
    if (!judgment) {
      return html`<h1 class="govuk-heading-l">Judgment log entry not found</h1>
        <p class="govuk-body">It is no longer on this device.</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">Go to your caseload</a></p>`;
    }
    const policy = currentPolicy(context.data);
    const light = lightOf(context.data, judgment);
    const status = statusOf(context.data, judgment);
    const mine = isAuthor(judgment, context.user);
    const supervisor = context.user?.role === "supervisor";
    const signed = judgment.state === "signed";
    // The approver is the policy's: for a group supervision decision, perhaps the facilitator who recorded it.
    const confirming = mayConfirm(context.data, judgment, context.user);
    const canDecide = (((light === "red" || Boolean(judgment.ending)) && mayDecide(context.data, judgment, context.user, policy)) || confirming) && !pendingDecision(context.data, judgment);
    const canRecordAgreement = mayRecordAgreement(context.data, judgment, context.user, policy);
    const canMarkDiscussed = supervisor && signed && (status === "awaiting_discussion" || Boolean(openRequestOn(context.data, judgment.id)));
    return html`${backLink(`#/family/${judgment.family_id}`, `Back to ${familyName(context.data, judgment.family_id)}`)}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <span class="govuk-caption-l">${familyName(context.data, judgment.family_id)}</span>
      <h1 class="govuk-heading-l">Judgment log entry</h1>
      <dl class="govuk-summary-list">
        ${row("Decision question", judgment.question)}
        ${row("Kind of decision", html`${categoryLabel(policy, judgment.category)}<br>${lightTag(light)}`)}
        ${row("Status", statusDetail(context, judgment), "judgment-status")}
        ${judgment.interaction_id ? row("Visit", visitText(context, judgment.interaction_id)) : ""}
        ${row("Written by", html`${capitalised(writtenBy(context, judgment))}${notSyncedTag(judgment)}${receiptFlag(writtenTimes(judgment))}`)}
        ${row("Signed", signed ? html`${capitalised(signedWhen(judgment)) || "Yes, on this device"}${receiptFlag(signedTimes(judgment))}` : "Not yet: this is a draft", "judgment-signed")}
      </dl>
      ${!signed && mine
        ? html`<p class="govuk-body"><a class="govuk-link" href="${judgment.interaction_id
            ? `#/family/${judgment.family_id}/visit/${judgment.interaction_id}`
            : `#/family/${judgment.family_id}/judgment/${judgment.id}`}">Carry on writing or sign this entry</a></p>`
        : ""}
      ${table("Options considered", ["Option", "For", "Against"], (judgment.options || []).map((o) => [o.option, o.for || "", o.against || ""]))}
      ${judgment.ending ? endingSummary(context, judgment) : ""}
      <dl class="govuk-summary-list">
        ${row("Decision", judgment.decision)}
        ${row("Rationale", judgment.rationale)}
      </dl>
      ${table("Risks", ["Risk", "How it will be reduced"], (judgment.risks || []).map((r) => [r.risk, r.mitigation || ""]))}
      ${table("Who was consulted", ["Name", "Role", "Their view"], (judgment.consulted || []).map((p) => [p.name, p.role || "", p.view || ""]))}
      ${table("Who disagreed", ["Name", "Role", "Their view"], (judgment.disagreed || []).map((p) => [p.name, p.role || "", p.view || ""]))}
      <dl class="govuk-summary-list">
        ${row("The family's view", judgment.family_view)}
        ${row("The child's view", judgment.child_view)}
        ${row("Review date", judgment.review_date ? formatDate(judgment.review_date) : "")}
        ${judgment.review_outcome ? row("Outcome at review", judgment.review_outcome) : ""}
      </dl>
      ${attachmentsPanel({ parentKind: "judgment", parentId: judgment.id, familyId: judgment.family_id, canAdd: mine })}
      ${canRecordAgreement ? this.agreementForm() : ""}
      ${workerSide(this)}
      ${canDecide ? (confirming ? this.confirmForm() : this.decideForm()) : ""}
      ${signed
        ? html`${amendmentList(context, this.target)}
          ${amendmentForm(this, this.target)}
          ${supervisionThread(this, { target: judgment, noun: "decision" })}
          ${askToDiscussSection(this, { target: judgment, noun: "decision" })}
          ${supervisor ? html`${commentForm(this)}${canMarkDiscussed ? discussedForm(this, "decision") : ""}` : ""}`
        : ""}`;
  }

  decideForm() {
    const formId = "decide:";
    return html`<form data-form="decide" data-draft="decide/${this.targetId}" novalidate class="app-decision">
      ${this.judgment?.ending
        ? html`<h2 class="govuk-heading-m">Agree or decline this ending</h2>
          <p class="govuk-body">${this.judgment.ending.kind === "transfer"
            ? "If you agree, the receiving team's supervisor is asked to accept the family."
            : "If you agree, the children's plans end, the family is closed today and leaves the worker's caseload."} The worker will see your reason.</p>`
        : html`<h2 class="govuk-heading-m">Approve or decline this decision</h2>
          <p class="govuk-body">This is a red-light decision: the worker needs your approval before they act on it. They will see your reason.</p>`}
      ${textarea({ name: "body", id: "decide-reason", label: "Your reason", rows: 4, error: this.error(formId, "decide-reason") })}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button("Approve", { name: "decision", value: "approve" })}
        ${button("Decline", { warning: true, name: "decision", value: "decline" })}
      </div>
    </form>`;
  }

  /** The numbers to phone, and the form to record that a supervisor agreed by phone. */
  agreementForm() {
    const { context, judgment } = this;
    const family = context.data.get("family", judgment.family_id);
    const approvers = approversFor(context.data.reference?.directory, family?.team_id, context.user?.id);
    const formId = "agree:";
    return html`${urgentNumbersPanel(context.data.reference?.urgent_contacts)}
      <form data-form="agree" data-draft="agree/${this.targetId}" novalidate class="app-decision">
        <h2 class="govuk-heading-m">Record agreement by phone</h2>
        <p class="govuk-body">If a supervisor or manager of the team agreed this decision by phone, record who and when. The decision then waits for them to confirm it, and you may act on it now.</p>
        ${approvers.length
          ? select({
              name: "agreed_by_id",
              label: "Who agreed it?",
              options: approvers.map((person) => [person.id, person.display_name]),
              error: this.error(formId, "agreed_by_id"),
            })
          : html`<p class="govuk-body">This device does not know your team's supervisors yet. Sign in online once to fetch them.</p>`}
        ${dateInput({ name: "agreed_on", legend: "Date they agreed", hint: "For example, 27 3 2026", error: this.error(formId, "agreed_on") })}
        ${textInput({ name: "agreed_time", label: "Time they agreed", hint: "Use the 24-hour clock, for example 14:30", error: this.error(formId, "agreed_time"), width: 5 })}
        ${textarea({ name: "body", id: "agree-body", label: "What they agreed (optional)", rows: 3, error: this.error(formId, "agree-body") })}
        ${draftStatus()}
        ${approvers.length ? button("Record agreement by phone") : ""}
      </form>`;
  }

  /** The supervisor who agreed by phone confirms it, or records that they did not agree. */
  confirmForm() {
    const formId = "decide:";
    const agreed = verbalApprovalOf(this.context.data, this.targetId);
    return html`<form data-form="decide" data-draft="decide/${this.targetId}" novalidate class="app-decision">
      <h2 class="govuk-heading-m">Confirm the agreement you gave by phone</h2>
      <p class="govuk-body">${capitalised(writtenBy(this.context, this.judgment))} recorded that you agreed this decision by phone at ${formatDateTime(agreed?.agreed_at)}. Confirm it, or say that you did not agree: that declines it, and the worker may disagree or escalate as with any declined decision.</p>
      ${textarea({ name: "body", id: "decide-reason", label: "Your reason", rows: 4, error: this.error(formId, "decide-reason") })}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button("Confirm I agreed", { name: "decision", value: "approve" })}
        ${button("I did not agree", { warning: true, name: "decision", value: "decline" })}
      </div>
    </form>`;
  }

  initialValues(form) {
    if (form.dataset.form !== "agree") return null;
    const moment = now();
    const two = (number) => String(number).padStart(2, "0");
    return {
      "agreed_on-day": String(moment.getDate()),
      "agreed_on-month": String(moment.getMonth() + 1),
      "agreed_on-year": String(moment.getFullYear()),
      agreed_time: `${two(moment.getHours())}:${two(moment.getMinutes())}`,
    };
  }

  /** @returns {Handlers<JudgmentScreen>} */
  handlers() {
    const { context } = this;
    return {
      ...workerHandlers(context, this.targetId),
      async agree(values) {
        const errors = {};
        if (!values.agreed_by_id) errors.agreed_by_id = "Choose who agreed the decision";
        const day = readDate(values, "agreed_on");
        if (day === "") errors.agreed_on = "Enter the date they agreed";
        else if (day === null) errors.agreed_on = "The date they agreed must be a real date, for example 27 3 2026";
        const time = (values.agreed_time || "").trim();
        if (!time) errors.agreed_time = "Enter the time they agreed";
        else if (!/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(time)) errors.agreed_time = "Enter the time in hours and minutes, for example 14:30";
        checkLength(errors, "agree-body", values.body, LONG_TEXT, "What they agreed");
        let agreedAt = null;
        if (!errors.agreed_on && !errors.agreed_time) {
          const [year, month, date] = day.split("-").map(Number);
          const [hours, minutes] = time.split(/[:.]/).map(Number);
          agreedAt = new Date(year, month - 1, date, hours, minutes);
          if (agreedAt.getTime() > now().getTime() + AGREED_AHEAD_MS) errors.agreed_time = "The time they agreed must be in the past";
        }
        if (Object.keys(errors).length) return { errors };
        const name = context.staffName(values.agreed_by_id) || "your supervisor";
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: "verbal_approval",
          body: values.body?.trim() || `Agreed by ${name} by phone.`,
          agreed_by_id: values.agreed_by_id,
          agreed_at: agreedAt.toISOString(),
        });
        return { message: `You recorded that ${name} agreed this decision by phone. It waits for them to confirm it.` };
      },
      async decide(values, { submitter }) {
        const decision = submitter?.value;
        const errors = {};
        if (!values.body?.trim()) errors["decide-reason"] = decision === "decline" ? "Enter why you are declining this decision" : "Enter why you are approving this decision";
        checkLength(errors, "decide-reason", values.body, LONG_TEXT, "Your reason");
        if (!["approve", "decline"].includes(decision)) errors["decide-reason"] ||= "Choose approve or decline";
        if (Object.keys(errors).length) return { errors };
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: decision,
          body: values.body.trim(),
        });
        return { message: decision === "approve" ? "You approved this decision." : "You declined this decision." };
      },
      async amend(values) {
        return saveAmendment(context, this.target, values);
      },
      async reply(values, { target }) {
        return saveReply(context, this.target, values, target);
      },
      async comment(values) {
        return saveComment(context, this.target, values);
      },
      async discussed(values) {
        return saveDiscussed(context, this.target, values);
      },
      async "ask-to-discuss"(values) {
        return saveAskToDiscuss(context, this.target, values);
      },
    };
  }
}

export function signJudgmentConfirmation(data, judgment, formName = "confirm-judgment", problem = "") {
  const light = lightOf(data, judgment);
  return signConfirmation({
    noun: "entry",
    what: "the entry",
    formName,
    problem,
    extra: html`<p class="govuk-body">Under your council's decision policy this is a ${LIGHTS[light].name.toLowerCase()}-light decision: ${LIGHTS[light].text.toLowerCase()}.</p>`,
  });
}

export async function judgmentView(context) {
  const [id] = context.params;
  if (!context.data.get("judgment", id)) {
    notFound(context.main, "Judgment log entry");
    return null;
  }
  const screen = new JudgmentScreen(context, id);
  await screen.render({ force: true });
  return () => screen.close();
}
