// Recording a visit in four parts, each saved as its own record: the
// interaction itself, the relational note, an optional judgment log entry and
// the compliance checklist. Keeping them apart is the point: judgment is
// first-class, and a checklist is never the only record of a visit.
//
// One address holds the flow (#/family/<id>/visit, then /<interaction id>);
// the part being shown is kept in the browser history entry, so a reload
// stays on it.

import { checklistItemId, newId } from "../../domain/ids.js";
import { localDate, now, nowMs, todayIso } from "../../clock.js";
import { currentEpisode } from "../../domain/plans.js";
import { askedOfEachChild, formatDate as isoDate, parseDate, ruleApplies } from "../../domain/timescales.js";
import { childDues, templateForVisit } from "../../domain/statutory.js";
import { button, checkboxes, dateInput, formValues, radios, readDate, textInput, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { attachmentsPanel } from "../attachments.js";
import { backLink, formatDate, formatDateTime, tag } from "../layout.js";
import {
  checkJudgment,
  judgmentFields,
  rowCounts,
  saveJudgment,
  signJudgment,
  signJudgmentConfirmation,
  statusDetail,
  valuesFromJudgment,
  watchCategory,
  withAnotherRow,
} from "../judgment-form.js";
import { currentPolicy, categoryLabel, lightOf, lightTag, statusOf, STATUS } from "../judgment-policy.js";
import { baseVersion, checkLength, draftStatus, notSyncedTag, signConfirmation, successBanner } from "../records.js";
import {
  checkNote,
  noteDraftKey,
  noteSectionFields,
  noteSectionsHtml,
  saveNote,
  sectionsFrom,
  signNote,
} from "../note-form.js";
import { RecordScreen } from "../record-screen.js";
import { t, tn } from "../../i18n.js";

// Functions, not constants: their words are in the language chosen when they are drawn.
const parts = () => [
  { step: "interaction", title: t("Visit details") },
  { step: "note", title: t("Relational note") },
  { step: "judgment", title: t("Judgment log entry") },
  { step: "checklist", title: t("Compliance checklist") },
];
const summaryPart = () => ({ step: "summary", title: t("Visit record"), shortTitle: t("Summary") });

const participation = () => ({
  child: [
    ["present", t("Present")],
    ["seen", t("Seen")],
    ["seen_alone", t("Seen alone")],
    ["spoken_to", t("Spoken to")],
  ],
  adult: [
    ["present", t("Present")],
    ["seen", t("Seen")],
    ["spoken_to", t("Spoken to")],
  ],
});

const answers = () => [
  ["yes", t("Yes")],
  ["no", t("No")],
  ["na", t("Not applicable")],
];
const answerWords = () => Object.fromEntries(answers());
// A visit recorded a little ahead of the device's clock is still "now".
const CLOCK_SLACK_MS = 5 * 60_000;

// --- reading the family's records -------------------------------------------------------

function personName(person) {
  return `${person.known_as || person.given_name || ""} ${person.family_name || ""}`.trim();
}

/** Return the people in the family now: the children first, then the adults, by name. */
function membersOf(data, familyId) {
  const on = todayIso();
  const people = new Map();
  for (const membership of data.ofFamily("membership", familyId)) {
    if (membership.valid_to && membership.valid_to < on) continue;
    const person = data.get("person", membership.person_id);
    if (person) people.set(person.id, person);
  }
  return [...people.values()].sort((a, b) => Number(Boolean(b.is_child)) - Number(Boolean(a.is_child)) || personName(a).localeCompare(personName(b)));
}

function newestFirst(records) {
  return [...records].sort((a, b) => (b.created_at || "~").localeCompare(a.created_at || "~"));
}

function ofVisit(data, entity, familyId, interactionId) {
  return newestFirst(data.ofFamily(entity, familyId).filter((record) => record.interaction_id === interactionId))[0] || null;
}

function templatesOf(data) {
  return data.all("checklist_template");
}

// What "Who was there" records for the checklist items a template says it
// answers. Being spoken to is a sign the child's wishes and feelings were
// heard, not proof: it fills in "yes" only, and leaves the rest to the worker.
// Its words say who was (yes) or was not (no), for one name or a list of them.
const VISIT_FLAGS = {
  child_seen: {
    flag: "seen",
    yes: (names, count) => tn("{names} was seen", "{names} were seen", count, { names }),
    no: (names, count) => tn("{names} was not seen", "{names} were not seen", count, { names }),
  },
  child_seen_alone: {
    flag: "seen_alone",
    yes: (names, count) => tn("{names} was seen alone", "{names} were seen alone", count, { names }),
    no: (names, count) => tn("{names} was not seen alone", "{names} were not seen alone", count, { names }),
  },
  child_spoken_to: {
    flag: "spoken_to",
    yesOnly: true,
    yes: (names, count) => tn("{names} was spoken to", "{names} were spoken to", count, { names }),
    no: (names, count) => tn("{names} was not spoken to", "{names} were not spoken to", count, { names }),
  },
};

function participantFlag(participant, flag) {
  return Boolean(participant?.[flag] || (flag === "seen" && participant?.seen_alone));
}

/**
 * Return what the visit's "Who was there" says for one child and a checklist
 * item ({answer, words}): "yes" when the child was seen (seen alone, spoken
 * to), otherwise "no" (or no answer, for spoken to); null when the visit does
 * not answer the item.
 */
function childVisitAnswer(item, interaction, child) {
  const asked = VISIT_FLAGS[item.from_visit];
  if (!asked || !interaction || !child) return null;
  const participant = (interaction.participants || []).find((p) => p.person_id === child.id);
  const yes = participantFlag(participant, asked.flag);
  return {
    answer: yes ? "yes" : asked.yesOnly ? null : "no",
    words: (yes ? asked.yes : asked.no)(personName(child), 1),
  };
}

function listWords(parts) {
  return parts.length > 1 ? t("{list} and {last}", { list: parts.slice(0, -1).join(", "), last: parts.at(-1) }) : parts[0] || "";
}

/**
 * Return what the visit's participants say for a checklist item answered once
 * for the whole family (checklists made before answers were per child):
 * "yes" when every child in the family was seen (or seen alone), otherwise
 * "no", with who was and was not; null when the visit does not answer it.
 */
function familyVisitAnswer(item, interaction, children) {
  const asked = VISIT_FLAGS[item.from_visit];
  if (!asked || !interaction || !children.length) return null;
  const byPerson = new Map((interaction.participants || []).map((participant) => [participant.person_id, participant]));
  const told = children.map((child) => {
    const yes = participantFlag(byPerson.get(child.id), asked.flag);
    return { name: personName(child), yes };
  });
  const yes = told.filter((child) => child.yes).map((child) => child.name);
  const no = told.filter((child) => !child.yes).map((child) => child.name);
  let words = asked.no(listWords(no), no.length);
  if (yes.length) {
    const seen = asked.yes(listWords(yes), yes.length);
    words = no.length ? t("{yes}; {no}", { yes: seen, no: tn("{names} was not", "{names} were not", no.length, { names: listWords(no) }) }) : seen;
  }
  return { answer: no.length ? "no" : "yes", words };
}

function describeTimescale(rule) {
  const interval = ({ count, unit }) =>
    ({
      days: () => tn("{count} day", "{count} days", count),
      working_days: () => tn("{count} working day", "{count} working days", count),
      weeks: () => tn("{count} week", "{count} weeks", count),
      months: () => tn("{count} month", "{count} months", count),
    })[unit]?.() ?? `${count} ${unit}`;
  if (rule.first_within) {
    return t("first within {first}, then every {every}", { first: interval(rule.first_within), every: interval(rule.every) });
  }
  return t("every {every}", { every: interval(rule.every) });
}

/**
 * Return when this visit was due under the template's timescale: the soonest
 * due of the family's children on a plan, counted from the visits before it.
 */
function visitDue(data, family, template, checklist, interaction) {
  if (checklist?.due_on) return checklist.due_on;
  if (!template.timescale) return null;
  const before = parseDate(localParts(interaction.occurred_at).date);
  const [first] = childDues(data, family.id, { visitsBefore: before }).filter((due) => due.template.key === template.key);
  return first ? isoDate(first.due) : null;
}

/** Return the key of a checklist row: its item's key, and the child's id where it is about each child. */
function rowKey({ item, child }) {
  return child ? `${item.key}/${child.id}` : item.key;
}

/** Return an item's answer: the device's record, or the answer waiting to be sent. */
function answerOf(data, itemId) {
  const record = data.get("checklist_item", itemId);
  if (record) return record;
  // The server makes the items; until they arrive only the waiting change holds the answer.
  const waiting = data.outbox.filter((mutation) => mutation.entity === "checklist_item" && mutation.id === itemId);
  return waiting.length ? Object.assign({}, ...waiting.map((mutation) => mutation.data)) : null;
}

function localParts(isoText) {
  const date = isoText ? new Date(isoText) : now();
  const two = (number) => String(number).padStart(2, "0");
  return {
    day: String(date.getDate()),
    month: String(date.getMonth() + 1),
    year: String(date.getFullYear()),
    time: `${two(date.getHours())}:${two(date.getMinutes())}`,
    date: localDate(date),
  };
}

function dateValues(name, isoDay) {
  const [year = "", month = "", day = ""] = (isoDay || "").split("-");
  return { [`${name}-day`]: day ? String(Number(day)) : "", [`${name}-month`]: month ? String(Number(month)) : "", [`${name}-year`]: year };
}

// --- checking what was typed -----------------------------------------------------------

function checkInteraction(values, modes, purposes) {
  const errors = {};
  const date = readDate(values, "visit_date");
  if (date === "") errors.visit_date = t("Enter the date of the visit");
  else if (date === null) errors.visit_date = t("The date of the visit must be a real date, for example 27 3 2026");
  const time = (values.visit_time || "").trim();
  if (!time) errors.visit_time = t("Enter the time the visit started");
  else if (!/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(time)) errors.visit_time = t("Enter the time in hours and minutes, for example 14:30");
  if (!errors.visit_date && !errors.visit_time && occurredAt(date, time).getTime() > nowMs() + CLOCK_SLACK_MS) {
    errors.visit_date = t("The date and time of the visit must be in the past");
  }
  const duration = (values.duration || "").trim();
  if (duration && (!/^\d+$/.test(duration) || Number(duration) > 24 * 60)) {
    errors.duration = t("Enter how long it lasted as a whole number of minutes, up to 1,440");
  }
  if (!modes.includes(values.mode)) errors.mode = t("Choose how you met");
  if (!purposes.includes(values.purpose)) errors.purpose = t("Choose what the visit was for");
  if (!["yes", "no"].includes(values.announced)) errors.announced = t("Choose whether the visit was announced");
  if (!["yes", "no"].includes(values.meaningful)) errors.meaningful = t("Choose whether it was a meaningful contact");
  const interpreterName = (values.interpreter_name || "").trim();
  const interpreterLanguage = (values.interpreter_language || "").trim();
  if (interpreterLanguage && !interpreterName) errors.interpreter_name = t("Enter who interpreted");
  if (interpreterName && !interpreterLanguage) errors.interpreter_language = t("Enter the language they interpreted");
  return errors;
}

/** Who interpreted at the visit and in which language: left empty when no one did. */
function interpreterFields(errors) {
  return html`<fieldset class="govuk-fieldset govuk-!-margin-bottom-6" aria-describedby="interpreter-hint">
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Interpreter")}</legend>
    <div class="govuk-hint" id="interpreter-hint">${t("If someone interpreted at the visit, say who and in which language. Leave both empty if no one did.")}</div>
    ${textInput({ name: "interpreter_name", label: t("Who interpreted"), hint: t("Their name, and their agency if they came from one"), error: errors.interpreter_name, width: 20 })}
    ${textInput({ name: "interpreter_language", label: t("Language interpreted"), hint: t("For example, Polish, British Sign Language, Cymraeg"), error: errors.interpreter_language, width: 20 })}
  </fieldset>`;
}

/** Say who interpreted: "Anna Nowak (Polish)", or "None". */
function interpreterWords(interpreter) {
  return interpreter ? t("{name} ({language})", interpreter) : t("None");
}

function occurredAt(date, time) {
  const [year, month, day] = date.split("-").map(Number);
  const [hours, minutes] = time.split(/[:.]/).map(Number);
  return new Date(year, month - 1, day, hours, minutes);
}

function interactionFrom(values, members) {
  const participants = members
    .map((person) => {
      const ticked = new Set(values[`participant-${person.id}`] || []);
      if (!ticked.size) return null;
      return {
        person_id: person.id,
        present: ticked.has("present"),
        seen: ticked.has("seen") || ticked.has("seen_alone"),
        seen_alone: ticked.has("seen_alone"),
        spoken_to: ticked.has("spoken_to"),
      };
    })
    .filter(Boolean);
  const duration = (values.duration || "").trim();
  return {
    occurred_at: occurredAt(readDate(values, "visit_date"), values.visit_time.trim()).toISOString(),
    duration_minutes: duration ? Number(duration) : null,
    mode: values.mode,
    purpose: values.purpose,
    announced: values.announced === "yes",
    meaningful: values.meaningful === "yes",
    participants,
    interpreter:
      (values.interpreter_name || "").trim()
        ? { name: values.interpreter_name.trim().slice(0, 200), language: values.interpreter_language.trim().slice(0, 80) }
        : null,
  };
}

function valuesFromInteraction(interaction) {
  const when = localParts(interaction.occurred_at);
  const values = {
    "visit_date-day": when.day,
    "visit_date-month": when.month,
    "visit_date-year": when.year,
    visit_time: when.time,
    duration: interaction.duration_minutes ?? "",
    mode: interaction.mode || "",
    purpose: interaction.purpose || "",
    announced: interaction.announced === true ? "yes" : interaction.announced === false ? "no" : "",
    meaningful: interaction.meaningful === true ? "yes" : interaction.meaningful === false ? "no" : "",
    interpreter_name: interaction.interpreter?.name || "",
    interpreter_language: interaction.interpreter?.language || "",
  };
  for (const participant of interaction.participants || []) {
    values[`participant-${participant.person_id}`] = ["present", "seen", "seen_alone", "spoken_to"].filter((key) => participant[key]);
  }
  return values;
}

/**
 * Return the answers a checklist asks for, in order: one for each item, or for
 * an item about each child one per child ({item, child, field, what}: the
 * form's field suffix, and the words errors use).
 */
function checklistRows(template, children) {
  return template.items.flatMap((item, index) =>
    children.length && askedOfEachChild(item)
      ? children.map((child) => ({ item, child, field: `${index}-${child.id}`, what: t("“{item}” for {name}", { item: item.label, name: personName(child) }) }))
      : [{ item, child: null, field: String(index), what: `“${item.label}”` }],
  );
}

function checkChecklist(values, rows) {
  const errors = {};
  for (const { field, what } of rows) {
    const answer = values[`answer-${field}`];
    if (!answerWords()[answer]) {
      errors[`answer-${field}`] = t("Answer {what}", { what });
    } else if (answer !== "yes" && !(values[`reason-${field}`] || "").trim()) {
      errors[`reason-${field}`] =
        answer === "no" ? t("Give the reason the answer to {what} is no", { what }) : t("Give the reason the answer to {what} is not applicable", { what });
    }
    checkLength(errors, `reason-${field}`, values[`reason-${field}`], 20_000, t("The reason"));
  }
  // A child seen alone was seen: the two answers for one child must agree.
  for (const row of rows.filter((candidate) => candidate.child && candidate.item.from_visit === "child_seen_alone")) {
    const seen = rows.find((candidate) => candidate.child?.id === row.child.id && candidate.item.from_visit === "child_seen");
    if (seen && values[`answer-${row.field}`] === "yes" && ["no", "na"].includes(values[`answer-${seen.field}`])) {
      errors[`answer-${seen.field}`] ||= t("{name} was seen alone, so answer yes to {what}", { name: personName(row.child), what: seen.what });
    }
  }
  const completed = readDate(values, "completed_on");
  if (completed === "") errors.completed_on = t("Enter the date the checklist was completed");
  else if (completed === null) errors.completed_on = t("The date it was completed must be a real date, for example 27 3 2026");
  else if (completed > todayIso()) errors.completed_on = t("The date it was completed cannot be in the future");
  return errors;
}

// --- the flow ---------------------------------------------------------------------------

class VisitFlow extends RecordScreen {
  constructor(context, familyId, interactionId) {
    super(context);
    this.familyId = familyId;
    this.interactionId = interactionId || null;
    const remembered = history.state?.visitStep;
    this.step = remembered && remembered.id === this.interactionId ? remembered.step : null;
    this.onStepClick = (event) => {
      const adder = event.target.closest("[data-add-row]");
      if (adder && context.main.contains(adder)) {
        event.preventDefault();
        this.addRow(adder.closest("form"), adder.dataset.addRow);
        return;
      }
      const link = event.target.closest("[data-step]");
      if (link && context.main.contains(link)) {
        event.preventDefault();
        this.state = { open: null, form: null, errors: {}, values: null, message: null };
        this.changeStep(link.dataset.step);
        this.render({ force: true }).then(() => this.focusHeading());
      }
    };
    context.main.addEventListener("click", this.onStepClick);
  }

  /** Draw the judgment form again with one more row, keeping everything typed. */
  async addRow(form, prefix) {
    const { values, focusId } = withAnotherRow(formValues(form), prefix);
    this.state = { ...this.state, form: `${form.dataset.form}:`, errors: {}, values, message: null };
    await this.render({ force: true });
    this.context.main.querySelector(`#${CSS.escape(focusId)}`)?.focus();
  }

  close() {
    super.close();
    this.context.main.removeEventListener("click", this.onStepClick);
  }

  // --- what the flow reads ---

  get data() {
    return this.context.data;
  }

  get family() {
    return this.data.get("family", this.familyId);
  }

  get interaction() {
    return this.interactionId ? this.data.get("interaction", this.interactionId) : null;
  }

  get note() {
    return this.interactionId ? ofVisit(this.data, "note", this.familyId, this.interactionId) : null;
  }

  get judgment() {
    return this.interactionId ? ofVisit(this.data, "judgment", this.familyId, this.interactionId) : null;
  }

  get checklist() {
    return this.interactionId ? ofVisit(this.data, "checklist", this.familyId, this.interactionId) : null;
  }

  get template() {
    const checklist = this.checklist;
    if (checklist) return templatesOf(this.data).find((template) => template.id === checklist.template_id) || null;
    return this.interaction ? templateForVisit(this.data, this.interaction.purpose, this.familyId) : null;
  }

  /** Return the part to show: the one chosen, or the first that still needs doing. */
  currentStep() {
    if (!this.interaction) return "interaction";
    if (this.step) return this.step;
    const note = this.note;
    if (!note || note.state !== "signed") return "note";
    const judgment = this.judgment;
    if (judgment && judgment.state !== "signed") return "judgment";
    if (!this.checklist && this.template) return judgment ? "checklist" : "judgment";
    return "summary";
  }

  changeStep(step) {
    this.step = step;
    history.replaceState({ ...(history.state || {}), visitStep: { id: this.interactionId, step } }, "");
  }

  async prepare() {
    if (this.interaction && !this.step) this.changeStep(this.currentStep());
    this.judgmentDraft = null;
    if (this.currentStep() === "judgment" && this.judgment?.state !== "signed") {
      this.judgmentDraft = await this.context.session.loadDraft(this.draftKey("judgment")).catch(() => null);
    }
    await this.prepareItemIds();
  }

  draftKey(part) {
    return `${part}/${this.familyId}/${this.interactionId || "new"}`;
  }

  formErrors(formName) {
    return this.state.form === `${formName}:` ? this.state.errors : {};
  }

  // --- drawing ---

  markup() {
    const family = this.family;
    if (!family) {
      return html`<h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed over to someone else.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`;
    }
    if (this.interactionId && !this.interaction) {
      return html`<h1 class="govuk-heading-l">${t("Visit not found")}</h1>
        <p class="govuk-body">${t("This visit is not on this device.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/family/${this.familyId}">Back to ${family.display_name}</a></p>`;
    }
    const step = this.currentStep();
    if (step === "note" && this.state.open === "confirm-note") {
      return signConfirmation({ noun: "note", what: "the note", formName: "confirm-note", problem: this.state.errors?.form });
    }
    if (step === "judgment" && this.state.open === "confirm-judgment" && this.judgment) {
      return signJudgmentConfirmation(this.data, this.judgment, "confirm-judgment", this.state.errors?.form);
    }
    const PARTS = parts();
    const SUMMARY = summaryPart();
    const part = PARTS.find((candidate) => candidate.step === step) || SUMMARY;
    const number = PARTS.indexOf(part) + 1;
    const body = {
      interaction: () => this.interactionPart(),
      note: () => this.notePart(),
      judgment: () => this.judgmentPart(),
      checklist: () => this.checklistPart(),
      summary: () => this.summaryPart(),
    }[step]();
    return html`${backLink(`#/family/${this.familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${this.problems()}
      ${successBanner(this.state.message, this.announce)}
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <span class="govuk-caption-l">${family.display_name}: ${number ? t("record a visit, part {number} of {parts}", { number, parts: PARTS.length }) : t("record a visit")}</span>
        <h1 class="govuk-heading-l">${part.title}</h1>
        ${this.interaction ? this.partsNavigation(step) : ""}
        ${body}
      </div></div>`;
  }

  partsNavigation(current) {
    const address = `#/family/${this.familyId}/visit/${this.interactionId}`;
    const PARTS = parts();
    const SUMMARY = summaryPart();
    return html`<nav class="app-visit-parts" aria-label="${t("Parts of this visit record")}">
      <ol class="app-visit-parts__list">
        ${[...PARTS, SUMMARY].map(({ step, title, shortTitle }, index) => {
          const name = index < PARTS.length ? `${index + 1}. ${title}` : shortTitle;
          return html`<li class="app-visit-parts__item">${
            step === current
              ? html`<span class="app-visit-parts__current" aria-current="step">${name}</span>`
              : html`<a class="govuk-link" href="${address}" data-step="${step}">${name}</a>`
          }</li>`;
        })}
      </ol>
    </nav>`;
  }

  continueButton(step, text = t("Continue")) {
    return html`<form data-form="next" data-target="${step}" novalidate>${button(text)}</form>`;
  }

  interactionPart() {
    const errors = this.formErrors("interaction");
    const members = membersOf(this.data, this.familyId);
    const existing = Boolean(this.interaction);
    return html`<p class="govuk-body">${t("First, the visit itself. Next you write the relational note, then log any decision you made, then the compliance checklist. Each is saved as its own record.")}</p>
      <form data-form="interaction" data-draft="${this.draftKey("visit")}" novalidate>
        ${dateInput({ name: "visit_date", legend: t("Date of the visit"), hint: t("For example, 27 3 2026"), error: errors.visit_date })}
        ${textInput({ name: "visit_time", label: t("Time it started"), hint: t("Use the 24-hour clock, for example 14:30"), error: errors.visit_time, width: 5, labelClass: "govuk-label--s" })}
        ${textInput({ name: "duration", label: t("How long it lasted, in minutes"), hint: t("For example, 45"), error: errors.duration, width: 4, inputmode: "numeric", labelClass: "govuk-label--s" })}
        ${radios({ name: "mode", legend: t("How did you meet?"), options: this.context.vocabulary("interaction_mode"), error: errors.mode })}
        ${radios({ name: "purpose", legend: t("What was it for?"), options: this.context.vocabulary("interaction_purpose"), error: errors.purpose })}
        ${radios({ name: "announced", legend: t("Did the family know you were coming?"), options: [["yes", t("Yes, it was announced")], ["no", t("No, it was unannounced")]], error: errors.announced })}
        ${radios({
          name: "meaningful",
          legend: t("Was it a meaningful contact?"),
          hint: t("A meaningful contact is one where the relationship moved on."),
          options: [["yes", t("Yes")], ["no", t("No")]],
          inline: true,
          error: errors.meaningful,
        })}
        ${interpreterFields(errors)}
        <h2 class="govuk-heading-m">${t("Who was there")}</h2>
        ${members.length
          ? html`<p class="govuk-body">${t("Tick what applies to each person. Leave a person empty if they were not part of it.")}</p>
            ${members.map((person) =>
              checkboxes({
                name: `participant-${person.id}`,
                legend: person.is_child ? t("{name} (child)", { name: personName(person) }) : personName(person),
                options: participation()[person.is_child ? "child" : "adult"],
              }),
            )}`
          : html`<p class="govuk-body">${t("No one in this family is on this device yet.")}</p>`}
        ${draftStatus()}
        ${button(existing ? t("Save and continue") : t("Save and continue to the note"))}
      </form>`;
  }

  notePart() {
    const note = this.note;
    if (note?.state === "signed") {
      return html`<p class="govuk-body">${tag(t("Signed"), "green")}${notSyncedTag(note)} The note is final. Corrections are made by amendment on the note's own page.</p>
        ${noteSectionsHtml(note, 2)}
        ${attachmentsPanel({ parentKind: "note", parentId: note.id, familyId: this.familyId })}
        <p class="govuk-body"><a class="govuk-link" href="#/note/${note.id}">${t("Open the note")}</a></p>
        ${this.continueButton("judgment")}`;
    }
    return html`<p class="govuk-body">${t("What happened in the relationship, in your words and the family's. This is the record of the visit: the checklist comes later and is kept apart.")}</p>
      ${note ? html`<p class="govuk-body">${tag(t("Draft"), "grey")}${notSyncedTag(note)} Not final until you sign it.</p>` : ""}
      <form data-form="note" data-draft="${noteDraftKey(this.familyId, this.interactionId)}" novalidate>
        ${noteSectionFields(this.formErrors("note"))}
        ${draftStatus()}
        <div class="govuk-button-group">
          ${button(t("Save as draft"), { secondary: true, name: "action", value: "draft" })}
          ${button(t("Sign the note"), { name: "action", value: "sign" })}
        </div>
      </form>
      ${note
        ? attachmentsPanel({ parentKind: "note", parentId: note.id, familyId: this.familyId })
        : html`<h2 class="govuk-heading-m">${t("Photos and files")}</h2><p class="govuk-body">${t("Save the note as a draft to add a photo (a child's drawing, a letter) or a file to it.")}</p>`}`;
  }

  judgmentPart() {
    const judgment = this.judgment;
    const policy = currentPolicy(this.data);
    if (judgment?.state === "signed") {
      return html`<p class="govuk-body">${tag(t("Signed"), "green")}${notSyncedTag(judgment)} The entry is final.</p>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Decision question")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${judgment.question}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Kind of decision")}</dt><dd class="govuk-summary-list__value">${categoryLabel(policy, judgment.category)}<br>${lightTag(lightOf(this.data, judgment))}</dd></div>
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Status")}</dt><dd class="govuk-summary-list__value" id="judgment-status">${statusDetail(this.context, judgment)}</dd></div>
        </dl>
        <p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">${t("Open the entry")}</a></p>
        ${this.continueButton("checklist")}`;
    }
    const start = this.state.form === "judgment:" && this.state.values
      ? this.state.values
      : { ...(judgment ? valuesFromJudgment(judgment) : {}), ...(this.judgmentDraft || {}) };
    return html`<p class="govuk-body">${t("If you made a professional decision on this visit, log it here: the question, the options you weighed, what you decided and why. It is kept apart from the compliance checklist. If you made no decision, continue.")}</p>
      ${judgment ? html`<p class="govuk-body">${tag(t("Draft"), "grey")}${notSyncedTag(judgment)} Not final until you sign it.</p>` : ""}
      <form data-form="judgment" data-draft="${this.draftKey("judgment")}" novalidate>
        ${judgmentFields({ policy, counts: rowCounts(start), errors: this.formErrors("judgment") })}
        ${draftStatus()}
        <div class="govuk-button-group">
          ${button(t("Save as draft"), { secondary: true, name: "action", value: "draft" })}
          ${button(t("Sign this entry"), { name: "action", value: "sign" })}
        </div>
        <p class="govuk-body">${button(judgment ? t("Continue and leave this entry as a draft") : t("I made no decision to log: continue"), { secondary: true, name: "action", value: "skip" })}</p>
      </form>`;
  }

  checklistPart() {
    const template = this.template;
    const family = this.family;
    const interaction = this.interaction;
    if (!template) {
      return html`<p class="govuk-body">Your council has no compliance checklist for ${this.context.label("interaction_purpose", interaction.purpose).toLowerCase()} visits, so there is nothing to complete here.</p>
        ${this.continueButton("summary")}`;
    }
    const checklist = this.checklist;
    const due = visitDue(this.data, family, template, checklist, interaction);
    const visitDay = localParts(interaction.occurred_at).date;
    const timing = due
      ? html`<p class="govuk-body" id="visit-due">${t("This visit was due by")} <strong>${formatDate(due)}</strong>${template.timescale ? ` (${describeTimescale(template.timescale)})` : ""}.
          ${visitDay <= due
            ? html`${tag(t("Within timescale"), "green")} ${t("The visit on {day} was in time.", { day: formatDate(visitDay) })}`
            : html`${tag(t("Late"), "red")} ${t("The visit on {day} was after the due date.", { day: formatDate(visitDay) })}`}</p>`
      : template.timescale
        ? html`<p class="govuk-body">${t("No child in the family is on a plan this check applies to, so no visit was due.")}</p>`
        : html`<p class="govuk-body">${t("No statutory timescale applies to this checklist.")}</p>`;
    const heading = html`<h2 class="govuk-heading-m">${template.name}</h2>
      ${template.legal_basis ? html`<div class="govuk-inset-text app-pre-wrap">${t("Legal basis:")} ${template.legal_basis}</div>` : ""}
      ${timing}`;
    if (checklist && this.state.open !== "edit-checklist") {
      return html`${heading}
        <p class="govuk-body">${tag(t("Completed"), "green")}${notSyncedTag(checklist)} ${t("on {when}", { when: formatDate(checklist.completed_on) })}.</p>
        ${this.answersList()}
        <p class="govuk-body"><button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-open="edit-checklist">${t("Change the answers")}</button></p>
        ${this.continueButton("summary")}`;
    }
    const errors = this.formErrors("checklist");
    const children = this.children;
    const rows = this.rows;
    // A checklist from before answers were per child is answered for all the children at once.
    const familyChildren = membersOf(this.data, this.familyId).filter((person) => person.is_child);
    const fromVisit = ({ item, child }) => {
      const told = child ? childVisitAnswer(item, interaction, child) : familyVisitAnswer(item, interaction, familyChildren);
      if (!told) return undefined;
      if (checklist || !told.answer) return t("“Who was there” on this visit says {words}.", { words: told.words });
      return t("Filled in from “Who was there” on this visit: {words}. Change it if it is wrong.", { words: told.words });
    };
    const answerFields = (row) => html`${radios({
        name: `answer-${row.field}`,
        legend: row.child ? html`<span class="govuk-visually-hidden">${row.item.label}: </span>${personName(row.child)}` : row.item.label,
        hint: fromVisit(row),
        options: answers(),
        inline: true,
        error: errors[`answer-${row.field}`],
      })}
      ${textarea({
        name: `reason-${row.field}`,
        label: html`${t("Reason")}<span class="govuk-visually-hidden"> ${t("for the answer to {what}", { what: row.what })}</span>`,
        hint: t("Needed if the answer is no or not applicable."),
        rows: 2,
        error: errors[`reason-${row.field}`],
      })}`;
    const asked = children.length ? html`<p class="govuk-body" id="checklist-children">${t("Items about the children are answered for each child: {children}.", { children: listWords(children.map(personName)) })}</p>` : "";
    return html`${heading}
      <p class="govuk-body">${t("Answer each item. If the answer is no, or the item does not apply, say why.")}</p>
      ${rows.some((row) => row.child) ? asked : ""}
      <form data-form="checklist" data-draft="${this.draftKey("checklist")}" novalidate>
        ${template.items.map((item) => {
          const itemRows = rows.filter((row) => row.item === item);
          if (!itemRows[0].child) return html`<div class="app-checklist-item">${answerFields(itemRows[0])}</div>`;
          return html`<div class="app-checklist-item">
            <h3 class="govuk-heading-s">${item.label}</h3>
            ${itemRows.map((row) => html`<div class="app-checklist-item__child">${answerFields(row)}</div>`)}
          </div>`;
        })}
        ${dateInput({ name: "completed_on", legend: t("Date the checklist was completed"), hint: t("For example, 27 3 2026"), error: errors.completed_on })}
        ${draftStatus()}
        ${button(t("Save the checklist"))}
      </form>`;
  }

  answersList() {
    const answers = this.answers;
    return html`<dl class="govuk-summary-list" id="checklist-answers">${this.rows.map((row) => {
      const answer = answers.get(rowKey(row));
      return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${row.item.label}${row.child ? `: ${personName(row.child)}` : ""}</dt>
        <dd class="govuk-summary-list__value">${answer?.answer ? answerWords()[answer.answer] : t("Not answered")}${
          answer?.reason ? html`<br><span class="app-pre-wrap">${answer.reason}</span>` : ""
        }</dd></div>`;
    })}</dl>`;
  }

  summaryPart() {
    const interaction = this.interaction;
    const note = this.note;
    const judgment = this.judgment;
    const checklist = this.checklist;
    const template = this.template;
    const people = new Map(membersOf(this.data, this.familyId).map((person) => [person.id, person]));
    const seen = (interaction.participants || []).filter((p) => p.seen || p.seen_alone);
    const task = (step, title, status, index) => html`<li class="govuk-task-list__item govuk-task-list__item--with-link">
        <div class="govuk-task-list__name-and-hint">
          <a class="govuk-link govuk-task-list__link" href="#/family/${this.familyId}/visit/${this.interactionId}" data-step="${step}" aria-describedby="visit-part-${index}-status">${title}</a>
        </div>
        <div class="govuk-task-list__status" id="visit-part-${index}-status">${status}</div>
      </li>`;
    const noteStatus = !note ? tag(t("Not started"), "blue") : note.state === "signed" ? t("Signed") : tag(t("Draft"), "grey");
    const judgmentStatus = !judgment ? t("None logged") : judgment.state === "signed" ? STATUS[statusOf(this.data, judgment)].words : tag(t("Draft"), "grey");
    const checklistStatus = !template ? t("None for this purpose") : checklist ? t("Completed") : tag(t("Not started"), "blue");
    const waiting = [interaction, note, judgment, checklist].some((record) => record?.unsynced);
    return html`<dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("When")}</dt><dd class="govuk-summary-list__value">${formatDateTime(interaction.occurred_at)}${interaction.duration_minutes ? `, ${interaction.duration_minutes} minutes` : ""}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("How and why")}</dt><dd class="govuk-summary-list__value">${this.context.label("interaction_mode", interaction.mode)}: ${this.context.label("interaction_purpose", interaction.purpose)}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Announced")}</dt><dd class="govuk-summary-list__value">${interaction.announced ? t("Yes") : t("No")}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Interpreter")}</dt><dd class="govuk-summary-list__value" id="visit-interpreter">${interpreterWords(interaction.interpreter)}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Meaningful contact")}</dt><dd class="govuk-summary-list__value">${interaction.meaningful ? t("Yes") : "No"}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Seen")}</dt><dd class="govuk-summary-list__value">${
          seen.length
            ? seen.map((p) => html`${people.has(p.person_id) ? personName(people.get(p.person_id)) : t("Someone no longer in the family")}${p.seen_alone ? ` ${t("(seen alone)")}` : ""}<br>`)
            : t("No one recorded as seen")
        }</dd></div>
      </dl>
      <h2 class="govuk-heading-m">${t("The parts of this record")}</h2>
      <ul class="govuk-task-list">
        ${task("interaction", t("Visit details"), t("Completed"), 1)}
        ${task("note", t("Relational note"), noteStatus, 2)}
        ${task("judgment", t("Judgment log entry"), judgmentStatus, 3)}
        ${task("checklist", t("Compliance checklist"), checklistStatus, 4)}
      </ul>
      ${note ? html`<p class="govuk-body"><a class="govuk-link" href="#/note/${note.id}">${t("Read the relational note")}</a></p>` : ""}
      ${judgment ? html`<p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">${t("Read the judgment log entry")}</a></p>` : ""}
      ${waiting ? html`<p class="govuk-body">${t("Some of this record is saved on this device and not synced yet. It is sent when you are online.")}</p>` : ""}
      ${attachmentsPanel({ parentKind: "visit", parentId: interaction.id, familyId: this.familyId })}
      <p class="govuk-body"><a class="govuk-link" href="#/family/${this.familyId}">Back to ${this.family.display_name}</a></p>`;
  }

  // --- the forms' starting values ---

  initialValues(form) {
    switch (form.dataset.form) {
      case "interaction": {
        if (this.interaction) return valuesFromInteraction(this.interaction);
        const now = localParts();
        return { "visit_date-day": now.day, "visit_date-month": now.month, "visit_date-year": now.year, visit_time: now.time };
      }
      case "note":
        return sectionsFrom(this.note?.sections || {});
      case "judgment":
        return this.judgment ? valuesFromJudgment(this.judgment) : null;
      case "checklist":
        return this.checklistValues();
      default:
        return null;
    }
  }

  afterRender() {
    const form = this.context.main.querySelector('form[data-form="judgment"]');
    if (form) watchCategory(form, currentPolicy(this.data), this.data.reference?.urgent_contacts);
  }

  /** Return the answers of this visit's checklist by row (item key, and child where it is about each). */
  get answers() {
    const answers = new Map();
    const checklist = this.checklist;
    if (!checklist || !this.itemIds) return answers;
    for (const row of this.rows) {
      const id = this.itemIds.get(rowKey(row));
      if (id) answers.set(rowKey(row), answerOf(this.data, id));
    }
    return answers;
  }

  /** Return the answers the checklist asks for: each item, once per child where it is about each child. */
  get rows() {
    const template = this.template;
    return template ? checklistRows(template, this.children) : [];
  }

  /**
   * Return the children the visit's checklist asks about. A checklist made
   * names them; a new one asks about those on a plan its template applies to
   * (the children whose statutory visit this is, whose being seen moves their
   * next due date), or, when the template is for every plan or no child here
   * is on one of its plans, every child in the family now. A checklist from
   * before answers were per child names none: its answers are the family's.
   */
  get children() {
    const checklist = this.checklist;
    if (checklist) {
      return (checklist.child_ids || []).map((id) => this.data.get("person", id) || { id, given_name: t("A child no longer on this device") });
    }
    const children = membersOf(this.data, this.familyId).filter((person) => person.is_child);
    const rule = this.template?.timescale;
    if (!rule?.applies_to?.length) return children;
    const onPlan = children.filter((child) => {
      const episode = currentEpisode(this.data, child.id);
      return episode && ruleApplies(rule, episode.plan_type);
    });
    return onPlan.length ? onPlan : children;
  }

  checklistValues() {
    const template = this.template;
    const values = dateValues("completed_on", this.checklist?.completed_on || localParts(this.interaction?.occurred_at).date);
    if (this.checklist && template) {
      const answers = this.answers;
      for (const row of this.rows) {
        const answer = answers.get(rowKey(row));
        values[`answer-${row.field}`] = answer?.answer || "";
        values[`reason-${row.field}`] = answer?.reason || "";
      }
    } else if (template) {
      // A new checklist starts from what "Who was there" already says of each child.
      for (const { item, child, field } of this.rows) {
        const told = child ? childVisitAnswer(item, this.interaction, child) : null;
        if (told?.answer) values[`answer-${field}`] = told.answer;
      }
    }
    return values;
  }

  async prepareItemIds() {
    const checklist = this.checklist;
    const template = this.template;
    if (!checklist || !template) {
      this.itemIds = null;
      return;
    }
    if (this.itemIds?.checklistId === checklist.id && this.itemIds.size === this.rows.length) return;
    const ids = new Map(await Promise.all(this.rows.map(async (row) => [rowKey(row), await checklistItemId(checklist.id, row.item.key, row.child?.id)])));
    this.itemIds = Object.assign(ids, { checklistId: checklist.id });
  }

  // --- saving each part ---

  handlers() {
    const { context } = this;
    const flow = this;
    return {
      async next(_values, { target }) {
        return { step: target };
      },

      async interaction(values) {
        const modes = context.vocabulary("interaction_mode").map(([code]) => code);
        const purposes = context.vocabulary("interaction_purpose").map(([code]) => code);
        const errors = checkInteraction(values, modes, purposes);
        if (Object.keys(errors).length) return { errors };
        const fields = interactionFrom(values, membersOf(flow.data, flow.familyId));
        const existing = flow.interaction;
        if (!existing) {
          const id = newId();
          await context.session.sync.enqueue("interaction", "create", id, { family_id: flow.familyId, ...fields });
          flow.interactionId = id;
          // The new visit gets its own address, replacing the blank form in the history.
          history.replaceState(null, "", `#/family/${flow.familyId}/visit/${id}`);
          return { step: "note" };
        }
        const changed = Object.fromEntries(Object.entries(fields).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(existing[name] ?? null)));
        if (Object.keys(changed).length) {
          await context.session.sync.enqueue("interaction", "update", existing.id, changed, baseVersion(flow.data, "interaction", existing.id));
        }
        return { step: "note" };
      },

      async note(values, { submitter }) {
        const signing = submitter?.value === "sign";
        const errors = checkNote(values, { signing });
        if (Object.keys(errors).length) return { errors };
        await saveNote(context, { note: flow.note, familyId: flow.familyId, interactionId: flow.interactionId }, values);
        if (signing) return { state: { open: "confirm-note" } };
        return { message: t("Your note is saved as a draft. It is not final until you sign it.") };
      },

      async "confirm-note"(_values, { submitter }) {
        if (submitter?.value !== "yes") return {};
        await signNote(context, flow.note.id);
        return { message: t("The note is signed. From now on it can only be corrected by amendment.") };
      },

      async judgment(values, { submitter }) {
        const action = submitter?.value || "draft";
        if (action === "skip") {
          return { step: "checklist", keepDraft: true };
        }
        const signing = action === "sign";
        const errors = checkJudgment(values, { signing });
        if (Object.keys(errors).length) return { errors };
        await saveJudgment(context, { judgment: flow.judgment, familyId: flow.familyId, interactionId: flow.interactionId }, values);
        if (signing) return { state: { open: "confirm-judgment" } };
        return { message: t("Your judgment log entry is saved as a draft. It is not final until you sign it.") };
      },

      async "confirm-judgment"(_values, { submitter }) {
        if (submitter?.value !== "yes") return {};
        await signJudgment(context, flow.judgment.id);
        const status = STATUS[statusOf(flow.data, flow.judgment)];
        return { message: t("The entry is signed. Its status is now: {status}. {meaning}", { status: status.words.toLowerCase(), meaning: status.text }) };
      },

      async checklist(values) {
        const template = flow.template;
        const rows = flow.rows;
        const errors = checkChecklist(values, rows);
        if (Object.keys(errors).length) return { errors };
        const completedOn = readDate(values, "completed_on");
        const answerFor = ({ field }) => {
          const answer = values[`answer-${field}`];
          const reason = (values[`reason-${field}`] || "").trim();
          return { answer, reason: reason || null };
        };
        // What each answer's item is, so the device reads the answer (and counts
        // the child's visit) before the server's item arrives.
        const partOf = (checklistId, { item, child }) => ({
          entity: "checklist",
          id: checklistId,
          item: { family_id: flow.familyId, checklist_id: checklistId, item_key: item.key, label: item.label, child_id: child?.id || null, from_visit: child ? item.from_visit || null : null },
        });
        const existing = flow.checklist;
        if (!existing) {
          const id = newId();
          await context.session.sync.enqueue("checklist", "create", id, {
            family_id: flow.familyId,
            template_id: template.id,
            interaction_id: flow.interactionId,
            completed_on: completedOn,
            child_ids: flow.children.map((child) => child.id),
          });
          // The server makes one item per template item, per child where it is
          // about each child; each answer merges into its item.
          for (const row of rows) {
            await context.session.sync.enqueue("checklist_item", "update", await checklistItemId(id, row.item.key, row.child?.id), answerFor(row), 1, { partOf: partOf(id, row) });
          }
          return { step: "summary", message: t("The checklist is saved.") };
        }
        if (existing.completed_on !== completedOn) {
          await context.session.sync.enqueue("checklist", "update", existing.id, { completed_on: completedOn }, baseVersion(flow.data, "checklist", existing.id));
        }
        const answers = flow.answers;
        for (const row of rows) {
          const now = answerFor(row);
          const before = answers.get(rowKey(row)) || {};
          if (now.answer !== (before.answer || null) || now.reason !== (before.reason || null)) {
            const itemId = await checklistItemId(existing.id, row.item.key, row.child?.id);
            await context.session.sync.enqueue("checklist_item", "update", itemId, now, Math.max(1, flow.data.record("checklist_item", itemId)?.version || 1), { partOf: partOf(existing.id, row) });
          }
        }
        return { message: t("The checklist answers are saved.") };
      },
    };
  }
}

export async function visitView(context) {
  const [familyId, interactionId] = context.params;
  if (!context.data.get("family", familyId)) {
    mount(
      context.main,
      html`<h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed over to someone else.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
    );
    return null;
  }
  const flow = new VisitFlow(context, familyId, interactionId);
  await flow.render({ force: true });
  return () => flow.close();
}
