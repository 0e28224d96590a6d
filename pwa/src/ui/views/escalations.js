// Declined decisions a worker escalated to this manager, with each decision
// and its thread, and a reply that joins the thread. The manager is often
// outside the family's team, so none of this is on their device: it is read
// from the server (each read audited) and needs a connection.

import { HINDSIGHT } from "../../domain/decision-reviews.js";
import { ApiError, Offline, get, post } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, textarea } from "../forms.js";
import { html, mount } from "../html.js";
import { formatDateTime } from "../layout.js";
import { successBanner } from "../records.js";
import { t } from "../../i18n.js";

let flash = null;

/** What an entry on a decision's thread is, in the app's language. */
function kindWords(kind) {
  const words = {
    decline: t("Declined"),
    approve: t("Approved"),
    disagreement: t("Professional disagreement"),
    escalation: t("Escalated"),
    reply: t("Reply"),
    comment: t("Comment"),
    question: t("Question"),
    discussed: t("Discussed"),
    decision_review: t("Reviewed"),
  };
  return words[kind] || t("Comment");
}

/** A hindsight answer in the app's language. */
function hindsightWords(answer) {
  return HINDSIGHT[answer] ? t(HINDSIGHT[answer]) : answer;
}

function entry(context, review) {
  return html`<li class="govuk-!-margin-bottom-4">
    <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>${kindWords(review.review_kind)}</strong>, ${context.staffName(review.created_by_id)}, ${formatDateTime(review.created_at)}</p>
    <p class="govuk-body app-pre-wrap">${review.body}</p>
    ${review.answers?.hindsight ? html`<p class="govuk-body-s">${t("With hindsight: {answer}", { answer: hindsightWords(review.answers.hindsight) })}</p>` : ""}
  </li>`;
}

export async function escalationsView(context) {
  const { main } = context;
  let items;
  try {
    items = await get("/api/escalations");
  } catch (error) {
    const text = error instanceof Offline ? t("You are offline. Escalations are read from the server, so they need a connection.") : error instanceof ApiError ? error.message : t("Something went wrong. Try again.");
    mount(main, html`<h1 class="govuk-heading-l">${t("Escalations to you")}</h1><p class="govuk-body" id="escalations-problem">${text}</p>`);
    return;
  }
  if (!main.isConnected) return;
  const message = flash;
  flash = null;
  const draw = (errors = {}, typed = {}) => {
    mount(
      main,
      html`<div id="escalations-page">
        ${errorSummary(errors)}
        ${successBanner(message)}
        <h1 class="govuk-heading-l">${t("Escalations to you")}</h1>
        <p class="govuk-body">${t("Decisions a worker disagreed with after a supervisor declined them, escalated to you as the next manager. You can read each decision and its thread, and answer there; the rest of the family's record stays with their team.")}</p>
        ${items.length
          ? items.map(
              (item) => html`<section class="app-record govuk-!-margin-bottom-8" aria-labelledby="escalation-${item.id}">
                <h2 class="govuk-heading-m" id="escalation-${item.id}">${item.judgment.question}</h2>
                <p class="govuk-body-s">${item.family.display_name}${item.family.local_reference ? `, ${item.family.local_reference}` : ""}. ${t("Escalated by {who} on {when}", { who: context.staffName(item.created_by_id), when: formatDateTime(item.created_at) })}</p>
                <dl class="govuk-summary-list">
                  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Decision")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${item.judgment.decision || ""}</dd></div>
                  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Rationale")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${item.judgment.rationale || ""}</dd></div>
                  <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${t("Declined because")}</dt><dd class="govuk-summary-list__value app-pre-wrap">${item.judgment.decision_reason || ""}</dd></div>
                </dl>
                <h3 class="govuk-heading-s">${t("The decision's thread")}</h3>
                <ol class="govuk-list">${item.thread.map((review) => entry(context, review))}</ol>
                <form data-escalation="${item.id}" novalidate>
                  ${textarea({ name: "body", id: `answer-${item.id}`, label: t("Your answer"), hint: t("The worker and their supervisor see it on the decision's thread."), rows: 4, value: typed[item.id] || "", error: errors[`answer-${item.id}`] })}
                  ${button(t("Send your answer"))}
                </form>
              </section>`,
            )
          : html`<p class="govuk-body">${t("No decision has been escalated to you.")}</p>`}
      </div>`,
    );
    context.enhance();
    for (const form of main.querySelectorAll("form[data-escalation]")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const id = form.dataset.escalation;
        const body = (formValues(form).body || "").trim();
        const field = `answer-${id}`;
        if (!body) {
          draw({ [field]: t("Write your answer") });
          return focusErrorSummary(main);
        }
        try {
          await post(`/api/escalations/${id}/replies`, { body });
        } catch (error) {
          draw({ [field]: error instanceof Offline ? t("You are offline. Send it when you have a connection.") : error.message }, { [id]: body });
          return focusErrorSummary(main);
        }
        flash = t("Your answer is on the decision's thread.");
        context.refresh();
      });
    }
  };
  draw();
}
