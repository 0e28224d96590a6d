// A judgment log entry's form (used by the visit flow and the judgment log),
// its checks, saving and signing, and its status in plain words.

import { newId } from "../domain/ids.js";
import { otherLast } from "../domain/options.js";
import { needsNumbers, verbalApprovalOf } from "../domain/urgent.js";
import { checkboxes, dateInput, readDate, select, textInput, textarea } from "./forms.js";
import { urgentNumbersPanel } from "./urgent-numbers.js";
import { html } from "./html.js";
import { formatDateTime } from "./layout.js";
import { LONG_TEXT, baseVersion, checkLength, signConfirmation } from "./records.js";
import {
  LIGHTS,
  categoryLight,
  lightOf,
  lightReason,
  lightTag,
  pendingDecision,
  statusOf,
  statusTag,
} from "./judgment-policy.js";
import { t } from "../i18n.js";

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
      ${textInput({ name: `${prefix}-${index}-name`, label: t("Name"), error: errors[`${prefix}-${index}-name`], width: 20 })}
      ${textInput({ name: `${prefix}-${index}-role`, label: t("Role or relationship"), hint: t("For example, school nurse or grandmother"), error: errors[`${prefix}-${index}-role`], width: 20 })}
      ${textarea({ name: `${prefix}-${index}-view`, label: t("Their view"), rows: 3, error: errors[`${prefix}-${index}-view`] })}
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
      label: t("What decision are you making?"),
      hint: t("Write it as a question, for example: Should Sam stay with his grandmother this weekend?"),
      rows: 2,
      error: errors.question,
      labelClass: "govuk-label--s",
    })}
    ${categories.length
      ? select({
          name: "category",
          label: t("What kind of decision is it?"),
          hint: t("Your council's decision policy says what each kind of decision needs."),
          options: otherLast(categories.map((category) => [category.key, category.label])),
          error: errors.category,
        })
      : textInput({
          name: "category",
          label: t("What kind of decision is it?"),
          hint: t("Your council has not published a decision policy to this device yet, so this decision will need discussion with your supervisor."),
          error: errors.category,
        })}
    <div class="app-light-explainer" id="category-light" aria-live="polite"></div>
    ${checkboxes({
      name: "immediate_risk",
      legend: t("Is a child at risk now?"),
      options: [["yes", t("A child may be at immediate risk")]],
      hint: t("Tick this and the numbers to phone are shown at once, with or without a network."),
      error: errors.immediate_risk,
    })}
    <div id="urgent-numbers-slot" aria-live="polite"></div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${t("Options you considered")}</legend>
        <div class="govuk-hint">${t("At least one. Include doing nothing, if you considered it.")}</div>
        ${range(counts.option).map(
          (index) => html`<fieldset class="govuk-fieldset app-repeat">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Option {number}", { number: index + 1 })}</legend>
            ${textarea({ name: `option-${index}`, label: t("The option"), rows: 2, error: errors[`option-${index}`] })}
            ${textarea({ name: `option-${index}-for`, label: t("For"), rows: 2, error: errors[`option-${index}-for`] })}
            ${textarea({ name: `option-${index}-against`, label: t("Against"), rows: 2, error: errors[`option-${index}-against`] })}
          </fieldset>`,
        )}
        ${addRowButton("option", t("Add another option"), counts.option)}
      </fieldset>
    </div>

    ${textarea({ name: "decision", label: t("Your decision"), rows: 3, error: errors.decision, labelClass: "govuk-label--s" })}
    ${textarea({
      name: "rationale",
      label: t("Why you decided this"),
      hint: t("What you weighed, and what tipped the balance."),
      rows: 5,
      error: errors.rationale,
      labelClass: "govuk-label--s",
    })}

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${t("Risks")}</legend>
        <div class="govuk-hint">${t("Leave empty if you see none.")}</div>
        ${range(counts.risk).map(
          (index) => html`<fieldset class="govuk-fieldset app-repeat">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Risk {number}", { number: index + 1 })}</legend>
            ${textarea({ name: `risk-${index}`, label: t("The risk"), rows: 2, error: errors[`risk-${index}`] })}
            ${textarea({ name: `risk-${index}-mitigation`, label: t("How it will be reduced"), rows: 2, error: errors[`risk-${index}-mitigation`] })}
          </fieldset>`,
        )}
        ${addRowButton("risk", t("Add another risk"), counts.risk)}
      </fieldset>
    </div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${t("Who you consulted")}</legend>
        <div class="govuk-hint">${t("Colleagues, other professionals or members of the family's network, and what they thought.")}</div>
        ${peopleRows("consulted", counts.consulted, errors, t("Person consulted"))}
        ${addRowButton("consulted", t("Add another person consulted"), counts.consulted)}
      </fieldset>
    </div>

    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${t("Who disagreed")}</legend>
        <div class="govuk-hint">${t("Record disagreement as it was put to you. It is part of good practice, not a failure.")}</div>
        ${peopleRows("disagreed", counts.disagreed, errors, t("Person who disagreed"))}
        ${addRowButton("disagreed", t("Add another person who disagreed"), counts.disagreed)}
      </fieldset>
    </div>

    ${textarea({ name: "family_view", label: t("The family's view"), hint: t("In their words where you can."), rows: 3, error: errors.family_view, labelClass: "govuk-label--s" })}
    ${textarea({ name: "child_view", label: t("The child's view"), hint: t("In the child's own words where you can."), rows: 3, error: errors.child_view, labelClass: "govuk-label--s" })}
    ${dateInput({ name: "review_date", legend: t("When will you review this decision?"), hint: t("For example, 27 3 2027. Leave empty if no review is needed."), error: errors.review_date })}
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
  if (!text(values, "question")) errors.question = t("Enter the decision you are making");
  if (!text(values, "category")) errors.category = t("Choose what kind of decision it is");
  checkLength(errors, "question", values.question, 2000, t("The decision question"));
  checkLength(errors, "category", values.category, 60, t("The kind of decision"));
  rowProblems(errors, values, "option", (i) => `option-${i}`, (i) => [`option-${i}-for`, `option-${i}-against`],
    (i) => t("Describe option {number}, or clear what you wrote for and against it", { number: i + 1 }));
  rowProblems(errors, values, "risk", (i) => `risk-${i}`, (i) => [`risk-${i}-mitigation`],
    (i) => t("Describe risk {number}, or clear how it will be reduced", { number: i + 1 }));
  rowProblems(errors, values, "consulted", (i) => `consulted-${i}-name`, (i) => [`consulted-${i}-role`, `consulted-${i}-view`],
    (i) => t("Enter the name of person consulted {number}, or clear their role and view", { number: i + 1 }));
  rowProblems(errors, values, "disagreed", (i) => `disagreed-${i}-name`, (i) => [`disagreed-${i}-role`, `disagreed-${i}-view`],
    (i) => t("Enter the name of person who disagreed {number}, or clear their role and view", { number: i + 1 }));
  for (const index of range(rowCount(values, "option"))) {
    checkLength(errors, `option-${index}`, values[`option-${index}`], 2000, t("Option {number}", { number: index + 1 }));
    checkLength(errors, `option-${index}-for`, values[`option-${index}-for`], LONG_TEXT, t("What is for it"));
    checkLength(errors, `option-${index}-against`, values[`option-${index}-against`], LONG_TEXT, t("What is against it"));
  }
  for (const index of range(rowCount(values, "risk"))) {
    checkLength(errors, `risk-${index}`, values[`risk-${index}`], 2000, t("Risk {number}", { number: index + 1 }));
    checkLength(errors, `risk-${index}-mitigation`, values[`risk-${index}-mitigation`], LONG_TEXT, t("How it will be reduced"));
  }
  for (const prefix of ["consulted", "disagreed"]) {
    for (const index of range(rowCount(values, prefix))) {
      checkLength(errors, `${prefix}-${index}-name`, values[`${prefix}-${index}-name`], 200, t("The name"));
      checkLength(errors, `${prefix}-${index}-role`, values[`${prefix}-${index}-role`], 200, t("The role"));
      checkLength(errors, `${prefix}-${index}-view`, values[`${prefix}-${index}-view`], LONG_TEXT, t("Their view"));
    }
  }
  for (const name of ["decision", "rationale", "family_view", "child_view"]) {
    checkLength(errors, name, values[name], LONG_TEXT, t("This answer"));
  }
  if (readDate(values, "review_date") === null) errors.review_date = t("The review date must be a real date, for example 27 3 2027");
  if (signing) {
    if (!errors["option-0"] && !judgmentFromValues(values).options.length) errors["option-0"] = t("Describe at least one option you considered");
    if (!text(values, "decision")) errors.decision = t("Enter your decision");
    if (!text(values, "rationale")) errors.rationale = t("Enter why you decided this");
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

export function row(key, value, id) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap" ${id ? html`id="${id}"` : ""}>${value || html`<span class="app-secondary-text">${t("Not recorded")}</span>`}</dd></div>`;
}

export function table(caption, headers, rows) {
  if (!rows.length) {
    return html`<h2 class="govuk-heading-m">${caption}</h2><p class="govuk-body">${t("None recorded.")}</p>`;
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
    decided = html`<br>${t("By you, not synced yet. Reason:")} <span class="app-pre-wrap">${pending.body}</span>`;
  } else if (status === "approved" || status === "declined") {
    const by = context.staffName(judgment.decided_by_id) || t("a supervisor");
    decided = html`<br>${judgment.decided_at ? t("By {who} on {when}.", { who: by, when: formatDateTime(judgment.decided_at) }) : t("By {who}.", { who: by })}
      ${t("Reason:")} <span class="app-pre-wrap" id="decision-reason">${judgment.decision_reason || ""}</span>`;
  }
  if ((status === "approved" || status === "declined") && agreedFirst) {
    decided = html`${decided}<br>${t("First agreed by phone at {when}, recorded by the worker.", { when: formatDateTime(agreedFirst.agreed_at) })}`;
  }
  if (status === "verbal_approval") {
    const agreed = verbalApprovalOf(context.data, judgment.id);
    if (agreed) {
      decided = html`<br><span id="verbal-approval">${t("Agreed by {who} by phone at {when}.", { who: context.staffName(agreed.agreed_by_id) || t("a supervisor"), when: formatDateTime(agreed.agreed_at) })}
        ${agreed.unsynced ? t("Recorded on this device, not synced yet.") : t("Waiting for them to confirm it.")}</span>`;
    }
  }
  const unsyncedSign = judgment.state === "signed" && judgment.unsynced && (!judgment.status || judgment.status === "draft");
  return html`${statusTag(status)}${decided}${unsyncedSign ? html`<br>${t("Signed on this device: the status is confirmed when it syncs.")}` : ""}`;
}

export function signJudgmentConfirmation(data, judgment, formName = "confirm-judgment", problem = "") {
  const light = lightOf(data, judgment);
  return signConfirmation({
    noun: "entry",
    what: "the entry",
    formName,
    problem,
    extra: html`<p class="govuk-body">${t("Under your council's decision policy this is a {light}-light decision: {meaning}.", { light: LIGHTS[light].name.toLowerCase(), meaning: LIGHTS[light].text.toLowerCase() })}</p>`,
  });
}
