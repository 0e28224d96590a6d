// A relational note: its sections, who wrote it and when, draft or signed.
// A draft is edited and signed here by its author; a signed note is never
// changed, only corrected by an amendment shown beneath it. Supervision is a
// conversation on the note, not a sign-off. What the record screens share
// lives in ui/ (record-screen.js, records.js, record-threads.js, note-form.js).

import { attachmentsPanel } from "../attachments.js";
import { openRequestOn } from "../../domain/review-queue.js";
import { askToDiscussSection, saveAskToDiscuss } from "../ask-to-discuss.js";
import { signedTimes, writtenTimes } from "../../domain/record-times.js";
import { button, radios } from "../forms.js";
import { html } from "../html.js";
import { backLink, tag } from "../layout.js";
import { RecordScreen } from "../record-screen.js";
import {
  amendmentForm,
  amendmentList,
  commentForm,
  discussedForm,
  pendingDiscussion,
  saveAmendment,
  saveComment,
  saveDiscussed,
  saveReply,
  supervisionThread,
} from "../record-threads.js";
import {
  NOTE_SECTIONS,
  noteSectionWords,
  checkNote,
  noteDraftKey,
  noteSectionFields,
  noteSectionsHtml,
  saveNote,
  sectionsFrom,
  signNote,
} from "../note-form.js";
import {
  capitalised,
  draftStatus,
  familyName,
  isAuthor,
  notFound,
  notSyncedTag,
  receiptFlag,
  signConfirmation,
  signedWhen,
  successBanner,
  visitText,
  writtenBy,
} from "../records.js";
import { makeFamilyCopy } from "../family-copy-draft.js";
import { currentLanguage, t } from "../../i18n.js";

/** The family's own copies of a signed note, and the button that drafts one. */
function familyCopiesSection(context, note) {
  const copies = context.data.all("family_copy").filter((copy) => copy.note_id === note.id);
  const practitioner = ["caseworker", "supervisor"].includes(context.user?.role);
  return html`<h2 class="govuk-heading-m">${t("Family copies")}</h2>
    <p class="govuk-body">${t("A family copy is what you talked about and agreed, in plain words, for the family to keep. It is drafted from this note and you change it before sharing; the note itself never goes to the family.")}</p>
    ${copies.length
      ? html`<ul class="govuk-list">${copies.map(
          (copy) => html`<li><a class="govuk-link" href="#/family-copy/${copy.id}">${copy.state === "signed" ? t("Family copy shared with {who}", { who: copy.shared_with }) : t("Family copy (draft)")}</a>${notSyncedTag(copy)}</li>`,
        )}</ul>`
      : ""}
    ${practitioner
      ? html`<form data-form="family-copy" novalidate>
          ${radios({ name: "language", id: "family-copy-language", legend: t("Which language should the family copy be in?"), options: [["en", html`<span lang="en">English</span>`], ["cy", html`<span lang="cy">Cymraeg</span>`]], value: currentLanguage(), inline: true })}
          ${button(t("Make a family copy"), { secondary: true })}
        </form>`
      : ""}`;
}

class NoteScreen extends RecordScreen {
  constructor(context, id) {
    super(context);
    this.targetId = id;
  }

  get note() {
    return this.context.data.get("note", this.targetId);
  }

  get target() {
    return { targetKind: "note", targetId: this.targetId, fields: NOTE_SECTIONS.map(({ key }) => ({ key, title: noteSectionWords(key).title })), noun: "note" };
  }

  markup() {
    const { context, note, state } = this;
    if (!note) {
      return html`<h1 class="govuk-heading-l">${t("Note not found")}</h1>
        <p class="govuk-body">${t("It is no longer on this device.")}</p>
        <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`;
    }
    const mine = isAuthor(note, context.user);
    const draft = note.state !== "signed";
    if (draft && mine && state.open === "confirm-sign") {
      return signConfirmation({ noun: "note", what: "the note", formName: "confirm-sign", problem: state.errors?.form });
    }
    const supervisor = context.user?.role === "supervisor";
    const discussed = note.review_status === "discussed" || Boolean(pendingDiscussion(context.data, note));
    return html`${backLink(`#/family/${note.family_id}`, t("Back to {family}", { family: familyName(context.data, note.family_id) }))}
      ${this.problems()}
      ${successBanner(state.message, this.announce)}
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <span class="govuk-caption-l">${familyName(context.data, note.family_id)}</span>
      <h1 class="govuk-heading-l">${t("Relational note")}</h1>
      <dl class="govuk-summary-list">
        ${note.interaction_id
          ? html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Visit")}</dt>
              <dd class="govuk-summary-list__value">${visitText(context, note.interaction_id)}</dd></div>`
          : ""}
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Written by")}</dt>
          <dd class="govuk-summary-list__value" id="note-written">${capitalised(writtenBy(context, note))}${receiptFlag(writtenTimes(note))}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("State")}</dt>
          <dd class="govuk-summary-list__value" id="note-state">${draft
            ? html`${tag(t("Draft"), "grey")} ${t("Not final until it is signed.")}`
            : html`${tag(t("Signed"), "green")} ${signedWhen(note)}${receiptFlag(signedTimes(note))}`}${notSyncedTag(note)}
            ${discussed ? html`<br>${t("Discussed in supervision.")}` : ""}</dd></div>
      </dl>
      ${draft && mine ? this.editForm() : noteSectionsHtml(note)}
      ${attachmentsPanel({ parentKind: "note", parentId: note.id, familyId: note.family_id, canAdd: mine })}
      ${draft
        ? ""
        : html`${familyCopiesSection(context, note)}
          ${amendmentList(context, this.target)}
          ${amendmentForm(this, this.target)}
          ${supervisionThread(this, { target: note, noun: "note" })}
          ${askToDiscussSection(this, { target: note, noun: "note" })}
          ${supervisor ? html`${commentForm(this)}${discussed && !openRequestOn(context.data, note.id) ? "" : discussedForm(this, "note")}` : ""}`}
      </div></div>`;
  }

  editForm() {
    const { note } = this;
    const errors = this.state.form === "edit:" ? this.state.errors : {};
    return html`<form data-form="edit" data-draft="${noteDraftKey(note.family_id, note.interaction_id)}" novalidate>
      ${noteSectionFields(errors)}
      ${draftStatus()}
      <div class="govuk-button-group">
        ${button(t("Save as draft"), { secondary: true, name: "action", value: "draft" })}
        ${button(t("Sign the note"), { name: "action", value: "sign" })}
      </div>
    </form>`;
  }

  initialValues(form) {
    // A note being edited starts from what it holds; a draft typed since is laid over it.
    return form.dataset.form === "edit" ? sectionsFrom(this.note?.sections || {}) : null;
  }

  handlers() {
    const { context } = this;
    return {
      async edit(values, { submitter }) {
        const signing = submitter?.value === "sign";
        const errors = checkNote(values, { signing });
        if (Object.keys(errors).length) return { errors };
        await saveNote(context, { note: this.note }, values);
        if (signing) return { state: { open: "confirm-sign" } };
        return { message: t("Your note is saved as a draft. It is not final until you sign it.") };
      },
      async "confirm-sign"(_values, { submitter }) {
        if (submitter?.value !== "yes") return {};
        await signNote(context, this.targetId);
        return { message: t("The note is signed. Corrections can now only be made by amendment.") };
      },
      async amend(values) {
        return saveAmendment(context, this.target, values);
      },
      async "family-copy"(values) {
        await makeFamilyCopy(context, this.note, values.language);
        return {};
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

export async function noteView(context) {
  const [id] = context.params;
  if (!context.data.get("note", id)) {
    notFound(context.main, t("Note"));
    return null;
  }
  const screen = new NoteScreen(context, id);
  await screen.render({ force: true });
  return () => screen.close();
}
