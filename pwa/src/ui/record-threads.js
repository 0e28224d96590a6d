// What the note and judgment screens show beneath a signed record: its
// amendments (corrections with reasons) and the supervision thread.

import { newId } from "../domain/ids.js";
import { threadRoots } from "../domain/inbox.js";
import { openRequestOn } from "../domain/review-queue.js";
import { writtenTimes } from "../domain/record-times.js";
import { button, radios, select, textarea } from "./forms.js";
import { html } from "./html.js";
import { formatDateTime } from "./layout.js";
import { LONG_TEXT, capitalised, nounWord, checkLength, draftStatus, notSyncedTag, oldestFirst, receiptFlag, writtenBy } from "./records.js";
import { t } from "../i18n.js";

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
  const rootOf = threadRoots(reviews);
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
    body: values.body?.trim() || t("Discussed in supervision."),
  });
  return { message: t("Marked as discussed.") };
}
