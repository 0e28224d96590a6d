// "Talk this through with my supervisor" on a signed note or decision: a
// worker puts it in their supervisor's queue, with an optional question. It is
// a supervision record (`review`, kind `ask_to_discuss`) made on the device
// and synced like any other, so it works offline. The supervisor closes it by
// marking the note or decision discussed.

import { newId } from "../domain/ids.js";
import { openRequestOn } from "../domain/review-queue.js";
import { button, textarea } from "./forms.js";
import { html } from "./html.js";
import { formatDateTime } from "./layout.js";
import { checkLength, draftStatus, nounWord } from "./records.js";
import { t } from "../i18n.js";

const QUESTION_LIMIT = 2000;
// What the record says when the worker asks without a question of their own.
export const ASKED_WITHOUT_QUESTION = "Talk this through with my supervisor.";

/** The worker's side: the form, or where their ask (or a sample) stands. */
export function askToDiscussSection(screen, { target, noun }) {
  const { context } = screen;
  if (target?.state !== "signed" || context.user?.role !== "caseworker") return "";
  const open = openRequestOn(context.data, target.id);
  if (open) {
    const when = open.device_written_at || open.created_at;
    const words = open.review_kind === "sampled"
      ? t("Your supervisor chose this {noun} for this month's sample, to talk through in supervision.", { noun: nounWord(noun) })
      : when
        ? t("You asked to talk this {noun} through on {when}. It is in your supervisor's queue until you have talked.", { noun: nounWord(noun), when: formatDateTime(when) })
        : t("You asked to talk this {noun} through. It is in your supervisor's queue until you have talked.", { noun: nounWord(noun) });
    return html`<div class="govuk-inset-text" id="ask-to-discuss-status">${words}</div>`;
  }
  const formId = "ask-to-discuss:";
  return html`<form data-form="ask-to-discuss" data-draft="ask-to-discuss/${target.id}" novalidate>
    <h2 class="govuk-heading-m">${t("Talk this through with my supervisor")}</h2>
    <p class="govuk-body">${t("This puts the {noun} in your supervisor's queue. Nothing about it changes: a signed {noun} is complete as it is.", { noun: nounWord(noun) })}</p>
    ${textarea({
      name: "question",
      id: "ask-question",
      label: t("What would you like to talk about? (optional)"),
      hint: t("For example, a question you are unsure about, or something that stayed with you."),
      rows: 3,
      error: screen.error(formId, "ask-question"),
    })}
    ${draftStatus()}
    ${button(t("Ask to talk it through"), { secondary: true })}
  </form>`;
}

/** Save a worker's ask on the device; it reaches the supervisor's queue when it syncs. */
export async function saveAskToDiscuss(context, { targetKind, targetId }, values) {
  const errors = {};
  checkLength(errors, "ask-question", values.question, QUESTION_LIMIT, t("Your question"));
  if (Object.keys(errors).length) return { errors };
  await context.session.sync.enqueue("review", "create", newId(), {
    target_kind: targetKind,
    target_id: targetId,
    review_kind: "ask_to_discuss",
    body: values.question?.trim() || ASKED_WITHOUT_QUESTION,
  });
  return { message: t("Your supervisor will see this in their queue.") };
}
