// A family copy: "What we talked about and agreed", in plain words, for the
// family to keep. Drafted from a signed note (never the note itself), edited
// here, checked (plain words; details that must not reach the family), printed
// and recorded as shared: with whom, how and when. Everything works offline:
// the copy is a case record that travels through the outbox like the rest.

import {
  FAMILY_COPY_SECTIONS,
  SECTION_TITLES,
  SHARED_HOW,
  flagMessage,
  namesOf,
  readability,
  sharingFlags,
  thirdPartiesOf,
  unresolved,
} from "../../domain/family-copy.js";
import { signedTimes, writtenTimes } from "../../domain/record-times.js";
import { button, checkboxes, radios, textInput, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate, tag } from "../layout.js";
import { familyMembers, fullName } from "../people.js";
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
  receiptFlag,
  signedWhen,
  successBanner,
  writtenBy,
} from "../records.js";
import { RecordScreen } from "../record-screen.js";

const HOW_WORDS = Object.fromEntries(SHARED_HOW);

/** The people connected to the family: its members and those its relationships name. */
function connectedPeople(data, familyId) {
  const people = new Map(familyMembers(data, familyId).map(({ person }) => [person.id, person]));
  for (const relationship of data.ofFamily("relationship", familyId)) {
    const person = relationship.to_person_id && data.get("person", relationship.to_person_id);
    if (person) people.set(person.id, person);
  }
  return [...people.values()];
}

/** Return what a copy's sections flag to check before sharing, for this household. */
export function flagsFor(data, familyId, householdIds, sections) {
  const people = connectedPeople(data, familyId);
  const household = new Set(householdIds);
  return sharingFlags(sections, {
    thirdParties: thirdPartiesOf(people, householdIds),
    householdNames: people.filter((person) => household.has(person.id)).flatMap(namesOf),
  });
}

function sectionsFrom(values) {
  return Object.fromEntries(FAMILY_COPY_SECTIONS.map(({ key }) => [key, values[key] || ""]));
}

function checkBeforeSharing(flags) {
  if (!flags.length) return "";
  return html`<div class="govuk-error-summary app-no-print" id="check-before-sharing" aria-labelledby="check-title">
    <h2 class="govuk-error-summary__title" id="check-title">Check before sharing</h2>
    <div class="govuk-error-summary__body">
      <p class="govuk-body">The family should only read what is about them. Remove each of these, or tick it below as fine to share.</p>
      <ul class="govuk-list govuk-error-summary__list">
        ${flags.map((flag) => html`<li><a href="#fc-${flag.section}">${flagMessage(flag)}</a></li>`)}
      </ul>
    </div>
  </div>`;
}

function plainWordsPanel(sections, glossary) {
  const findings = FAMILY_COPY_SECTIONS.flatMap(({ key, title }) =>
    readability(sections[key] || "", glossary).map((finding) => ({ ...finding, title, key })),
  );
  if (!findings.length) {
    return html`<p class="govuk-body app-no-print" id="plain-words">${tag("Plain words", "green")} No long sentences or jargon found.</p>`;
  }
  return html`<div class="govuk-inset-text app-no-print" id="plain-words">
    <h2 class="govuk-heading-s">Plain words</h2>
    <p class="govuk-body">Suggestions to make the copy easier to read. They do not stop you sharing it.</p>
    <ul class="govuk-list govuk-list--bullet">
      ${findings.map((finding) =>
        finding.kind === "jargon"
          ? html`<li><a class="govuk-link" href="#fc-${finding.key}">${finding.title}</a>: instead of “${finding.term}”, try “${finding.plain}”.</li>`
          : html`<li><a class="govuk-link" href="#fc-${finding.key}">${finding.title}</a>: a sentence of ${finding.words} words, starting “${finding.text.split(/\s+/).slice(0, 6).join(" ")}…”. Try splitting it.</li>`,
      )}
    </ul>
  </div>`;
}

/** The copy as the family reads it: on screen when shared, and on paper. */
function copyText(context, copy) {
  const people = connectedPeople(context.data, copy.family_id);
  const household = people.filter((person) => (copy.household_ids || []).includes(person.id)).map(fullName);
  const worker = context.staffName(copy.created_by_id) || context.user?.display_name || "your worker";
  const written = writtenTimes(copy);
  return html`<article class="app-family-copy" aria-labelledby="copy-title">
    <h2 class="govuk-heading-l" id="copy-title">What we talked about and agreed</h2>
    <p class="govuk-body">For ${household.join(", ") || "the family"}, from ${worker}${written.device || written.received ? html`, ${formatDate(written.device || written.received)}` : ""}.</p>
    ${FAMILY_COPY_SECTIONS.map(({ key, title }) =>
      copy.sections?.[key]?.trim()
        ? html`<h3 class="govuk-heading-m">${title}</h3><p class="govuk-body app-pre-wrap">${copy.sections[key]}</p>`
        : "",
    )}
    <p class="govuk-body">If anything here is not right, or you want to talk about it, tell ${worker}. You can ask for this in another language or format.</p>
  </article>`;
}

class FamilyCopyScreen extends RecordScreen {
  constructor(context, id, printing) {
    super(context);
    this.targetId = id;
    this.printing = printing;
  }

  get copy() {
    return this.context.data.get("family_copy", this.targetId);
  }

  get glossary() {
    return this.context.data.reference?.plain_words || [];
  }

  markup() {
    const { context, copy, state } = this;
    if (!copy) {
      return html`<h1 class="govuk-heading-l">Family copy not found</h1>
        <p class="govuk-body"><a class="govuk-link" href="#/">Go to your caseload</a></p>`;
    }
    if (this.printing) return this.printMarkup();
    const shared = copy.state === "signed";
    const mine = isAuthor(copy, context.user);
    const flags = unresolved(flagsFor(context.data, copy.family_id, copy.household_ids || [], copy.sections || {}), copy.confirmed);
    return html`${backLink(`#/note/${copy.note_id}`, "Back to the note")}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <span class="govuk-caption-l">${familyName(context.data, copy.family_id)}</span>
      <h1 class="govuk-heading-l">Family copy</h1>
      <p class="govuk-body">The family's own copy of what you talked about and agreed, in plain words. It is not the case note: change anything before you share it.</p>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Written by</dt>
          <dd class="govuk-summary-list__value">${capitalised(writtenBy(context, copy))}${receiptFlag(writtenTimes(copy))}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">State</dt>
          <dd class="govuk-summary-list__value" id="copy-state">${shared
            ? html`${tag("Shared", "green")} With ${copy.shared_with}, ${(HOW_WORDS[copy.shared_how] || "").toLowerCase()}, ${signedWhen(copy)}${receiptFlag(signedTimes(copy))}`
            : html`${tag("Draft", "grey")} Not shared yet.`}${notSyncedTag(copy)}</dd></div>
      </dl>
      <p class="govuk-body"><a class="govuk-link" href="#/family-copy/${copy.id}/print" id="print-link">Print the copy</a></p>
      ${shared || !mine
        ? copyText(context, copy)
        : html`${checkBeforeSharing(flags)}${plainWordsPanel(copy.sections || {}, this.glossary)}
          ${state.open === "share" ? this.shareForm() : this.editForm(copy)}`}
      </div></div>`;
  }

  printMarkup() {
    const { copy } = this;
    return html`<div class="app-no-print">
        ${backLink(`#/family-copy/${copy.id}`, "Back to the family copy")}
        <h1 class="govuk-heading-l">Print the family copy</h1>
        <p class="govuk-body">Only the copy below is printed.</p>
        ${button("Print", { type: "button", id: "print-copy" })}
      </div>
      ${copyText(this.context, copy)}`;
  }

  afterRender() {
    this.context.main.querySelector("#print-copy")?.addEventListener("click", () => window.print());
  }

  editForm(copy) {
    const { context } = this;
    const errors = this.state.form === "edit:" ? this.state.errors : {};
    const members = familyMembers(context.data, copy.family_id);
    const confirmable = flagsFor(context.data, copy.family_id, copy.household_ids || [], copy.sections || {}).filter((flag) => flag.confirmable);
    return html`<form data-form="edit" data-draft="family-copy/${copy.id}" novalidate>
      ${checkboxes({
        name: "household_ids",
        id: "fc-household",
        legend: "Who lives in the home this copy goes to?",
        hint: "Anyone else named in the copy is flagged for you to check before sharing.",
        options: members.map(({ person }) => [person.id, fullName(person)]),
        error: errors["fc-household"],
      })}
      ${FAMILY_COPY_SECTIONS.map(({ key, title, hint }) =>
        textarea({ name: key, id: `fc-${key}`, label: title, hint, rows: key === "what_happened" ? 6 : 4, error: errors[`fc-${key}`], labelClass: "govuk-label--s" }),
      )}
      ${confirmable.length
        ? checkboxes({
            name: "confirmed",
            id: "fc-confirmed",
            legend: "Checked and fine to share",
            hint: "Tick only what you have checked is fine for this household to read.",
            options: confirmable.map((flag) => [flag.key, `${flag.text} (in ${SECTION_TITLES[flag.section]})`]),
          })
        : ""}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button("Save the draft", { secondary: true, name: "action", value: "draft" })}
        ${button("Share the copy", { name: "action", value: "share" })}
      </div>
    </form>`;
  }

  shareForm() {
    const formId = "share:";
    return html`<form data-form="share" novalidate>
      <h2 class="govuk-heading-m" data-opened>Record how you shared it</h2>
      ${copyText(this.context, this.copy)}
      ${textInput({ name: "shared_with", id: "fc-shared-with", label: "Who did you give or send it to?", error: this.error(formId, "fc-shared-with") })}
      ${radios({ name: "shared_how", id: "fc-shared-how", legend: "How did you share it?", options: SHARED_HOW, error: this.error(formId, "fc-shared-how") })}
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>Once you record it as shared, the copy is final: it stays as the family received it.</strong>
      </div>
      <div class="govuk-button-group">
        ${button("Record as shared")}
        <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-open="">Back to the draft</button>
      </div>
    </form>`;
  }

  initialValues(form) {
    if (form.dataset.form !== "edit") return null;
    const copy = this.copy || {};
    return { household_ids: copy.household_ids || [], confirmed: copy.confirmed || [], ...sectionsFrom(copy.sections || {}) };
  }

  handlers() {
    const { context } = this;
    return {
      async edit(values, { submitter }) {
        const copy = this.copy;
        const errors = {};
        const householdIds = values.household_ids || [];
        if (!householdIds.length) errors["fc-household"] = "Choose who lives in the home this copy goes to";
        const sections = sectionsFrom(values);
        if (!Object.values(sections).some((text) => text.trim())) errors["fc-what_happened"] = "Write at least one part of the copy";
        for (const { key, title } of FAMILY_COPY_SECTIONS) checkLength(errors, `fc-${key}`, sections[key], LONG_TEXT, title);
        if (Object.keys(errors).length) return { errors };
        const flags = flagsFor(context.data, copy.family_id, householdIds, sections);
        const live = new Set(flags.map((flag) => flag.key));
        const confirmed = (values.confirmed || []).filter((key) => live.has(key));
        const changes = {};
        if (JSON.stringify(sections) !== JSON.stringify(sectionsFrom(copy.sections || {}))) changes.sections = sections;
        if (JSON.stringify([...householdIds].sort()) !== JSON.stringify([...(copy.household_ids || [])].sort())) changes.household_ids = householdIds;
        if (JSON.stringify([...confirmed].sort()) !== JSON.stringify([...(copy.confirmed || [])].sort())) changes.confirmed = confirmed;
        if (Object.keys(changes).length) {
          await context.session.sync.enqueue("family_copy", "update", copy.id, changes, baseVersion(context.data, "family_copy", copy.id));
        }
        if (submitter?.value !== "share") return { message: "The family copy is saved as a draft." };
        const left = unresolved(flags, confirmed);
        if (left.length) {
          const byField = {};
          for (const flag of left) byField[`fc-${flag.section}`] ??= flagMessage(flag);
          return { errors: byField };
        }
        return { state: { open: "share" } };
      },
      async share(values) {
        const copy = this.copy;
        const errors = {};
        if (!values.shared_with?.trim()) errors["fc-shared-with"] = "Enter who you gave or sent the copy to";
        checkLength(errors, "fc-shared-with", values.shared_with, 200, "Who you shared it with");
        if (!HOW_WORDS[values.shared_how]) errors["fc-shared-how"] = "Choose how you shared the copy";
        if (Object.keys(errors).length) return { errors, state: { open: "share" } };
        const left = unresolved(flagsFor(context.data, copy.family_id, copy.household_ids || [], copy.sections || {}), copy.confirmed);
        if (left.length) return { errors: { form: "Check before sharing: something in the copy needs checking first." } };
        await context.session.sync.enqueue(
          "family_copy",
          "update",
          copy.id,
          { shared_with: values.shared_with.trim(), shared_how: values.shared_how },
          baseVersion(context.data, "family_copy", copy.id),
        );
        await context.session.sync.enqueue("family_copy", "sign", copy.id, {}, baseVersion(context.data, "family_copy", copy.id));
        return { message: `The copy is recorded as shared with ${values.shared_with.trim()}. It stays as the family received it.` };
      },
    };
  }
}

export async function familyCopyView(context) {
  const [id, printing] = context.params;
  if (!context.data.get("family_copy", id)) {
    notFound(context.main, "Family copy");
    return null;
  }
  const screen = new FamilyCopyScreen(context, id, Boolean(printing));
  await screen.render({ force: true });
  return () => screen.close();
}
