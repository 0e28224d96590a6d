// A family copy: "What we talked about and agreed", in plain words, for the
// family to keep. Drafted from a signed note (never the note itself), edited
// here, checked (plain words; details that must not reach the family), printed
// and recorded as shared: with whom, how and when. Everything works offline:
// the copy is a case record that travels through the outbox like the rest.

import {
  FAMILY_COPY_SECTIONS,
  flagMessage,
  namesOf,
  readability,
  sectionWords,
  sharedHowOptions,
  sharingFlags,
  thirdPartiesOf,
  unresolved,
} from "../../domain/family-copy.js";
import { ENGLISH, LANGUAGE_NAMES, WELSH, inLanguage, isLanguage, loadCatalogue, sayDate, t } from "../../i18n.js";
import { signedTimes, writtenTimes } from "../../domain/record-times.js";
import { button, checkboxes, radios, textInput, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, tag } from "../layout.js";
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

/** How a copy was shared, in the current language; "" for no known way. */
function howWords(how) {
  return Object.fromEntries(sharedHowOptions())[how] || "";
}

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
    <h2 class="govuk-error-summary__title" id="check-title">${t("Check before sharing")}</h2>
    <div class="govuk-error-summary__body">
      <p class="govuk-body">${t("The family should only read what is about them. Remove each of these, or tick it below as fine to share.")}</p>
      <ul class="govuk-list govuk-error-summary__list">
        ${flags.map((flag) => html`<li><a href="#fc-${flag.section}">${flagMessage(flag)}</a></li>`)}
      </ul>
    </div>
  </div>`;
}

function plainWordsPanel(sections, glossary) {
  const findings = FAMILY_COPY_SECTIONS.flatMap(({ key }) =>
    readability(sections[key] || "", glossary).map((finding) => ({ ...finding, title: sectionWords(key).title, key })),
  );
  if (!findings.length) {
    return html`<p class="govuk-body app-no-print" id="plain-words">${tag(t("Plain words"), "green")} ${t("No long sentences or jargon found.")}</p>`;
  }
  return html`<div class="govuk-inset-text app-no-print" id="plain-words">
    <h2 class="govuk-heading-s">${t("Plain words")}</h2>
    <p class="govuk-body">${t("Suggestions to make the copy easier to read. They do not stop you sharing it.")}</p>
    <ul class="govuk-list govuk-list--bullet">
      ${findings.map((finding) =>
        finding.kind === "jargon"
          ? html`<li><a class="govuk-link" href="#fc-${finding.key}">${finding.title}</a>: ${t("instead of “{term}”, try “{plain}”.", { term: finding.term, plain: finding.plain })}</li>`
          : html`<li><a class="govuk-link" href="#fc-${finding.key}">${finding.title}</a>: ${t("a sentence of {words} words, starting “{start}…”. Try splitting it.", { words: finding.words, start: finding.text.split(/\s+/).slice(0, 6).join(" ") })}</li>`,
      )}
    </ul>
  </div>`;
}

/** The copy as the family reads it, in the copy's own language whatever the worker's: on screen when shared, and on paper. */
function copyText(context, copy) {
  const language = isLanguage(copy.language) ? copy.language : ENGLISH;
  return inLanguage(language, () => {
    const people = connectedPeople(context.data, copy.family_id);
    const household = people.filter((person) => (copy.household_ids || []).includes(person.id)).map(fullName);
    // The family reads the worker's name, never "you" (which is how the app names its own user).
    const mine = !copy.created_by_id || copy.created_by_id === context.user?.id;
    const worker = (mine ? context.user?.display_name : context.staffName(copy.created_by_id)) || t("your worker");
    const written = writtenTimes(copy);
    const when = written.device || written.received;
    const who = household.join(", ") || t("the family");
    return html`<article class="app-family-copy" aria-labelledby="copy-title" lang="${language === WELSH ? "cy" : "en-GB"}">
      <h2 class="govuk-heading-l" id="copy-title">${t("What we talked about and agreed")}</h2>
      <p class="govuk-body">${when ? t("For {who}, from {worker}, {date}.", { who, worker, date: sayDate(when) }) : t("For {who}, from {worker}.", { who, worker })}</p>
      ${FAMILY_COPY_SECTIONS.map(({ key }) =>
        copy.sections?.[key]?.trim()
          ? html`<h3 class="govuk-heading-m">${sectionWords(key).title}</h3><p class="govuk-body app-pre-wrap">${copy.sections[key]}</p>`
          : "",
      )}
      <p class="govuk-body">${t("If anything here is not right, or you want to talk about it, tell {worker}. You can ask for this in another language or format.", { worker })}</p>
    </article>`;
  });
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
      return html`<h1 class="govuk-heading-l">${t("Family copy not found")}</h1>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`;
    }
    if (this.printing) return this.printMarkup();
    const shared = copy.state === "signed";
    const mine = isAuthor(copy, context.user);
    const flags = unresolved(flagsFor(context.data, copy.family_id, copy.household_ids || [], copy.sections || {}), copy.confirmed);
    return html`${backLink(`#/note/${copy.note_id}`, t("Back to the note"))}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <span class="govuk-caption-l">${familyName(context.data, copy.family_id)}</span>
      <h1 class="govuk-heading-l">${t("Family copy")}</h1>
      <p class="govuk-body">${t("The family's own copy of what you talked about and agreed, in plain words. It is not the case note: change anything before you share it.")}</p>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Written by")}</dt>
          <dd class="govuk-summary-list__value">${capitalised(writtenBy(context, copy))}${receiptFlag(writtenTimes(copy))}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Language")}</dt>
          <dd class="govuk-summary-list__value" id="copy-language">${LANGUAGE_NAMES[isLanguage(copy.language) ? copy.language : ENGLISH]}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("State")}</dt>
          <dd class="govuk-summary-list__value" id="copy-state">${shared
            ? html`${tag(t("Shared"), "green")} ${t("With {who}, {how}, {when}", { who: copy.shared_with, how: howWords(copy.shared_how).toLowerCase(), when: signedWhen(copy) })}${receiptFlag(signedTimes(copy))}`
            : html`${tag(t("Draft"), "grey")} ${t("Not shared yet.")}`}${notSyncedTag(copy)}</dd></div>
      </dl>
      <p class="govuk-body"><a class="govuk-link" href="#/family-copy/${copy.id}/print" id="print-link">${t("Print the copy")}</a></p>
      ${shared || !mine
        ? copyText(context, copy)
        : html`${checkBeforeSharing(flags)}${plainWordsPanel(copy.sections || {}, this.glossary)}
          ${state.open === "share" ? this.shareForm() : this.editForm(copy)}`}
      </div></div>`;
  }

  printMarkup() {
    const { copy } = this;
    return html`<div class="app-no-print">
        ${backLink(`#/family-copy/${copy.id}`, t("Back to the family copy"))}
        <h1 class="govuk-heading-l">${t("Print the family copy")}</h1>
        <p class="govuk-body">${t("Only the copy below is printed.")}</p>
        ${button(t("Print"), { type: "button", id: "print-copy" })}
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
        legend: t("Who lives in the home this copy goes to?"),
        hint: t("Anyone else named in the copy is flagged for you to check before sharing."),
        options: members.map(({ person }) => [person.id, fullName(person)]),
        error: errors["fc-household"],
      })}
      ${radios({
        name: "language",
        id: "fc-language",
        legend: t("Which language should the family copy be in?"),
        hint: t("Its headings, dates and fixed wording print in this language. Write the parts below in it too."),
        // Each language in its own words (the Active Offer).
        options: [ENGLISH, WELSH].map((code) => [code, html`<span lang="${code}">${LANGUAGE_NAMES[code]}</span>`]),
        inline: true,
      })}
      ${FAMILY_COPY_SECTIONS.map(({ key }) =>
        textarea({ name: key, id: `fc-${key}`, label: sectionWords(key).title, hint: sectionWords(key).hint, rows: key === "what_happened" ? 6 : 4, error: errors[`fc-${key}`], labelClass: "govuk-label--s" }),
      )}
      ${confirmable.length
        ? checkboxes({
            name: "confirmed",
            id: "fc-confirmed",
            legend: t("Checked and fine to share"),
            hint: t("Tick only what you have checked is fine for this household to read."),
            options: confirmable.map((flag) => [flag.key, t("{text} (in {where})", { text: flag.text, where: sectionWords(flag.section).title })]),
          })
        : ""}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button(t("Save the draft"), { secondary: true, name: "action", value: "draft" })}
        ${button(t("Share the copy"), { name: "action", value: "share" })}
      </div>
    </form>`;
  }

  shareForm() {
    const formId = "share:";
    return html`<form data-form="share" novalidate>
      <h2 class="govuk-heading-m" data-opened>${t("Record how you shared it")}</h2>
      ${copyText(this.context, this.copy)}
      ${textInput({ name: "shared_with", id: "fc-shared-with", label: t("Who did you give or send it to?"), error: this.error(formId, "fc-shared-with") })}
      ${radios({ name: "shared_how", id: "fc-shared-how", legend: t("How did you share it?"), options: sharedHowOptions(), error: this.error(formId, "fc-shared-how") })}
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${t("Once you record it as shared, the copy is final: it stays as the family received it.")}</strong>
      </div>
      <div class="govuk-button-group">
        ${button(t("Record as shared"))}
        <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-open="">${t("Back to the draft")}</button>
      </div>
    </form>`;
  }

  initialValues(form) {
    if (form.dataset.form !== "edit") return null;
    const copy = this.copy || {};
    return { household_ids: copy.household_ids || [], confirmed: copy.confirmed || [], language: isLanguage(copy.language) ? copy.language : ENGLISH, ...sectionsFrom(copy.sections || {}) };
  }

  handlers() {
    const { context } = this;
    return {
      async edit(values, { submitter }) {
        const copy = this.copy;
        const errors = {};
        const householdIds = values.household_ids || [];
        if (!householdIds.length) errors["fc-household"] = t("Choose who lives in the home this copy goes to");
        const sections = sectionsFrom(values);
        if (!Object.values(sections).some((text) => text.trim())) errors["fc-what_happened"] = t("Write at least one part of the copy");
        for (const { key } of FAMILY_COPY_SECTIONS) checkLength(errors, `fc-${key}`, sections[key], LONG_TEXT, sectionWords(key).title);
        if (Object.keys(errors).length) return { errors };
        const flags = flagsFor(context.data, copy.family_id, householdIds, sections);
        const live = new Set(flags.map((flag) => flag.key));
        const confirmed = (values.confirmed || []).filter((key) => live.has(key));
        const changes = {};
        if (JSON.stringify(sections) !== JSON.stringify(sectionsFrom(copy.sections || {}))) changes.sections = sections;
        if (JSON.stringify([...householdIds].sort()) !== JSON.stringify([...(copy.household_ids || [])].sort())) changes.household_ids = householdIds;
        if (JSON.stringify([...confirmed].sort()) !== JSON.stringify([...(copy.confirmed || [])].sort())) changes.confirmed = confirmed;
        if (isLanguage(values.language) && values.language !== (copy.language || ENGLISH)) {
          changes.language = values.language;
          await loadCatalogue(values.language);
        }
        if (Object.keys(changes).length) {
          await context.session.sync.enqueue("family_copy", "update", copy.id, changes, baseVersion(context.data, "family_copy", copy.id));
        }
        if (submitter?.value !== "share") return { message: t("The family copy is saved as a draft.") };
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
        if (!values.shared_with?.trim()) errors["fc-shared-with"] = t("Enter who you gave or sent the copy to");
        checkLength(errors, "fc-shared-with", values.shared_with, 200, t("Who you shared it with"));
        if (!howWords(values.shared_how)) errors["fc-shared-how"] = t("Choose how you shared the copy");
        if (Object.keys(errors).length) return { errors, state: { open: "share" } };
        const left = unresolved(flagsFor(context.data, copy.family_id, copy.household_ids || [], copy.sections || {}), copy.confirmed);
        if (left.length) return { errors: { form: t("Check before sharing: something in the copy needs checking first.") } };
        await context.session.sync.enqueue(
          "family_copy",
          "update",
          copy.id,
          { shared_with: values.shared_with.trim(), shared_how: values.shared_how },
          baseVersion(context.data, "family_copy", copy.id),
        );
        await context.session.sync.enqueue("family_copy", "sign", copy.id, {}, baseVersion(context.data, "family_copy", copy.id));
        return { message: t("The copy is recorded as shared with {who}. It stays as the family received it.", { who: values.shared_with.trim() }) };
      },
    };
  }
}

export async function familyCopyView(context) {
  const [id, printing] = context.params;
  const copy = context.data.get("family_copy", id);
  if (!copy) {
    notFound(context.main, t("Family copy"));
    return null;
  }
  // The copy prints in its own language: have that language's words ready first.
  await loadCatalogue(isLanguage(copy.language) ? copy.language : ENGLISH);
  const screen = new FamilyCopyScreen(context, id, Boolean(printing));
  await screen.render({ force: true });
  return () => screen.close();
}
