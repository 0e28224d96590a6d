// A relational note's six sections: the form that writes them (in the visit
// flow and on the note page), their checks, and saving and signing a note.

import { newId } from "../domain/ids.js";
import { t } from "../i18n.js";
import { textarea } from "./forms.js";
import { html } from "./html.js";
import { LONG_TEXT, baseVersion, checkLength } from "./records.js";

export const NOTE_SECTIONS = [
  {
    key: "what_happened",
    title: "What happened",
    hint: "What you did together and what happened between you and the family. Write it so the family could read it.",
  },
  {
    key: "child_voice",
    title: "The child's voice",
    hint: "What the child said, in their own words. Put their exact words in quotation marks where you can.",
  },
  {
    key: "family_view",
    title: "The family's view",
    hint: "How the family see things, and what matters to them, in their words.",
  },
  {
    key: "family_request",
    title: "What the family asked for",
    hint: "Anything the family asked you or the service to do, in their words. The family is at the top of your caseload until you are next in touch with them.",
  },
  {
    key: "strengths",
    title: "Strengths",
    hint: "What is going well, and what the family and their network do well.",
  },
  {
    key: "reflection",
    title: "Your reflection",
    hint: "What you think and feel about this visit and the relationship, and why.",
  },
  {
    key: "next_steps",
    title: "Next steps",
    hint: "What you and the family agreed will happen next: who does it, and by when.",
  },
];

/** A note section's title and hint in the current language. */
export function noteSectionWords(key) {
  const words = {
    what_happened: { title: t("What happened"), hint: t("What you did together and what happened between you and the family. Write it so the family could read it.") },
    child_voice: { title: t("The child's voice"), hint: t("What the child said, in their own words. Put their exact words in quotation marks where you can.") },
    family_view: { title: t("The family's view"), hint: t("How the family see things, and what matters to them, in their words.") },
    family_request: {
      title: t("What the family asked for"),
      hint: t("Anything the family asked you or the service to do, in their words. The family is at the top of your caseload until you are next in touch with them."),
    },
    strengths: { title: t("Strengths"), hint: t("What is going well, and what the family and their network do well.") },
    reflection: { title: t("Your reflection"), hint: t("What you think and feel about this visit and the relationship, and why.") },
    next_steps: { title: t("Next steps"), hint: t("What you and the family agreed will happen next: who does it, and by when.") },
  };
  return words[key] || { title: key, hint: "" };
}

/** Return where the text of a note being written is kept on the device as it is typed. */
export function noteDraftKey(familyId, interactionId) {
  return `note/${familyId}/${interactionId || "none"}`;
}

export function noteSectionsHtml(note, headingLevel = 2) {
  const sections = note.sections || {};
  return NOTE_SECTIONS.map(({ key }) => {
    const { title } = noteSectionWords(key);
    const heading = headingLevel === 2
      ? html`<h2 class="govuk-heading-s govuk-!-margin-bottom-1">${title}</h2>`
      : html`<h3 class="govuk-heading-s govuk-!-margin-bottom-1">${title}</h3>`;
    return html`${heading}${sections[key]?.trim()
      ? html`<p class="govuk-body app-pre-wrap">${sections[key]}</p>`
      : html`<p class="govuk-body app-secondary-text">${t("Not written.")}</p>`}`;
  });
}

/** The form that writes a note's six sections (in the visit flow and on the note page). */
export function noteSectionFields(errors = {}) {
  return NOTE_SECTIONS.map(({ key }) =>
    textarea({ name: key, label: noteSectionWords(key).title, hint: noteSectionWords(key).hint, rows: key === "what_happened" ? 8 : 5, error: errors[key], labelClass: "govuk-label--s" }),
  );
}

/** Check a note's sections: saving needs something written; signing needs what happened. */
export function checkNote(values, { signing }) {
  const errors = {};
  if (signing && !values.what_happened?.trim()) {
    errors.what_happened = t("Enter what happened");
  } else if (!NOTE_SECTIONS.some(({ key }) => values[key]?.trim())) {
    errors.what_happened = t("Write at least one section before saving");
  }
  for (const { key } of NOTE_SECTIONS) {
    checkLength(errors, key, values[key], LONG_TEXT, noteSectionWords(key).title);
  }
  return errors;
}

export function sectionsFrom(values) {
  return Object.fromEntries(NOTE_SECTIONS.map(({ key }) => [key, values[key] || ""]));
}

/**
 * Create the note, or send the sections that changed; return its id.
 * @param {object} context
 * @param {{note?: object | null, familyId?: string, interactionId?: string | null}} target the note, or where a new one goes
 * @param {FormValues} values
 */
export async function saveNote(context, { note, familyId, interactionId }, values) {
  const sections = sectionsFrom(values);
  if (!note) {
    const id = newId();
    await context.session.sync.enqueue("note", "create", id, {
      family_id: familyId,
      interaction_id: interactionId || null,
      sections,
    });
    return id;
  }
  const current = note.sections || {};
  if (NOTE_SECTIONS.some(({ key }) => (current[key] || "") !== sections[key])) {
    await context.session.sync.enqueue("note", "update", note.id, { sections }, baseVersion(context.data, "note", note.id));
  }
  return note.id;
}

export async function signNote(context, noteId) {
  await context.session.sync.enqueue("note", "sign", noteId, {}, baseVersion(context.data, "note", noteId));
}
