// A family's page: who they are, what matters to them in their own words,
// the people in the family and the timeline of the work with them. It reads
// only what the device holds and writes only through the outbox, so all of
// it works offline; what has not reached the server yet says so.

import { newId } from "../../domain/ids.js";
import { UPN_MESSAGES, upnProblem } from "../../domain/upn.js";
import { tidyUpn } from "../../domain/census-details.js";
import {
  button,
  dateInput,
  errorSummary,
  formValues,
  radios,
  readDate,
  select,
  storageMessage,
  textInput,
  textarea,
} from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate, formatDateTime, tag } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { responsiveTable } from "../tables.js";
import { assignmentHistorySection } from "../assignment-history.js";
import { ageText, familyMembers, fullName, personLink, unsyncedTag } from "../people.js";
import { endingSection } from "../ending-summary.js";
import { categoryLight, currentPolicy } from "../judgment-policy.js";
import { statutoryChecksSection } from "../statutory-checks.js";
import { storySection } from "../story-section.js";
import { urgentNumbersPanel } from "../urgent-numbers.js";
import { currentEpisode, planName } from "../../domain/plans.js";
import { enquiryOf } from "../../domain/strategy.js";
import { nowIso, todayIso } from "../../clock.js";
import { t, tn } from "../../i18n.js";

// --- ages -----------------------------------------------------------------------------

/** How sure a date of birth is, when the vocabulary has not reached the device. */
function dobAccuracy() {
  return [
    ["exact", t("Exact")],
    ["month", t("Month and year")],
    ["estimated", t("Estimated")],
  ];
}

// --- the family's details ---------------------------------------------------------------

function addressLines(address) {
  return address ? [address.line1, address.line2, address.town, address.postcode].filter(Boolean) : [];
}

function yesNo(value) {
  if (value === true) return t("Yes");
  if (value === false) return t("No");
  return t("Not recorded");
}

function workersNow(data, familyId, today) {
  const assignments = data.ofFamily("assignment", familyId);
  const current = assignments.filter((a) => !a.ended_on || a.ended_on > today);
  const currentIds = new Set(current.map((a) => a.worker_id));
  const past = new Set(assignments.filter((a) => !currentIds.has(a.worker_id)).map((a) => a.worker_id));
  return { current: current.sort((a, b) => (a.started_on || "").localeCompare(b.started_on || "")), pastCount: past.size };
}

function detailsCard(context, family, pending) {
  const { data, label, staffName } = context;
  const today = todayIso();
  const lines = addressLines(family.address);
  const { current, pastCount } = workersNow(data, family.id, today);
  const row = (key, value) => html`<div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`;
  return html`<div class="govuk-summary-card">
    <div class="govuk-summary-card__title-wrapper">
      <h2 class="govuk-summary-card__title">${t("Family details")} ${pending ? unsyncedTag() : ""}</h2>
      <ul class="govuk-summary-card__actions">
        <li class="govuk-summary-card__action">
          <button type="button" class="app-link-button" id="change-details" data-family-action="edit-details">${t("Change")}<span class="govuk-visually-hidden"> ${t("family details")}</span></button>
        </li>
      </ul>
    </div>
    <div class="govuk-summary-card__content">
      <dl class="govuk-summary-list">
        ${row(t("Address"), lines.length ? lines.map((line, index) => html`${index ? html`<br>` : ""}${line}`) : t("Not recorded"))}
        ${row(t("Preferred language"), family.preferred_language || t("Not recorded"))}
        ${row(t("Interpreter needed"), yesNo(family.interpreter_needed))}
        ${row(t("Status"), family.status === "closed" ? t("Closed") : t("Open"))}
        ${row(
          current.length === 1 ? t("Worker now") : t("Workers now"),
          current.length
            ? html`<ul class="govuk-list">${current.map(
                (a) => html`<li>${staffName(a.worker_id)}${a.role ? `, ${label("assignment_role", a.role).toLowerCase()}` : ""}${a.started_on ? t(", since {day}", { day: formatDate(a.started_on) }) : ""}</li>`,
              )}</ul>`
            : t("No worker allocated"),
        )}
        ${row(t("Workers before"), pastCount === 0 ? t("None") : tn("{count} worker", "{count} workers", pastCount))}
      </dl>
    </div>
  </div>`;
}

function detailsForm(family, errors) {
  const address = family.address || {};
  return html`<form id="details-form" novalidate class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m">${t("Change family details")}</h2>
    ${textInput({ name: "display_name", label: t("Family name"), hint: t("How the family is known in this service, for example ‘Okoro family’"), value: family.display_name, error: errors.display_name, width: 20 })}
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Address")}</legend>
      ${textInput({ name: "address_line1", label: t("Address line 1"), value: address.line1, error: errors.address_line1, autocomplete: "off" })}
      ${textInput({ name: "address_line2", label: t("Address line 2 (optional)"), value: address.line2, error: errors.address_line2, autocomplete: "off" })}
      ${textInput({ name: "address_town", label: t("Town or city (optional)"), value: address.town, error: errors.address_town, width: 20, autocomplete: "off" })}
      ${textInput({ name: "address_postcode", label: t("Postcode (optional)"), value: address.postcode, error: errors.address_postcode, width: 10, autocomplete: "off" })}
    </fieldset>
    ${textInput({ name: "preferred_language", label: t("Preferred language (optional)"), value: family.preferred_language, error: errors.preferred_language, width: 20 })}
    ${radios({
      name: "interpreter_needed",
      legend: t("Does the family need an interpreter?"),
      options: [["yes", t("Yes")], ["no", t("No")]],
      value: family.interpreter_needed === true ? "yes" : family.interpreter_needed === false ? "no" : "",
      error: errors.interpreter_needed,
      inline: true,
    })}
    <p class="app-draft-saved" id="details-draft" aria-live="polite"></p>
    <div class="govuk-button-group">
      ${button(t("Save family details"))}
      <button type="button" class="app-link-button" data-family-action="cancel-details">${t("Cancel")}</button>
    </div>
  </form>`;
}

const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

function checkDetails(values) {
  const errors = {};
  const name = values.display_name.trim();
  if (!name) {
    errors.display_name = t("Enter the family's name");
  } else if (name.length > 200) {
    errors.display_name = t("Family name must be 200 characters or fewer");
  }
  const anyAddress = ["address_line2", "address_town", "address_postcode"].some((field) => values[field].trim());
  if (anyAddress && !values.address_line1.trim()) {
    errors.address_line1 = t("Enter the first line of the address");
  }
  for (const field of ["address_line1", "address_line2", "address_town"]) {
    if (values[field].trim().length > 200) {
      errors[field] = t("Address lines must be 200 characters or fewer");
    }
  }
  const postcode = values.address_postcode.trim();
  if (postcode && !POSTCODE.test(postcode)) {
    errors.address_postcode = t("Enter a real postcode, like SW1A 1AA");
  }
  if (values.preferred_language.trim().length > 80) {
    errors.preferred_language = t("Preferred language must be 80 characters or fewer");
  }
  return errors;
}

/** Return only the fields the worker changed, as the server expects an update. */
function changedDetails(family, values) {
  const changes = {};
  const name = values.display_name.trim();
  if (name !== family.display_name) {
    changes.display_name = name;
  }
  const old = family.address || {};
  const next = {
    line1: values.address_line1.trim(),
    line2: values.address_line2.trim() || null,
    town: values.address_town.trim() || null,
    postcode: values.address_postcode.trim().toUpperCase() || null,
  };
  const moved = ["line1", "line2", "town", "postcode"].some((key) => (next[key] || null) !== (old[key] || null));
  if (moved) {
    changes.address = next.line1 ? { ...next, since: todayIso() } : null;
  }
  const language = values.preferred_language.trim();
  if (language !== (family.preferred_language || "")) {
    changes.preferred_language = language;
  }
  if (values.interpreter_needed) {
    const needed = values.interpreter_needed === "yes";
    if (needed !== family.interpreter_needed) {
      changes.interpreter_needed = needed;
    }
  }
  return changes;
}

// --- what matters to the family ---------------------------------------------------------

function goalsSection(family, errors) {
  const goals = family.goals || [];
  return html`<section aria-labelledby="goals-heading" class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m" id="goals-heading">${t("What matters to us")}</h2>
    <p class="govuk-body">${t("The family's own goals, in their words.")}</p>
    ${goals.length
      ? html`<ul class="govuk-list app-goals">${goals.map(
          (goal, index) => html`<li class="app-goals__item">
            <span class="app-goals__text app-pre-wrap">${goal}</span>
            <button type="button" class="app-link-button" data-remove-goal="${index}">${t("Remove")}<span class="govuk-visually-hidden"> ${t("from what matters: {goal}", { goal })}</span></button>
          </li>`,
        )}</ul>`
      : html`<p class="govuk-body">${t("Nothing written yet. Ask the family what matters to them.")}</p>`}
    <form id="goal-form" novalidate>
      ${textarea({ name: "new_goal", label: t("Add something that matters to them"), hint: t("Write it as they say it, for example ‘We want to stay together’."), error: errors.new_goal, rows: 2, labelClass: "govuk-label--s" })}
      <p class="app-draft-saved" id="goal-draft" aria-live="polite"></p>
      ${button(t("Add to what matters"), { secondary: true })}
    </form>
  </section>`;
}

// --- the people in the family -----------------------------------------------------------

function membersSection(context, members, state) {
  return html`<section aria-labelledby="members-heading" class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m" id="members-heading">${t("People in the family")}</h2>
    ${members.length
      ? responsiveTable({
          caption: t("People in the family, children first"),
          columns: [t("Name"), t("Age"), t("Child or adult"), t("Role in family"), t("Plan now")],
          rows: members.map(({ person, role, unsynced }) => [
            { content: html`${personLink(context.params[0], person)} ${unsynced ? unsyncedTag() : ""}`, header: true },
            ageText(person),
            person.is_child ? t("Child") : t("Adult"),
            role || t("Not recorded"),
            person.is_child ? planCell(context, person) : "",
          ]),
        })
      : html`<p class="govuk-body">${t("No one recorded yet.")}</p>`}
    ${state.addingPerson
      ? personForm(context, state.errorsOf === "person" ? state.errors : {})
      : html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="add-person" data-family-action="add-person">${t("Add a person")}</button>`}
  </section>`;
}

/** A child's plan now, and the way to change it. */
function planCell({ data, label, params }, person) {
  const current = currentEpisode(data, person.id);
  const pending = current && (current.unsynced || data.pending("plan_episode", current.id));
  return html`${planName(current, label)}${current ? t(", since {day}", { day: formatDate(current.started_on) }) : ""} ${pending ? unsyncedTag() : ""}
    <br><a class="govuk-link" href="#/family/${params[0]}/child/${person.id}/plan">${t("Plan now")}<span class="govuk-visually-hidden"> ${t("for {name}", { name: fullName(person) })}</span></a>
    <br><a class="govuk-link" href="#/family/${params[0]}/child/${person.id}/census">${t("Census details")}<span class="govuk-visually-hidden"> ${t("for {name}", { name: fullName(person) })}</span></a>`;
}

function personForm({ vocabulary }, errors) {
  const accuracy = vocabulary("dob_accuracy");
  return html`<form id="person-form" novalidate>
    <h3 class="govuk-heading-s">${t("Add a person to the family")}</h3>
    ${textInput({ name: "given_name", label: t("Given name"), error: errors.given_name, width: 20, autocomplete: "off", spellcheck: false })}
    ${textInput({ name: "family_name", label: t("Family name"), error: errors.family_name, width: 20, autocomplete: "off", spellcheck: false })}
    ${textInput({ name: "known_as", label: t("Known as (optional)"), hint: t("The name they like to be called, if different"), error: errors.known_as, width: 20, autocomplete: "off", spellcheck: false })}
    ${dateInput({ name: "date_of_birth", legend: t("Date of birth (optional)"), hint: t("For example, 27 3 2017. If you only know the month, leave the day blank. For an estimate, the year is enough."), error: errors.date_of_birth })}
    ${radios({ name: "dob_accuracy", legend: t("How sure are you of the date of birth?"), options: accuracy.length ? accuracy : dobAccuracy(), error: errors.dob_accuracy, inline: true })}
    ${radios({ name: "is_child", legend: t("Are they a child?"), hint: t("Under 18, or a care leaver the service still supports as a child"), options: [["yes", t("Yes")], ["no", t("No")]], error: errors.is_child, inline: true })}
    ${textInput({ name: "upn", label: t("Unique pupil number (optional, for a child)"), hint: t("13 characters from the child's school, for example B801200005001"), error: errors.upn, width: 10, autocomplete: "off", spellcheck: false })}
    ${select({ name: "sex", label: t("Sex (optional)"), options: vocabulary("sex"), error: errors.sex })}
    ${select({ name: "ethnicity", label: t("Ethnicity (optional)"), options: vocabulary("ethnicity"), error: errors.ethnicity, placeholder: t("Not recorded") })}
    ${textInput({ name: "role_in_family", label: t("Role in the family (optional)"), hint: t("For example, mother, eldest child, lodger"), error: errors.role_in_family, width: 20 })}
    <p class="app-draft-saved" id="person-draft" aria-live="polite"></p>
    <div class="govuk-button-group">
      ${button(t("Add person"))}
      <button type="button" class="app-link-button" data-family-action="cancel-person">${t("Cancel")}</button>
    </div>
  </form>`;
}

/** Read the date of birth, letting the day (and month) be left out when it is not known. */
function birthDate(values) {
  const parts = { ...values };
  const blank = (suffix) => !(parts[`date_of_birth-${suffix}`] || "").trim();
  if (!blank("year") && blank("day")) {
    if (values.dob_accuracy === "month") {
      parts["date_of_birth-day"] = "1";
    } else if (values.dob_accuracy === "estimated") {
      parts["date_of_birth-day"] = "1";
      if (blank("month")) {
        parts["date_of_birth-month"] = "7"; // the middle of the year is the fairest guess
      }
    }
  }
  return readDate(parts, "date_of_birth");
}

function checkPerson(values) {
  const errors = {};
  const said = {
    given_name: { empty: () => t("Enter their given name"), long: () => t("The given name must be 120 characters or fewer") },
    family_name: { empty: () => t("Enter their family name"), long: () => t("The family name must be 120 characters or fewer") },
  };
  for (const field of ["given_name", "family_name"]) {
    const text = values[field].trim();
    if (!text) {
      errors[field] = said[field].empty();
    } else if (text.length > 120) {
      errors[field] = said[field].long();
    }
  }
  if (values.known_as.trim().length > 120) {
    errors.known_as = t("Known as must be 120 characters or fewer");
  }
  const born = birthDate(values);
  if (born === null) {
    errors.date_of_birth = t("Date of birth must be a real date, with at least the year");
  } else if (born && born > todayIso()) {
    errors.date_of_birth = t("Date of birth must be today or in the past");
  }
  if (born && !values.dob_accuracy) {
    errors.dob_accuracy = t("Select how sure you are of the date of birth");
  }
  if (!values.is_child) {
    errors.is_child = t("Select yes if they are a child");
  }
  const upn = tidyUpn(values.upn);
  if (upn && values.is_child !== "yes") {
    errors.upn = t("Only a child has a unique pupil number");
  } else if (upn && upnProblem(upn)) {
    errors.upn = t(UPN_MESSAGES[upnProblem(upn)]);
  }
  if (values.role_in_family.trim().length > 40) {
    errors.role_in_family = t("Role in the family must be 40 characters or fewer");
  }
  return errors;
}

/** Return a new person's record as the server takes it (it makes the membership). */
function newPerson(familyId, values) {
  const born = birthDate(values);
  const person = {
    family_id: familyId,
    role_in_family: values.role_in_family?.trim() || null,
    given_name: values.given_name.trim(),
    family_name: values.family_name.trim(),
    known_as: values.known_as?.trim() || null,
    date_of_birth: born || null,
    sex: values.sex || null,
    ethnicity: values.ethnicity || null,
    is_child: values.is_child === "yes",
  };
  if (tidyUpn(values.upn)) {
    person.upn = tidyUpn(values.upn);
  }
  if (born) {
    person.dob_accuracy = values.dob_accuracy || "exact";
  }
  return person;
}

// --- the timeline -----------------------------------------------------------------------

/** A judgment's status, a checklist's timeliness and a plan action's status, in the current language. */
function judgmentStatusWords(status) {
  const words = {
    draft: () => t("Draft, not signed"),
    logged: () => t("Logged"),
    awaiting_discussion: () => t("Awaiting discussion"),
    discussed: () => t("Discussed"),
    awaiting_approval: () => t("Awaiting approval"),
    verbal_approval: () => t("Verbal approval, to confirm"),
    approved: () => t("Approved"),
    declined: () => t("Declined"),
  }[status];
  return words ? words() : status;
}

function timelinessWords(timeliness) {
  const words = {
    met: () => t("Visit on time"),
    late: () => t("Visit late"),
    not_met: () => t("Visit not made in time"),
    not_yet_due: () => t("Not yet due"),
  }[timeliness];
  return words ? words() : timeliness;
}

function planStatusWords(status) {
  const words = {
    not_started: () => t("Not started"),
    on_track: () => t("On track"),
    off_track: () => t("Off track"),
    done: () => t("Done"),
  }[status];
  return words ? words() : status;
}

const LIGHT_COLOUR = { green: "green", yellow: "yellow", red: "red" };

function policyLight(data, category) {
  return categoryLight(currentPolicy(data), category); // this worker's light: their team's trials too
}

function firstLine(text) {
  return (text || "").split("\n").map((line) => line.trim()).find(Boolean) || "";
}

function noteSummary(note) {
  const sections = note.sections || {};
  return firstLine(sections.what_happened) || firstLine(Object.values(sections).find((text) => firstLine(text))) || t("No text yet");
}

function timelineEntries(context, familyId) {
  const { data, label } = context;
  // When it was written, by the worker's device where that is known (what a court reads).
  const madeAt = (entity, record) =>
    record.device_written_at ||
    record.created_at ||
    data.outbox.find((m) => m.entity === entity && m.id === record.id && m.op === "create")?.client_ts ||
    nowIso();
  const unsynced = (entity, record) => Boolean(record.unsynced) || data.pending(entity, record.id);
  const entries = [];
  for (const visit of data.ofFamily("interaction", familyId)) {
    const seenAlone = (visit.participants || []).some((p) => p.seen_alone);
    entries.push({
      when: visit.occurred_at || madeAt("interaction", visit),
      withTime: true,
      kind: t("Visit or contact"),
      title: `${label("interaction_mode", visit.mode)}: ${label("interaction_purpose", visit.purpose)}`,
      details: [
        visit.duration_minutes ? tn("{count} minute", "{count} minutes", visit.duration_minutes) : "",
        seenAlone ? t("A child was seen alone") : "",
        visit.meaningful === false ? t("Not a meaningful contact") : "",
      ].filter(Boolean).join(". "),
      unsynced: unsynced("interaction", visit),
    });
  }
  for (const note of data.ofFamily("note", familyId)) {
    entries.push({
      when: madeAt("note", note),
      kind: t("Relational note"),
      title: noteSummary(note),
      status: note.state === "signed" ? tag(t("Signed"), "green") : tag(t("Draft"), "grey"),
      link: [`#/note/${note.id}`, t("Read the note")],
      unsynced: unsynced("note", note),
    });
  }
  for (const judgment of data.ofFamily("judgment", familyId)) {
    const light = judgment.light || policyLight(data, judgment.category);
    entries.push({
      when: madeAt("judgment", judgment),
      kind: t("Judgment"),
      title: judgment.question,
      status: html`${tag({ green: () => t("Green light"), yellow: () => t("Yellow light"), red: () => t("Red light") }[light]?.() || light, LIGHT_COLOUR[light])} ${judgmentStatusWords(judgment.status || "draft")}`,
      link: [`#/judgment/${judgment.id}`, t("Read the judgment")],
      unsynced: unsynced("judgment", judgment),
    });
  }
  for (const checklist of data.ofFamily("checklist", familyId)) {
    const purpose = checklist.purpose || data.get("checklist_template", checklist.template_id)?.purpose;
    entries.push({
      when: checklist.completed_on || madeAt("checklist", checklist),
      kind: t("Compliance checklist"),
      title: label("interaction_purpose", purpose) || t("Checklist"),
      details: [
        checklist.completed_on ? t("Completed {day}", { day: formatDate(checklist.completed_on) }) : t("Not completed"),
        checklist.due_on ? t("due {day}", { day: formatDate(checklist.due_on) }) : "",
        checklist.timeliness ? timelinessWords(checklist.timeliness) : "",
      ].filter(Boolean).join(", ") + childrenSeenWords(data, checklist),
      unsynced: unsynced("checklist", checklist),
    });
  }
  for (const action of data.ofFamily("plan_action", familyId)) {
    entries.push({
      when: madeAt("plan_action", action),
      kind: t("Plan action"),
      title: action.task,
      details: [
        t("Who: {who}", { who: action.who }),
        action.due_on ? t("by {day}", { day: formatDate(action.due_on) }) : "",
        action.checked_by ? t("checked by {who}", { who: action.checked_by }) : "",
      ].filter(Boolean).join(", "),
      status: planStatusWords(action.status || "not_started"),
      unsynced: unsynced("plan_action", action),
    });
  }
  for (const discussion of data.ofFamily("supervision_discussion", familyId)) {
    const session = data.get("supervision_session", discussion.session_id);
    const actions = discussion.actions || [];
    entries.push({
      when: session?.held_at || madeAt("supervision_discussion", discussion),
      withTime: Boolean(session),
      kind: t("Group supervision"),
      title: session?.title || t("Discussed in group supervision"),
      details: [
        tn("{count} reflective question", "{count} reflective questions", (discussion.questions || []).length),
        tn("{count} action", "{count} actions", actions.length),
        t("{count} open", { count: actions.filter((a) => a.status !== "done").length }),
      ].join(", "),
      link: [`#/group-supervision/${discussion.session_id}/${discussion.id}`, t("Read the discussion")],
      unsynced: unsynced("supervision_discussion", discussion),
    });
  }
  for (const discussion of data.ofFamily("strategy_discussion", familyId)) {
    const enquiry = enquiryOf(discussion);
    const children = (discussion.child_ids || []).map((id) => data.get("person", id)).filter(Boolean).map(fullName);
    entries.push({
      when: discussion.discussed_at || madeAt("strategy_discussion", discussion),
      withTime: Boolean(discussion.discussed_at),
      kind: t("Strategy discussion"),
      title: label("strategy_decision", discussion.decision),
      details: [
        children.length ? t("About {children}", { children: children.join(", ") }) : "",
        enquiry
          ? enquiry.held
            ? t("Initial child protection conference held {day}", { day: formatDate(enquiry.held) })
            : t("Initial child protection conference due by {day}", { day: formatDate(enquiry.due) })
          : "",
      ].filter(Boolean).join(". "),
      status: discussion.state === "signed" ? tag(t("Signed"), "green") : tag(t("Draft"), "grey"),
      link: [`#/family/${familyId}/strategy/${discussion.id}`, t("Read the strategy discussion")],
      unsynced: unsynced("strategy_discussion", discussion),
    });
  }
  const time = (text) => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) || 0;
  return entries.sort((a, b) => time(b.when) - time(a.when));
}



/** Say what a checklist answered about each child seen: ". Sam Okoro: seen alone. Mia Okoro: not seen". */
function childrenSeenWords(data, checklist) {
  const answers = new Map();
  for (const item of data.ofFamily("checklist_item", checklist.family_id)) {
    if (item.checklist_id === checklist.id && item.child_id && item.answer && ["child_seen", "child_seen_alone"].includes(item.from_visit)) {
      answers.set(item.child_id, { ...answers.get(item.child_id), [item.from_visit]: item.answer });
    }
  }
  return [...answers]
    .map(([childId, { child_seen: seen, child_seen_alone: alone }]) => {
      const person = data.get("person", childId);
      const seenWords = { yes: () => t("seen"), no: () => t("not seen"), na: () => t("seen: not applicable") }[seen];
      const words = alone === "yes" ? t("seen alone") : seen === "yes" && alone ? t("seen, not alone") : seenWords ? seenWords() : "";
      return person && words ? `. ${fullName(person)}: ${words}` : "";
    })
    .join("");
}

function timelineSection(context, familyId) {
  const entries = timelineEntries(context, familyId);
  return html`<section aria-labelledby="timeline-heading">
    <h2 class="govuk-heading-m" id="timeline-heading">${t("Timeline")}</h2>
    ${entries.length
      ? html`<ol class="app-timeline" reversed>${entries.map(
          (entry) => html`<li class="app-timeline__item">
            <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
              <span class="govuk-caption-s govuk-!-display-block">${entry.kind}<span class="govuk-visually-hidden">:</span></span> ${entry.title}
            </h3>
            <p class="govuk-body-s govuk-!-margin-bottom-1">
              <time datetime="${entry.when}">${entry.withTime ? formatDateTime(entry.when) : formatDate(entry.when)}</time>
              ${entry.unsynced ? unsyncedTag() : ""}
            </p>
            ${entry.status ? html`<p class="govuk-body-s govuk-!-margin-bottom-1">${entry.status}</p>` : ""}
            ${entry.details ? html`<p class="govuk-body-s govuk-!-margin-bottom-1">${entry.details}</p>` : ""}
            ${entry.link ? html`<p class="govuk-body-s"><a class="govuk-link" href="${entry.link[0]}">${entry.link[1]}<span class="govuk-visually-hidden">: ${entry.title}</span></a></p>` : ""}
          </li>`,
        )}</ol>`
      : html`<p class="govuk-body">${t("Nothing recorded yet.")}</p>`}
  </section>`;
}

// --- the screen -------------------------------------------------------------------------

const FORM_ERRORS = { details: "details-form", goal: "goal-form", person: "person-form" };

export async function familyView(context) {
  const { params, session, data } = context;
  const familyId = params[0];
  const draftKey = {
    "details-form": `family/${familyId}/details`,
    "goal-form": `family/${familyId}/goal`,
    "person-form": `family/${familyId}/person`,
  };
  const screen = new Screen(context, "family-page");
  const drafts = await screen.typed.load(draftKey);
  const state = {
    editing: Boolean(drafts["details-form"]),
    addingPerson: Boolean(drafts["person-form"]),
    errors: {},
    errorsOf: null,
    message: "",
  };

  function page() {
    const family = data.get("family", familyId);
    if (!family) {
      return html`<div id="family-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device. It may have been handed to another worker.")}</p></div>`;
    }
    const pending = data.pending("family", familyId);
    const members = familyMembers(data, familyId);
    const errors = state.errors;
    return html`<div id="family-page">
        ${backLink("#/", t("Back to your caseload"))}
        ${errorSummary(errors)}
        ${successBanner(state.message)}
        ${family.local_reference ? html`<span class="govuk-caption-l">${t("Reference {reference}", { reference: family.local_reference })}</span>` : ""}
        <h1 class="govuk-heading-l">${family.display_name}</h1>
        <div class="govuk-button-group">
          <a href="#/family/${familyId}/visit" role="button" draggable="false" class="govuk-button" data-module="govuk-button">${t("Record a visit")}</a>
          <a href="#/family/${familyId}/judgment" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t("Log a decision")}</a>
          <a href="#/family/${familyId}/strategy" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t("Record a strategy discussion")}</a>
          <a href="#/family/${familyId}/network" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t("Network map")}</a>
          <a href="#/family/${familyId}/conference" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t("Family group conference")}</a>
          <a href="#/family/${familyId}/chronology" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">${t("Chronology")}</a>
        </div>
        ${endingSection(context, family)}
        <details class="govuk-details app-urgent-details" id="immediate-risk">
          <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("A child may be at immediate risk")}</span></summary>
          <div class="govuk-details__text">
            ${urgentNumbersPanel(data.reference?.urgent_contacts)}
            <p class="govuk-body"><a class="govuk-link" href="#/family/${familyId}/judgment">${t("Log the decision")}</a>${t(": tick “A child may be at immediate risk”, sign it, then record who agreed it by phone.")}</p>
          </div>
        </details>
        ${state.editing ? detailsForm(family, state.errorsOf === "details" ? errors : {}) : detailsCard(context, family, pending)}
        ${goalsSection(family, state.errorsOf === "goal" ? errors : {})}
        ${membersSection(context, members, state)}
        ${storySection(context, familyId)}
        ${statutoryChecksSection(context, familyId)}
        ${assignmentHistorySection(context, familyId)}
        ${timelineSection(context, familyId)}
      </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    root.querySelector("#details-form")?.addEventListener("submit", onSaveDetails);
    root.querySelector("#goal-form")?.addEventListener("submit", onAddGoal);
    root.querySelector("#person-form")?.addEventListener("submit", onAddPerson);
    root.addEventListener("click", onClick);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  function showErrors(errorsOf, errors) {
    // After a submit the error summary takes the focus (GOV.UK pattern).
    state.message = "";
    state.errorsOf = errorsOf;
    state.errors = errors;
    draw({ afterSubmit: true }).querySelector(".govuk-error-summary")?.focus();
  }

  async function failed(formId, values, errors) {
    await session.saveDraft(draftKey[formId], values).catch(() => {});
    showErrors(Object.keys(FORM_ERRORS).find((key) => FORM_ERRORS[key] === formId), errors);
  }

  async function saved(formId, message) {
    await screen.typed.forget(formId);
    state.message = message;
    state.errors = {};
    state.errorsOf = null;
    const banner = draw({ afterSubmit: true, justSaved: [formId] }).querySelector(".govuk-notification-banner");
    banner?.setAttribute("tabindex", "-1");
    banner?.focus();
  }

  /** Put a change in the outbox; if the device cannot store it, say so on the form. */
  async function write(formId, field, values, change) {
    try {
      await change();
      return true;
    } catch (error) {
      await failed(formId, values, { [field]: t("Not saved: {why}", { why: storageMessage(error) }) });
      return false;
    }
  }

  async function onSaveDetails(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const errors = checkDetails(values);
    if (Object.keys(errors).length) {
      return failed("details-form", values, errors);
    }
    const family = data.get("family", familyId);
    const changes = changedDetails(family, values);
    if (!Object.keys(changes).length) {
      state.editing = false;
      return saved("details-form", t("Nothing was changed in the family details."));
    }
    if (await write("details-form", "display_name", values, () => session.sync.enqueue("family", "update", familyId, changes))) {
      state.editing = false;
      await saved("details-form", t("Family details saved. They will be sent at the next sync."));
    }
  }

  async function onAddGoal(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const goal = values.new_goal.trim();
    if (!goal) {
      return failed("goal-form", values, { new_goal: t("Enter what matters to the family") });
    }
    if (goal.length > 20_000) {
      return failed("goal-form", values, { new_goal: t("That is too long: keep it to 20,000 characters") });
    }
    const goals = [...(data.get("family", familyId)?.goals || [])];
    if (goals.length >= 50) {
      return failed("goal-form", values, { new_goal: t("The family has 50 goals already: remove one first") });
    }
    if (await write("goal-form", "new_goal", values, () => session.sync.enqueue("family", "update", familyId, { goals: [...goals, goal] }))) {
      await saved("goal-form", t("Added to what matters to the family."));
    }
  }

  async function removeGoal(index) {
    const goals = [...(data.get("family", familyId)?.goals || [])];
    if (index < 0 || index >= goals.length) {
      return;
    }
    goals.splice(index, 1);
    try {
      await session.sync.enqueue("family", "update", familyId, { goals });
      state.message = t("Removed from what matters to the family.");
      state.errors = {};
      state.errorsOf = null;
      const next = draw({ afterSubmit: true });
      next.querySelector("#goals-heading")?.setAttribute("tabindex", "-1");
      next.querySelector("#goals-heading")?.focus();
    } catch (error) {
      showErrors("goal", { new_goal: t("Not removed: {why}", { why: storageMessage(error) }) });
    }
  }

  async function onAddPerson(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const errors = checkPerson(values);
    if (Object.keys(errors).length) {
      return failed("person-form", values, errors);
    }
    const person = newPerson(familyId, values);
    if (await write("person-form", "given_name", values, () => session.sync.enqueue("person", "create", newId(), person))) {
      state.addingPerson = false;
      await saved("person-form", t("{name} added to the family.", { name: `${person.given_name} ${person.family_name}` }));
    }
  }

  async function onClick(event) {
    const goal = event.target.closest("[data-remove-goal]");
    if (goal) {
      return removeGoal(Number(goal.dataset.removeGoal));
    }
    const action = event.target.closest("[data-family-action]")?.dataset.familyAction;
    if (!action) {
      return;
    }
    state.message = "";
    if (action === "edit-details") {
      state.editing = true;
      draw({ afterSubmit: true }).querySelector("#display_name")?.focus();
    } else if (action === "cancel-details") {
      await screen.typed.forget("details-form");
      state.editing = false;
      clearErrorsOf("details");
      draw({ afterSubmit: true, justSaved: ["details-form"] }).querySelector("#change-details")?.focus();
    } else if (action === "add-person") {
      state.addingPerson = true;
      draw({ afterSubmit: true }).querySelector("#given_name")?.focus();
    } else if (action === "cancel-person") {
      await screen.typed.forget("person-form");
      state.addingPerson = false;
      clearErrorsOf("person");
      draw({ afterSubmit: true, justSaved: ["person-form"] }).querySelector("#add-person")?.focus();
    }
  }

  function clearErrorsOf(kind) {
    if (state.errorsOf === kind) {
      state.errors = {};
      state.errorsOf = null;
    }
  }

  draw({ drafts });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
