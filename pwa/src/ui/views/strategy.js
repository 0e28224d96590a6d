// Recording a strategy discussion from the family's page: who took part from
// which agency, the children it was about, what was shared and what was
// decided. Saved and signed in one go through the outbox, so it works offline;
// once signed it is final (corrections are amendments), but for the day the
// initial child protection conference was held, recorded here when it happens.
// A saved discussion has its own address (#/family/<id>/strategy/<discussion id>).

import { localDate, now, nowMs } from "../../clock.js";
import { newId } from "../../domain/ids.js";
import { enquiryOf, startsS47 } from "../../domain/strategy.js";
import { button, checkboxes, dateInput, formValues, radios, readDate, select, textInput, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDate, formatDateTime, tag } from "../layout.js";
import { familyMembers, fullName } from "../people.js";
import { LONG_TEXT, baseVersion, checkLength, draftStatus, notSyncedTag, successBanner } from "../records.js";
import { RecordScreen } from "../record-screen.js";
import { t } from "../../i18n.js";

const MAX_PEOPLE = 30;
// A device clock a little ahead of the council's is not the worker's mistake.
const CLOCK_SLACK_MS = 5 * 60_000;
const s47Hint = () =>
  t(
    "A section 47 enquiry is when children's social care, often with the police, finds out whether a child is suffering, or likely to suffer, significant harm (section 47 of the Children Act 1989). If an enquiry starts, the initial child protection conference is due within 15 working days of this discussion.",
  );

function strategyAddress(familyId, discussionId = null) {
  return `#/family/${familyId}/strategy${discussionId ? `/${discussionId}` : ""}`;
}

function peopleCount(values) {
  const count = Number(values?.["participant-count"] || 2);
  return Math.min(MAX_PEOPLE, Math.max(1, Number.isFinite(count) ? count : 2));
}

function childrenOf(data, familyId) {
  return familyMembers(data, familyId)
    .map((member) => member.person)
    .filter((person) => person.is_child);
}

function occurredAt(date, time) {
  const [year, month, day] = date.split("-").map(Number);
  const [hours, minutes] = time.split(/[:.]/).map(Number);
  return new Date(year, month - 1, day, hours, minutes);
}

/** Check what was typed; return errors by field id (the same ids the form uses). */
export function checkStrategy(values, { children, decisions, agencies }) {
  const errors = {};
  const date = readDate(values, "discussed_on");
  if (date === "") errors.discussed_on = t("Enter the date of the strategy discussion");
  else if (date === null) errors.discussed_on = t("The date of the strategy discussion must be a real date, for example 27 3 2026");
  const time = (values.discussed_time || "").trim();
  if (!time) errors.discussed_time = t("Enter the time the discussion started");
  else if (!/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(time)) errors.discussed_time = t("Enter the time in hours and minutes, for example 14:30");
  if (!errors.discussed_on && !errors.discussed_time && occurredAt(date, time).getTime() > nowMs() + CLOCK_SLACK_MS) {
    errors.discussed_on = t("The date and time of the discussion must be in the past");
  }
  const chosen = (values.child_ids || []).filter((id) => children.includes(id));
  if (!chosen.length) errors.child_ids = t("Choose the children the discussion was about");
  const people = peopleOf(values);
  for (let index = 0; index < peopleCount(values); index += 1) {
    const name = (values[`participant-${index}-name`] || "").trim();
    const agency = values[`participant-${index}-agency`] || "";
    if (!name && !agency) continue;
    if (!name) errors[`participant-${index}-name`] = t("Enter the name of person {number}", { number: index + 1 });
    if (!agencies.includes(agency)) errors[`participant-${index}-agency`] = t("Choose the agency of person {number}", { number: index + 1 });
  }
  if (!people.length && !Object.keys(errors).some((key) => key.startsWith("participant-"))) {
    errors["participant-0-name"] = t("Enter at least one person who took part");
  }
  if (values.decision === "joint_s47" && people.length && !people.some((person) => person.agency === "police")) {
    errors.decision = t("A joint enquiry with the police needs the police taking part: add them, or choose another decision");
  }
  if (!(values.information_shared || "").trim()) errors.information_shared = t("Enter the information that was shared");
  checkLength(errors, "information_shared", values.information_shared, LONG_TEXT, t("The information shared"));
  if (!decisions.includes(values.decision)) errors.decision ||= t("Choose what was decided");
  return errors;
}

function peopleOf(values) {
  const people = [];
  for (let index = 0; index < peopleCount(values); index += 1) {
    const name = (values[`participant-${index}-name`] || "").trim();
    if (name) {
      people.push({ name, role: (values[`participant-${index}-role`] || "").trim(), agency: values[`participant-${index}-agency`] || "" });
    }
  }
  return people;
}

class StrategyScreen extends RecordScreen {
  constructor(context, familyId, discussionId) {
    super(context);
    this.familyId = familyId;
    this.discussionId = discussionId || null;
    this.onAddRow = (event) => {
      const adder = event.target.closest("[data-add-person]");
      if (adder && context.main.contains(adder)) {
        event.preventDefault();
        this.addPerson(adder.closest("form"));
      }
    };
    context.main.addEventListener("click", this.onAddRow);
  }

  close() {
    super.close();
    this.context.main.removeEventListener("click", this.onAddRow);
  }

  get data() {
    return this.context.data;
  }

  get discussion() {
    return this.discussionId ? this.data.get("strategy_discussion", this.discussionId) : null;
  }

  get draftKey() {
    return `strategy/${this.familyId}/new`;
  }

  async addPerson(form) {
    const values = formValues(form);
    const count = peopleCount(values);
    this.state = { ...this.state, form: "strategy:", errors: {}, values: { ...values, "participant-count": String(Math.min(MAX_PEOPLE, count + 1)) }, message: null };
    await this.render({ force: true });
    this.context.main.querySelector(`#participant-${count}-name`)?.focus();
  }

  async prepare() {
    this.typedDraft = this.discussionId ? null : await this.context.session.loadDraft(this.draftKey).catch(() => null);
  }

  markup() {
    const { data, familyId, state } = this;
    const family = data.get("family", familyId);
    const back = backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }));
    if (this.discussionId) {
      const discussion = this.discussion;
      if (!discussion || discussion.family_id !== familyId) {
        return html`${back}<h1 class="govuk-heading-l">${t("Strategy discussion not found")}</h1>
          <p class="govuk-body">${t("It is not on this device.")}</p>`;
      }
      return this.readMarkup(family, discussion, back);
    }
    const errors = state.form === "strategy:" ? state.errors : {};
    const start = state.form === "strategy:" && state.values ? state.values : this.typedDraft || {};
    const count = peopleCount(start);
    const agencies = this.context.vocabulary("strategy_agency");
    const children = childrenOf(data, familyId).map((person) => [person.id, fullName(person)]);
    const people = Array.from({ length: count }, (_, index) => html`<fieldset class="govuk-fieldset app-repeat">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Person {number}", { number: index + 1 })}</legend>
        ${textInput({ name: `participant-${index}-name`, label: t("Name"), error: errors[`participant-${index}-name`], width: 20 })}
        ${textInput({ name: `participant-${index}-role`, label: t("Role (optional)"), hint: t("For example, detective constable or health visitor"), error: errors[`participant-${index}-role`], width: 20 })}
        ${select({ name: `participant-${index}-agency`, label: t("Agency"), options: agencies, error: errors[`participant-${index}-agency`] })}
      </fieldset>`);
    return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${back}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Record a strategy discussion")}</h1>
      <p class="govuk-body">${t("A strategy discussion is when agencies share what they know about a child who may be at risk of significant harm, and decide together what happens next. Record who took part, what was shared and what was decided.")}</p>
      <form data-form="strategy" data-draft="${this.draftKey}" novalidate>
        <input type="hidden" name="participant-count" value="${String(count)}">
        ${dateInput({ name: "discussed_on", legend: t("Date of the discussion"), hint: t("For example, 27 3 2026"), error: errors.discussed_on })}
        ${textInput({ name: "discussed_time", label: t("Time it started"), hint: t("Use the 24-hour clock, for example 14:30"), error: errors.discussed_time, width: 5, labelClass: "govuk-label--s" })}
        ${children.length
          ? checkboxes({ name: "child_ids", legend: t("Which children was it about?"), hint: t("Select all that apply"), options: children, error: errors.child_ids })
          : html`<p class="govuk-body">${t("There are no children in this family on this device. Add the child to the family first.")}</p>`}
        <h2 class="govuk-heading-m">${t("Who took part")}</h2>
        ${people}
        <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-add-person>${t("Add another person")}</button>
        ${textarea({ name: "information_shared", label: t("What information was shared?"), labelClass: "govuk-label--s", hint: t("What each agency knows about the children and the family, and any worries"), rows: 8, error: errors.information_shared })}
        ${radios({ name: "decision", legend: t("What was decided?"), hint: s47Hint(), options: this.context.vocabulary("strategy_decision"), error: errors.decision })}
        ${draftStatus()}
        <p class="govuk-body">${t("When you save, the record is signed and becomes final. You can add a correction afterwards if something is wrong.")}</p>
        ${button(t("Save and sign"))}
      </form>
      <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}">${t("Cancel and go back to {family}", { family: family.display_name })}</a></p>
    </div></div>`;
  }

  readMarkup(family, discussion, back) {
    const { label } = this.context;
    const enquiry = enquiryOf(discussion);
    const errors = this.state.form === "icpc:" ? this.state.errors : {};
    const children = (discussion.child_ids || []).map((id) => this.data.get("person", id)).filter(Boolean).map(fullName);
    const row = (key, value, id) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
      <dd class="govuk-summary-list__value app-pre-wrap" ${id ? html`id="${id}"` : ""}>${value}</dd></div>`;
    const people = (discussion.participants || []).map((person) => html`<li>${person.name}${person.role ? `, ${person.role}` : ""} (${label("strategy_agency", person.agency)})</li>`);
    return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">${back}
      ${this.problems()}
      ${successBanner(this.state.message, this.announce)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Strategy discussion")}</h1>
      <p class="govuk-body">${discussion.state === "signed" ? tag(t("Signed"), "green") : tag(t("Draft"), "grey")}${notSyncedTag(discussion)}</p>
      <dl class="govuk-summary-list">
        ${row(t("When"), formatDateTime(discussion.discussed_at))}
        ${row(t("About"), children.join(", ") || t("Not recorded"))}
        ${row(t("Who took part"), html`<ul class="govuk-list">${people}</ul>`)}
        ${row(t("Information shared"), discussion.information_shared)}
        ${row(t("Decision"), label("strategy_decision", discussion.decision), "strategy-decision")}
        ${enquiry ? row(t("Section 47 enquiry started"), formatDate(enquiry.started)) : ""}
        ${enquiry ? row(t("Initial child protection conference due"), t("by {day}", { day: formatDate(enquiry.due) }), "icpc-due") : ""}
        ${enquiry ? row(t("Initial child protection conference held"), enquiry.held ? formatDate(enquiry.held) : t("Not yet"), "icpc-held") : ""}
      </dl>
      ${enquiry && !enquiry.held
        ? html`<form data-form="icpc" novalidate>
            ${dateInput({ name: "icpc_held_on", legend: t("When was the initial child protection conference held?"), hint: t("It is due by {day}", { day: formatDate(enquiry.due) }), error: errors.icpc_held_on })}
            ${button(t("Save the conference date"), { secondary: true })}
          </form>`
        : ""}
      <p class="govuk-body"><a class="govuk-link" href="#/family/${this.familyId}">${t("Back to {family}", { family: family.display_name })}</a></p>
    </div></div>`;
  }

  initialValues(form) {
    if (form.dataset.form !== "strategy") return null;
    const moment = now();
    const [year, month, day] = localDate(moment).split("-");
    const two = (number) => String(number).padStart(2, "0");
    return { "discussed_on-day": String(Number(day)), "discussed_on-month": String(Number(month)), "discussed_on-year": year, discussed_time: `${two(moment.getHours())}:${two(moment.getMinutes())}` };
  }

  handlers() {
    const { context } = this;
    const screen = this;
    return {
      async strategy(values) {
        const children = childrenOf(screen.data, screen.familyId).map((person) => person.id);
        const decisions = context.vocabulary("strategy_decision").map(([code]) => code);
        const agencies = context.vocabulary("strategy_agency").map(([code]) => code);
        const errors = checkStrategy(values, { children, decisions, agencies });
        if (Object.keys(errors).length) return { errors };
        const id = newId();
        const date = readDate(values, "discussed_on");
        await context.session.sync.enqueue("strategy_discussion", "create", id, {
          family_id: screen.familyId,
          discussed_at: occurredAt(date, values.discussed_time.trim()).toISOString(),
          participants: peopleOf(values),
          child_ids: (values.child_ids || []).filter((child) => children.includes(child)),
          information_shared: values.information_shared.trim(),
          decision: values.decision,
        });
        await context.session.sync.enqueue("strategy_discussion", "sign", id, {}, baseVersion(screen.data, "strategy_discussion", id));
        screen.discussionId = id;
        history.replaceState(null, "", strategyAddress(screen.familyId, id));
        const enquiry = startsS47(values.decision) ? enquiryOf(screen.data.get("strategy_discussion", id)) : null;
        return {
          message: enquiry
            ? t("The strategy discussion is signed. The initial child protection conference is due by {day}.", { day: formatDate(enquiry.due) })
            : t("The strategy discussion is signed."),
        };
      },

      async icpc(values) {
        const discussion = screen.discussion;
        const enquiry = enquiryOf(discussion);
        const held = readDate(values, "icpc_held_on");
        if (held === "") return { errors: { icpc_held_on: t("Enter the date the conference was held") } };
        if (held === null) return { errors: { icpc_held_on: t("The date must be a real date, for example 27 3 2026") } };
        if (held < enquiry.started) return { errors: { icpc_held_on: t("The conference cannot be before the strategy discussion") } };
        if (held > localDate(now())) return { errors: { icpc_held_on: t("The date the conference was held must be today or in the past") } };
        await context.session.sync.enqueue("strategy_discussion", "update", discussion.id, { icpc_held_on: held }, baseVersion(screen.data, "strategy_discussion", discussion.id));
        return { message: held <= enquiry.due ? t("The conference date is saved. It was held in time.") : t("The conference date is saved. It was held after its due date.") };
      },
    };
  }
}

export async function strategyView(context) {
  const [familyId, discussionId] = context.params;
  if (!context.data.get("family", familyId)) {
    mount(
      context.main,
      html`<h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed over to someone else.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
    );
    return null;
  }
  const screen = new StrategyScreen(context, familyId, discussionId);
  await screen.render({ force: true });
  return () => screen.close();
}
