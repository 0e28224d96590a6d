// A relational note: its sections, who wrote it and when, draft or signed.
// A draft is edited and signed here by its author; a signed note is never
// changed, only corrected by an amendment shown beneath it. Supervision is a
// conversation on the note, not a sign-off.
//
// This module also holds what the note and judgment screens share: the
// screen that re-draws itself as data changes without losing what is typed,
// the amendments beneath a signed record and the supervision thread.

import { attachmentsPanel } from "../attachments.js";
import { newId } from "../../domain/ids.js";
import { openRequestOn } from "../../domain/review-queue.js";
import { askToDiscussSection, saveAskToDiscuss } from "../ask-to-discuss.js";
import { durationText, receiptGap, signedTimes, writtenTimes } from "../../domain/record-times.js";
import {
  button,
  errorSummary,
  focusErrorSummary,
  fillForm,
  formValues,
  radios,
  saveAsTyped,
  select,
  storageMessage,
  textarea,
} from "../forms.js";
import { html, mount } from "../html.js";
import { backLink, formatDateTime, tag } from "../layout.js";
import { currentLanguage, t } from "../../i18n.js";

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

/** A record's noun as the shared screens say it ("note", "entry", "decision"), in the current language. */
function nounWord(noun) {
  const words = { note: () => t("note"), entry: () => t("entry"), decision: () => t("decision") };
  return words[noun] ? words[noun]() : noun;
}

export const LONG_TEXT = 20_000;

// How each kind of supervision entry is headed in the conversation.
const REVIEW_HEADINGS = {
  comment: (who) => t("Comment from {who}", { who }),
  question: (who) => t("Question from {who}", { who }),
  reply: (who) => t("Reply from {who}", { who }),
  acknowledgement: (who) => t("Acknowledged by {who}", { who }),
  discussed: (who) => t("Marked as discussed by {who}", { who }),
  approve: (who) => t("Approved by {who}", { who }),
  decline: (who) => t("Declined by {who}", { who }),
  ask_to_discuss: (who) => t("{who} asked to talk this through", { who: capitalised(who) }),
  sampled: (who) => t("Chosen for the monthly sample by {who}", { who }),
  disagreement: (who) => t("Professional disagreement from {who}", { who }),
  escalation: (who) => t("Escalated by {who} to the next manager", { who }),
  decision_review: (who) => t("Decision reviewed by {who}", { who }),
  verbal_approval: (who) => t("Agreement by phone recorded by {who}", { who }),
};

// --- small shared pieces ----------------------------------------------------------------

/** Return whether the signed-in worker wrote a record (an unsynced one was written here). */
export function isAuthor(record, user) {
  if (!record || !user) return false;
  return record.created_by_id ? record.created_by_id === user.id : Boolean(record.unsynced);
}

/** Return the version a change is based on: an unsynced record counts as the server's first. */
export function baseVersion(data, entity, id) {
  return Math.max(1, data.record(entity, id)?.version || 1);
}

/** Order records oldest first; those not yet synced (no server time) come last, in outbox order. */
export function oldestFirst(records) {
  return [...records].sort((a, b) => {
    if (!a.created_at || !b.created_at) return (a.created_at ? 0 : 1) - (b.created_at ? 0 : 1);
    return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
  });
}

export function notSyncedTag(record) {
  return record?.unsynced ? html` ${tag(t("Not synced yet"), "grey")}` : "";
}

export function capitalised(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** Return who wrote a record and when, by the device's clock where it is known. */
export function writtenBy(context, record) {
  const who = context.staffName(record.created_by_id) || t("you");
  const { device, received } = writtenTimes(record);
  const when = device || received;
  return when ? t("{who} on {when}", { who, when: formatDateTime(when) }) : t("{who}, on this device, not synced yet", { who });
}

/** Return when a record was signed, by the device's clock where it is known. */
export function signedWhen(record) {
  const { device, received } = signedTimes(record);
  return device || received ? t("on {when}", { when: formatDateTime(device || received) }) : "";
}

/**
 * Return a flag, with the server's time of receipt, when it is more than a few
 * minutes from the device's time (synced later, or a device clock that was wrong).
 */
export function receiptFlag(times) {
  const gap = receiptGap(times);
  if (!gap || gap.kind === "same") {
    return "";
  }
  const received = formatDateTime(times.received);
  return gap.kind === "later"
    ? html`<span class="app-receipt">${tag(t("Synced later"), "blue")} ${t("The council's server received it on {received}, {gap} later, when the device synced.", { received, gap: durationText(gap.minutes) })}</span>`
    : html`<span class="app-receipt">${tag(t("Device clock ahead"), "yellow")} ${t("The council's server received it on {received}, {gap} before the time the device gave: the device's clock was probably wrong.", { received, gap: durationText(gap.minutes) })}</span>`;
}

export function familyName(data, familyId) {
  return data.get("family", familyId)?.display_name || t("this family");
}

export function visitText(context, interactionId) {
  const visit = interactionId ? context.data.get("interaction", interactionId) : null;
  if (!visit) return "";
  return t("{mode} on {when}", { mode: context.label("interaction_mode", visit.mode), when: formatDateTime(visit.occurred_at) });
}

/** The banner after a save: announced and focused once, not again when sync re-draws the screen. */
export function successBanner(message, announce = true) {
  if (!message) return "";
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="${announce ? "alert" : "region"}"
      aria-labelledby="success-title" data-module="govuk-notification-banner" ${announce ? "" : html`data-disable-auto-focus="true"`}>
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="success-title">${t("Success")}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">${message}</p>
    </div>
  </div>`;
}

export function draftStatus() {
  return html`<p class="app-draft-saved">${t("Drafts are saved on this device as you type.")}</p>`;
}

/** Check lengths the server enforces, so a long text is refused here, not after sync. */
export function checkLength(errors, id, value, max, name) {
  if (!errors[id] && (value || "").length > max) {
    errors[id] = t("{name} must be {max} characters or fewer", { name, max: max.toLocaleString("en-GB") });
  }
}

// --- a screen that re-draws as data changes, keeping what is typed ----------------------

/**
 * The frame of the note and judgment screens. Forms carry `data-form` (and
 * `data-target` when there are several of a kind) and may carry `data-draft`,
 * the key their text is kept under as it is typed. Buttons with `data-open`
 * open a form. A change of data re-draws the screen unless the worker is
 * typing, so sync never takes text from under their fingers.
 */
export class RecordScreen {
  constructor(context) {
    this.context = context;
    this.state = { open: null, form: null, errors: {}, values: null, message: null };
    this.stops = [];
    this.dirty = false;
    this.busy = false;
    this.last = null;
    this.turn = 0;
    this.announce = false;
    this.onChange = () => {
      // Never re-draw under the worker's fingers, nor over errors they are reading.
      if (!this.dirty && !this.busy && !this.state.form) this.render();
    };
    this.onInput = () => {
      this.dirty = true;
    };
    this.onClick = (event) => {
      const opener = event.target.closest("[data-open]");
      if (opener && this.context.main.contains(opener)) {
        event.preventDefault();
        this.state = { open: opener.dataset.open || null, form: null, errors: {}, values: null, message: null };
        this.render({ force: true }).then(() => this.focusOpened());
      }
    };
    context.data.addEventListener("change", this.onChange);
    context.main.addEventListener("input", this.onInput);
    context.main.addEventListener("click", this.onClick);
  }

  close() {
    this.context.data.removeEventListener("change", this.onChange);
    this.context.main.removeEventListener("input", this.onInput);
    this.context.main.removeEventListener("click", this.onClick);
    this.stopDrafts();
    this.turn += 1;
  }

  stopDrafts() {
    this.stops.forEach((stop) => stop());
    this.stops = [];
  }

  /** Return the error summary: linked to each field, or plain when no field is to blame. */
  problems() {
    const { form: problem, ...linked } = this.state.errors || {};
    return problem ? problemSummary(problem) : errorSummary(linked);
  }

  /** Return the error shown beside a field, if the last submitted form was this one. */
  error(formId, fieldId) {
    return this.state.form === formId ? this.state.errors[fieldId] : undefined;
  }

  /**
   * The screen's content, drawn again when the data changes.
   * @returns {Html}
   */
  markup() {
    return "";
  }

  /**
   * What each form (by its data-form name) does when sent; called with the screen as `this`.
   * @returns {Handlers<this>}
   */
  handlers() {
    return {};
  }

  /** Read what the screen shows before it is drawn (optional). @returns {Promise<void> | void} */
  prepare() {}

  /**
   * The values a form starts from before its draft is laid over it (optional).
   * @param {HTMLFormElement} _form
   * @returns {object | null}
   */
  initialValues(_form) {
    return null;
  }

  /** Wire what the markup cannot (optional), after each drawing. */
  afterRender() {}

  /**
   * Move to another step of a screen that has steps (optional).
   * @param {string} _step
   */
  changeStep(_step) {}

  focusOpened() {
    const heading = this.context.main.querySelector("[data-opened]");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  async render({ force = false } = {}) {
    const { main, session } = this.context;
    const turn = ++this.turn;
    await this.prepare?.();
    if (turn !== this.turn) return;
    // A redraw nobody asked for waits if the worker started typing meanwhile.
    if (!force && this.dirty) return;
    const content = this.markup();
    const text = String(content);
    if (!force && text === this.last) {
      return;
    }
    this.last = text;
    this.stopDrafts();
    mount(main, content);
    this.dirty = false;
    this.announce = false;
    for (const form of main.querySelectorAll("form[data-form]")) {
      const formId = formKey(form);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submit(form, event.submitter);
      });
      const key = form.dataset.draft;
      if (this.state.form === formId && this.state.values) {
        fillForm(form, this.state.values);
      } else {
        const start = this.initialValues?.(form);
        if (start) fillForm(form, start);
        if (key) {
          // What the worker changes while the draft loads is newer than the draft.
          const touched = new Set();
          const note = (event) => event.target?.name && touched.add(event.target.name);
          form.addEventListener("input", note);
          form.addEventListener("change", note);
          const draft = await session.loadDraft(key).catch(() => null);
          form.removeEventListener("input", note);
          form.removeEventListener("change", note);
          if (turn !== this.turn) return;
          if (draft) {
            fillForm(form, Object.fromEntries(Object.entries(draft).filter(([name]) => !touched.has(name))));
          }
        }
      }
      if (key) {
        this.stops.push(saveAsTyped(form, (values) => session.saveDraft(key, values), form.querySelector(".app-draft-saved")));
      }
    }
    this.afterRender?.();
    this.context.enhance();
    document.title = `${main.querySelector("h1")?.textContent?.trim() || "Family Fieldwork"} – Family Fieldwork`;
    focusErrorSummary(main);
  }

  focusHeading() {
    const heading = this.context.main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    window.scrollTo(0, 0);
  }

  async submit(form, submitter) {
    const { session } = this.context;
    const formId = formKey(form);
    const values = formValues(form);
    const handler = this.handlers()[form.dataset.form];
    if (!handler || this.busy) return;
    this.busy = true;
    let outcome;
    try {
      outcome = (await handler.call(this, values, { form, submitter, target: form.dataset.target })) || {};
    } catch (error) {
      // The device could not store it (out of space, say): say so beside the first field.
      const first = form.querySelector("input:not([type=hidden]), textarea, select");
      outcome = first
        ? { errors: { [first.id]: t("Not saved: {why}", { why: storageMessage(error) }) } }
        : { errors: { form: t("Not saved: {why}", { why: storageMessage(error) }) } };
    } finally {
      this.busy = false;
    }
    const failed = Boolean(outcome.errors && Object.keys(outcome.errors).length);
    if (failed) {
      // Nothing typed is lost: the form is drawn again with exactly what was sent.
      this.state = { ...this.state, form: formId, errors: outcome.errors, values, message: null };
    } else {
      if (form.dataset.draft && !outcome.keepDraft) {
        this.stopDrafts();
        await session.deleteDraft(form.dataset.draft).catch(() => {});
      }
      this.state = { open: null, form: null, errors: {}, values: null, message: outcome.message || null, ...(outcome.state || {}) };
      this.announce = true;
      if (outcome.step) this.changeStep?.(outcome.step);
    }
    await this.render({ force: true });
    if (failed) return;
    if (outcome.step || outcome.state?.open) {
      this.focusHeading();
    }
  }
}

export function problemSummary(problem) {
  if (!problem) return "";
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1">
    <div role="alert">
      <h2 class="govuk-error-summary__title">${t("There is a problem")}</h2>
      <div class="govuk-error-summary__body"><p class="govuk-body">${problem}</p></div>
    </div>
  </div>`;
}

function formKey(form) {
  return `${form.dataset.form}:${form.dataset.target || ""}`;
}

// --- amendments ----------------------------------------------------------------------

export function amendmentsOf(data, targetId) {
  return oldestFirst(data.all("amendment").filter((amendment) => amendment.target_id === targetId));
}

/** The corrections beneath a signed record, each with its reason, author and date. */
export function amendmentList(context, { targetId, fields, noun }) {
  const amendments = amendmentsOf(context.data, targetId);
  const titles = Object.fromEntries(fields.map(({ key, title }) => [key, title]));
  return html`<h2 class="govuk-heading-m">${t("Corrections")}</h2>
    <p class="govuk-body">${t("The signed {noun} is never changed. Each correction is added beneath it with its reason, who made it and when.", { noun: nounWord(noun) })}</p>
    ${amendments.length
      ? amendments.map(
          (amendment) => html`<div class="app-record app-record--amendment">
            <h3 class="govuk-heading-s">${t("Correction by {who}", { who: writtenBy(context, amendment) })}${notSyncedTag(amendment)}</h3>
            ${receiptFlag(writtenTimes(amendment))}
            <dl class="govuk-summary-list">
              <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Reason")}</dt>
                <dd class="govuk-summary-list__value app-pre-wrap">${amendment.reason}</dd></div>
              ${Object.entries(amendment.changes || {}).map(
                ([key, text]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("{part}, corrected", { part: titles[key] || key.replaceAll("_", " ") })}</dt>
                  <dd class="govuk-summary-list__value app-pre-wrap">${text}</dd></div>`,
              )}
            </dl>
          </div>`,
        )
      : html`<p class="govuk-body">${t("No corrections.")}</p>`}`;
}

/** The form that corrects a signed record: which part, the corrected text and why. */
export function amendmentForm(screen, { targetKind, targetId, fields, noun }) {
  const formId = "amend:";
  if (screen.state.open !== "amend") {
    return html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-open="amend">${t("Correct this {noun}", { noun: nounWord(noun) })}</button>`;
  }
  return html`<form data-form="amend" data-draft="amendment/${targetKind}/${targetId}" novalidate>
    <h2 class="govuk-heading-m" data-opened>${t("Correct this {noun}", { noun: nounWord(noun) })}</h2>
    <p class="govuk-body">${t("The signed {noun} stays exactly as it is. Your correction is added beneath it with your reason, your name and the date, and everyone who reads the {noun} sees both.", { noun: nounWord(noun) })}</p>
    ${select({
      name: "section",
      id: "amend-section",
      label: t("Which part are you correcting?"),
      options: fields.map(({ key, title }) => [key, title]),
      error: screen.error(formId, "amend-section"),
    })}
    ${textarea({
      name: "text",
      id: "amend-text",
      label: t("The corrected text"),
      hint: t("Write the part as it should read."),
      rows: 6,
      error: screen.error(formId, "amend-text"),
    })}
    ${textarea({
      name: "reason",
      id: "amend-reason",
      label: t("Why are you correcting it?"),
      hint: t("For example, what was wrong or missing, and how you found out."),
      rows: 3,
      error: screen.error(formId, "amend-reason"),
    })}
    ${draftStatus()}
    <div class="govuk-button-group">
      ${button(t("Save the correction"))}
      <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-open="">${t("Cancel")}</button>
    </div>
  </form>`;
}

export async function saveAmendment(context, { targetKind, targetId, fields }, values) {
  const errors = {};
  if (!fields.some(({ key }) => key === values.section)) errors["amend-section"] = t("Choose which part you are correcting");
  if (!values.text?.trim()) errors["amend-text"] = t("Enter the corrected text");
  if (!values.reason?.trim()) errors["amend-reason"] = t("Enter why you are correcting it");
  checkLength(errors, "amend-text", values.text, LONG_TEXT, t("The corrected text"));
  checkLength(errors, "amend-reason", values.reason, 2000, t("The reason"));
  if (Object.keys(errors).length) return { errors };
  await context.session.sync.enqueue("amendment", "create", newId(), {
    target_kind: targetKind,
    target_id: targetId,
    reason: values.reason.trim(),
    changes: { [values.section]: values.text },
  });
  return { message: t("Your correction is saved. It is shown beneath the original.") };
}

// --- the supervision thread ----------------------------------------------------------

/** Return a "discussed" made on this device and not synced yet (the server records it on sync). */
export function pendingDiscussion(data, target) {
  return reviewsOf(data, target.id).find((review) => review.unsynced && review.review_kind === "discussed");
}

export function reviewsOf(data, targetId) {
  return oldestFirst(data.all("review").filter((review) => review.target_id === targetId));
}

/** Group a record's reviews into threads: each comment or event with the replies under it. */
function threads(reviews) {
  const byId = new Map(reviews.map((review) => [review.id, review]));
  const rootOf = (review) => {
    let current = review;
    const seen = new Set();
    while (current.parent_id && byId.has(current.parent_id) && !seen.has(current.id)) {
      seen.add(current.id);
      current = byId.get(current.parent_id);
    }
    return current;
  };
  const roots = [];
  const replies = new Map();
  for (const review of reviews) {
    const root = rootOf(review);
    if (root === review) {
      roots.push(review);
    } else {
      if (!replies.has(root.id)) replies.set(root.id, []);
      replies.get(root.id).push(review);
    }
  }
  return roots.map((root) => ({ root, replies: replies.get(root.id) || [] }));
}

function reviewEntry(context, review, level) {
  const who = context.staffName(review.created_by_id) || t("you");
  const { device, received } = writtenTimes(review);
  const when = device || received ? formatDateTime(device || received) : t("not synced yet");
  const title = (REVIEW_HEADINGS[review.review_kind] || REVIEW_HEADINGS.comment)(who);
  const heading = level === 3
    ? html`<h3 class="govuk-heading-s govuk-!-margin-bottom-1">${title}</h3>`
    : html`<h4 class="govuk-heading-s govuk-!-margin-bottom-1">${title}</h4>`;
  const to = review.agreed_by_id
    ? html`<p class="govuk-body-s">${t("Agreed by {who} by phone at {when}", { who: context.staffName(review.agreed_by_id), when: formatDateTime(review.agreed_at) })}</p>`
    : review.addressed_to_id ? html`<p class="govuk-body-s">${t("Sent to {who}", { who: context.staffName(review.addressed_to_id) })}</p>` : "";
  return html`${heading}
    <p class="govuk-body-s app-thread__when">${when}${notSyncedTag(review)}${receiptFlag(writtenTimes(review))}</p>
    ${to}<p class="govuk-body app-pre-wrap">${review.body}</p>`;
}

/** The conversation on a signed note or judgment, with a reply form under each comment. */
export function supervisionThread(screen, { target, noun }) {
  const { context } = screen;
  const all = threads(reviewsOf(context.data, target.id));
  const signed = target.state === "signed";
  return html`<h2 class="govuk-heading-m">${t("Supervision")}</h2>
    <p class="govuk-body">${t("Supervision is a conversation about the work: questions, comments and replies on this {noun}.", { noun: nounWord(noun) })}</p>
    ${all.length
      ? html`<ol class="app-thread">${all.map(
          ({ root, replies }) => html`<li class="app-record app-record--review">
            ${reviewEntry(context, root, 3)}
            ${replies.length
              ? html`<ol class="app-thread app-thread--replies">${replies.map(
                  (reply) => html`<li class="app-thread__reply">${reviewEntry(context, reply, 4)}</li>`,
                )}</ol>`
              : ""}
            ${signed && ["comment", "question", "ask_to_discuss"].includes(root.review_kind) ? replyForm(screen, root) : ""}
          </li>`,
        )}</ol>`
      : html`<p class="govuk-body">${t("No comments yet.")}</p>`}`;
}

function replyForm(screen, root) {
  const formId = `reply:${root.id}`;
  const open = screen.state.form === formId;
  const fieldId = `reply-${root.id}`;
  return html`<details class="govuk-details" ${open ? html`open` : ""}>
    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${{ question: () => t("Reply to this question"), ask_to_discuss: () => t("Reply to this request") }[root.review_kind]?.() || t("Reply to this comment")}</span></summary>
    <div class="govuk-details__text">
      <form data-form="reply" data-target="${root.id}" data-draft="reply/${root.id}" novalidate>
        ${textarea({ name: "body", id: fieldId, label: t("Your reply"), rows: 4, error: screen.error(formId, fieldId) })}
        ${draftStatus()}
        ${button(t("Send reply"))}
      </form>
    </div>
  </details>`;
}

export async function saveReply(context, { targetKind, targetId }, values, parentId) {
  const fieldId = `reply-${parentId}`;
  const errors = {};
  if (!values.body?.trim()) errors[fieldId] = t("Enter your reply");
  checkLength(errors, fieldId, values.body, LONG_TEXT, t("Your reply"));
  if (Object.keys(errors).length) return { errors };
  await context.session.sync.enqueue("review", "create", newId(), {
    target_kind: targetKind,
    target_id: targetId,
    parent_id: parentId,
    review_kind: "reply",
    body: values.body.trim(),
  });
  return { message: t("Your reply is saved.") };
}

/** A supervisor's own start to the conversation: a comment or a question. */
export function commentForm(screen) {
  const formId = "comment:";
  return html`<form data-form="comment" data-draft="comment/${screen.targetId}" novalidate>
    <h3 class="govuk-heading-s">${t("Add a comment or question")}</h3>
    ${radios({
      name: "review_kind",
      id: "comment-kind",
      legend: t("Is it a comment or a question?"),
      options: [
        ["question", t("A question for the worker to reflect on")],
        ["comment", t("A comment")],
      ],
      error: screen.error(formId, "comment-kind"),
    })}
    ${textarea({ name: "body", id: "comment-body", label: t("Your comment or question"), rows: 4, error: screen.error(formId, "comment-body") })}
    ${draftStatus()}
    ${button(t("Add to the conversation"))}
  </form>`;
}

export async function saveComment(context, { targetKind, targetId }, values) {
  const errors = {};
  if (!["comment", "question"].includes(values.review_kind)) errors["comment-kind"] = t("Choose comment or question");
  if (!values.body?.trim()) errors["comment-body"] = t("Enter your comment or question");
  checkLength(errors, "comment-body", values.body, LONG_TEXT, t("Your comment or question"));
  if (Object.keys(errors).length) return { errors };
  await context.session.sync.enqueue("review", "create", newId(), {
    target_kind: targetKind,
    target_id: targetId,
    review_kind: values.review_kind,
    body: values.body.trim(),
  });
  return { message: values.review_kind === "question" ? t("Your question is saved.") : t("Your comment is saved.") };
}

export function discussedForm(screen, noun) {
  const formId = "discussed:";
  return html`<form data-form="discussed" data-draft="discussed/${screen.targetId}" novalidate>
    <h3 class="govuk-heading-s">${t("Mark as discussed")}</h3>
    ${textarea({
      name: "body",
      id: "discussed-body",
      label: t("What you talked about (optional)"),
      hint: t("Say when you discussed this {noun} with the worker.", { noun: nounWord(noun) }),
      rows: 3,
      error: screen.error(formId, "discussed-body"),
    })}
    ${button(t("Mark as discussed"), { secondary: true })}
  </form>`;
}

export async function saveDiscussed(context, { targetKind, targetId }, values) {
  const errors = {};
  checkLength(errors, "discussed-body", values.body, LONG_TEXT, t("What you talked about"));
  if (Object.keys(errors).length) return { errors };
  // Marking it discussed also closes a worker's ask, or the monthly sample, on it.
  const request = openRequestOn(context.data, targetId);
  await context.session.sync.enqueue("review", "create", newId(), {
    target_kind: targetKind,
    target_id: targetId,
    ...(request ? { parent_id: request.id } : {}),
    review_kind: "discussed",
    body: values.body?.trim() || "Discussed in supervision.",
  });
  return { message: t("Marked as discussed.") };
}

export function notFound(main, what) {
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("{what} not found", { what })}</h1>
      <p class="govuk-body">${t("It may not have synced to this device yet, or it is no longer in your caseload.")}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/">${t("Go to your caseload")}</a></p>`,
  );
}

// --- the note screen -----------------------------------------------------------------

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

/**
 * Ask the worker to confirm signing: once signed, a record is only corrected by amendment.
 * @param {{noun: string, what: string, formName: string, extra?: Html, problem?: Html}} confirmation
 */
export function signConfirmation({ noun, what, formName, extra = "", problem = "" }) {
  // Whole sentences for the records signed here, so a translator never assembles one from parts.
  const said = {
    note: () => ({ title: t("Sign this note?"), yes: t("Yes, sign the note"), no: t("No, go back to the note") }),
    entry: () => ({ title: t("Sign this entry?"), yes: t("Yes, sign the entry"), no: t("No, go back to the entry") }),
  }[noun]?.() || { title: `Sign this ${noun}?`, yes: `Yes, sign ${what}`, no: `No, go back to ${what}` };
  return html`${problemSummary(problem)}<form data-form="${formName}" novalidate>
    <h1 class="govuk-heading-l">${said.title}</h1>
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${t("Signing makes the {noun} final. After that it cannot be edited: any correction is added as an amendment with a reason, and the original stays as it is.", { noun: nounWord(noun) })}</strong>
    </div>
    ${extra}
    <div class="govuk-button-group">
      ${button(said.yes, { name: "confirm", value: "yes" })}
      ${button(said.no, { secondary: true, name: "confirm", value: "no" })}
    </div>
  </form>`;
}

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
        // Loaded when used: the family copy's screen is built on this module's RecordScreen.
        const { makeFamilyCopy } = await import("./family-copy.js");
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
