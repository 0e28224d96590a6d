// The inbox: supervision questions, comments and replies addressed to me,
// read from the device (so it works offline). Each links to the note or
// decision it is about, and can be answered here: the reply goes through the
// outbox like any other supervision reply. A comment or reply that needs no
// answer can be acknowledged instead; a question needs a reply.

import { newId } from "../../domain/ids.js";
import { inboxOf } from "../../domain/inbox.js";
import { button, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDateTime } from "../layout.js";
import { capitalised, draftStatus, notSyncedTag, successBanner } from "../records.js";
import { saveReply } from "../record-threads.js";
import { RecordScreen } from "../record-screen.js";
import { t } from "../../i18n.js";

/** What a message in a thread is, as a heading starts it: "Question". */
function kindWords(kind) {
  return { question: t("Question"), comment: t("Comment"), reply: t("Reply") }[kind] || t("Comment");
}

/** What a message in a thread is, inside a sentence: "question". */
function kindInSentence(kind) {
  return { question: t("question"), comment: t("comment"), reply: t("reply") }[kind] || kind;
}

function snippet(text, length = 100) {
  const plain = (text || "").replace(/\s+/g, " ").trim();
  return plain.length > length ? `${plain.slice(0, length - 1)}…` : plain;
}

/** Say what a thread is about, in words: "your relational note for the Okoro family". */
function aboutWords(context, entry) {
  const mine = entry.target.created_by_id === context.user?.id || entry.target.unsynced;
  const values = { who: context.staffName(entry.target.created_by_id), family: entry.family.display_name, question: snippet(entry.target.question, 60) };
  if (entry.targetKind === "judgment") {
    return mine ? t("your decision “{question}” for {family}", values) : t("{who}'s decision “{question}” for {family}", values);
  }
  return mine ? t("your relational note for {family}", values) : t("{who}'s relational note for {family}", values);
}

function recordLink(entry) {
  const [address, words] = entry.targetKind === "judgment" ? [`#/judgment/${entry.target.id}`, t("Open the decision")] : [`#/note/${entry.target.id}`, t("Open the relational note")];
  return html`<a class="govuk-link" href="${address}">${words}<span class="govuk-visually-hidden"> ${t("for {family}", { family: entry.family.display_name })}</span></a>`;
}

function when(message) {
  return message.created_at ? formatDateTime(message.created_at) : t("on this device, not synced yet");
}

class InboxScreen extends RecordScreen {
  get entries() {
    return inboxOf(this.context.data, { me: this.context.user?.id });
  }

  markup() {
    const { waiting, answered } = this.entries;
    return html`${this.problems()}
      ${successBanner(this.state.message, this.announce)}
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">${t("Inbox")}</h1>
        <p class="govuk-body">${t("Questions, comments and replies from supervision on your notes and decisions, and replies to what you said. They come from this device, so you can read and answer them offline: your replies are sent when you sync.")}</p>
        <h2 class="govuk-heading-m" id="inbox-waiting">${t("Waiting for your reply ({count})", { count: waiting.length })}</h2>
        ${waiting.length
          ? html`<ol class="app-thread" aria-labelledby="inbox-waiting">${waiting.map((entry) => this.waitingItem(entry))}</ol>`
          : html`<p class="govuk-body">${t("Nothing is waiting for your reply.")}</p>`}
        <h2 class="govuk-heading-m" id="inbox-answered">${t("Answered")}</h2>
        ${answered.length
          ? html`<ol class="app-thread" aria-labelledby="inbox-answered">${answered.map((entry) => this.answeredItem(entry))}</ol>`
          : html`<p class="govuk-body">${t("Nothing answered yet.")}</p>`}
      </div></div>`;
  }

  waitingItem(entry) {
    const { context } = this;
    const { latest, root } = entry;
    const who = context.staffName(latest.created_by_id) || t("a colleague");
    const kind = kindWords(latest.review_kind);
    return html`<li class="app-record app-record--review" data-inbox-thread="${root.id}">
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">${t("{kind} from {who}", { kind, who })}</h3>
      <p class="govuk-body-s app-thread__when">${t("On {about}, {when}", { about: aboutWords(context, entry), when: when(latest) })}</p>
      ${latest !== root ? html`<p class="govuk-body-s">${root.created_by_id === context.user?.id
        ? t("In reply to your {kind}: “{text}”", { kind: kindInSentence(root.review_kind), text: snippet(root.body) })
        : t("In reply to {who}'s {kind}: “{text}”", { who: context.staffName(root.created_by_id), kind: kindInSentence(root.review_kind), text: snippet(root.body) })}</p>` : ""}
      <p class="govuk-body app-pre-wrap">${latest.body}</p>
      <p class="govuk-body">${recordLink(entry)}</p>
      ${this.replyForm(entry, who, kind.toLowerCase())}
    </li>`;
  }

  replyForm(entry, who, kind) {
    const { root } = entry;
    const formId = `reply:${root.id}`;
    const fieldId = `reply-${root.id}`;
    const open = this.state.form === formId;
    return html`<details class="govuk-details" ${open ? html`open` : ""}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${t("Reply to {who}", { who })}<span class="govuk-visually-hidden">${t("'s {kind} on {about}", { kind, about: aboutWords(this.context, entry) })}</span></span></summary>
      <div class="govuk-details__text">
        <form data-form="reply" data-target="${root.id}" data-draft="reply/${root.id}" novalidate>
          ${textarea({ name: "body", id: fieldId, label: html`${t("Your reply")}<span class="govuk-visually-hidden"> ${t("to {who}", { who })}</span>`, rows: 4, error: this.error(formId, fieldId) })}
          ${draftStatus()}
          ${button(t("Send reply"))}
        </form>
      </div>
    </details>
    ${entry.latest.review_kind === "question"
      ? ""
      : html`<form data-form="acknowledge" data-target="${root.id}" novalidate>
          ${button(html`${t("Acknowledge: no reply needed")}<span class="govuk-visually-hidden"> ${t("to {who}'s {kind}", { who, kind })}</span>`, { secondary: true })}
        </form>`}`;
  }

  answeredItem(entry) {
    const { context } = this;
    const { last, latest } = entry;
    const who = context.staffName(latest.created_by_id) || t("a colleague");
    const closing = last.review_kind === "acknowledgement"
      ? t("Acknowledged by {who}", { who: context.staffName(last.created_by_id) || t("you") })
      : t("{who} replied", { who: capitalised(context.staffName(last.created_by_id) || t("you")) });
    return html`<li class="app-record app-record--review">
      <h3 class="govuk-heading-s govuk-!-margin-bottom-1">${t("{kind} from {who}", { kind: kindWords(latest.review_kind), who })}</h3>
      <p class="govuk-body-s app-thread__when">${t("On {about}. {closing}, {when}", { about: aboutWords(context, entry), closing, when: when(last) })}${notSyncedTag(last)}</p>
      <p class="govuk-body app-pre-wrap">${snippet(latest.body, 200)}</p>
      <p class="govuk-body">${recordLink(entry)}</p>
    </li>`;
  }

  threadOf(rootId) {
    const { waiting, answered } = this.entries;
    return [...waiting, ...answered].find((entry) => entry.root.id === rootId) || null;
  }

  handlers() {
    const { context } = this;
    const screen = this;
    return {
      async reply(values, { target }) {
        const entry = screen.threadOf(target);
        if (!entry) return { errors: { form: t("This conversation is no longer on this device.") } };
        const outcome = await saveReply(context, { targetKind: entry.targetKind, targetId: entry.target.id }, values, entry.root.id);
        return outcome.errors ? outcome : { message: t("Your reply is saved. It is sent when you sync.") };
      },
      async acknowledge(_values, { target }) {
        const entry = screen.threadOf(target);
        if (!entry) return { errors: { form: t("This conversation is no longer on this device.") } };
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: entry.targetKind,
          target_id: entry.target.id,
          parent_id: entry.root.id,
          review_kind: "acknowledgement",
          body: t("Read: no reply needed."),
        });
        return { message: t("Acknowledged. It is sent when you sync.") };
      },
    };
  }
}

export async function inboxView(context) {
  if (!["caseworker", "supervisor"].includes(context.user?.role)) {
    mount(
      context.main,
      html`<h1 class="govuk-heading-l">${t("Inbox")}</h1>
        <p class="govuk-body">${t("The inbox holds supervision questions and replies about notes and decisions, for caseworkers and supervisors.")}</p>`,
    );
    return null;
  }
  const screen = new InboxScreen(context);
  await screen.render({ force: true });
  return () => screen.close();
}
