// A decision's review as the worker meets it on the decision's own screen:
// the review as read, the way to start one, and its checks.

import { todayIso } from "../clock.js";
import {
  DISAGREEMENT,
  ESCALATION,
  HINDSIGHT,
  canReview,
  reviewDue,
  reviewOf,
  workerSideOf,
} from "../domain/decision-reviews.js";
import { newId } from "../domain/ids.js";
import { button, readDate, textarea } from "./forms.js";
import { html } from "./html.js";
import { formatDate, tag } from "./layout.js";
import { LONG_TEXT, checkLength, draftStatus, isAuthor } from "./records.js";
import { t } from "../i18n.js";

/** A hindsight answer in the current language. */
export function hindsightWords(key) {
  return HINDSIGHT[key] ? t(HINDSIGHT[key]) : "";
}

// --- on the decision's own screen ----------------------------------------------------------

function row(key, value, id) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap" ${id ? html`id="${id}"` : ""}>${value || html`<span class="app-secondary-text">${t("Not recorded")}</span>`}</dd></div>`;
}

/** The review, as read: the outcome, the date and the answers. */
export function reviewSummary(review, headingLevel = 2) {
  const answers = review.answers || {};
  const heading = headingLevel === 2 ? html`<h2 class="govuk-heading-m" id="review-heading">${t("Review of this decision")}</h2>` : "";
  return html`${heading}
    <dl class="govuk-summary-list" id="decision-review">
      ${row(t("Reviewed on"), review.reviewedOn ? html`${formatDate(review.reviewedOn)}${review.unsynced ? html` ${tag(t("Not synced yet"), "grey")}` : ""}` : "", "reviewed-on")}
      ${row(t("What happened"), answers.what_happened)}
      ${row(t("Was it right, with hindsight"), hindsightWords(answers.hindsight))}
      ${row(t("What I would do differently"), answers.differently)}
      ${row(t("The family's view now"), answers.family_view_now)}
      ${row(t("Outcome of the review"), review.outcome, "review-outcome")}
    </dl>`;
}

/** Links from a review to sharing what it taught: a peer letter, or a proposed change of light. */
export function learningLinks(judgmentId) {
  return html`<h3 class="govuk-heading-s">${t("Share what you learned")}</h3>
    <ul class="govuk-list">
      <li><a class="govuk-link" href="#/judgment/${judgmentId}/share">${t("Write an anonymised letter to your peers")}</a></li>
      <li><a class="govuk-link" href="#/judgment/${judgmentId}/propose">${t("Propose a change of light for this kind of decision")}</a></li>
    </ul>
    <p class="govuk-body-s">${t("Both need a connection. Nothing you share names you or the family, and this device checks your words against the families you work with first.")}</p>`;
}

/** The worker's side on the decision's screen: its review, and disagreement with a decline. */
export function workerSide(screen) {
  const { context } = screen;
  const judgment = screen.judgment;
  if (!judgment || judgment.state !== "signed") return "";
  const review = reviewOf(context.data, judgment);
  const mayReview = canReview(context.data, judgment, context.user);
  /** @type {Html} */
  let reviewPart = "";
  if (review) {
    reviewPart = html`${reviewSummary(review)}${mayReview ? learningLinks(judgment.id) : ""}`;
  } else if (mayReview && judgment.review_date) {
    const due = reviewDue(context.data, judgment);
    reviewPart = html`<h2 class="govuk-heading-m">${t("Review of this decision")}</h2>
      <p class="govuk-body">${due ? html`${tag(t("Review due"), "orange")} ` : ""}${t("The review date is {day}.", { day: formatDate(judgment.review_date) })}</p>
      <a class="govuk-button" href="#/judgment/${judgment.id}/review" role="button" draggable="false" data-module="govuk-button" id="review-this-decision">${t("Review this decision")}</a>`;
  } else if (mayReview) {
    reviewPart = html`<p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}/review" id="review-this-decision">${t("Review this decision")}</a></p>`;
  }
  const declinedAndMine = judgment.status === "declined" && isAuthor(judgment, context.user);
  return html`${reviewPart}${declinedAndMine ? disagreementForm(screen, workerSideOf(context.data, judgment)) : ""}`;
}

function disagreementForm(screen, already) {
  const escalated = already.some((review) => review.review_kind === ESCALATION);
  return html`<form data-form="disagree" data-draft="disagree/${screen.targetId}" novalidate class="app-decision">
    <h2 class="govuk-heading-m">${t("If you disagree with this decline")}</h2>
    <p class="govuk-body">${t("Professional disagreement is part of safe practice. Record your view on this decision's thread, where your supervisor will see it. If you cannot resolve it together, escalate it to the next manager your council names: they can read this decision and its thread, and answer you there.")}</p>
    ${escalated ? html`<p class="govuk-body">${tag(t("Escalated"), "purple")} ${t("You have escalated this decision.")}</p>` : ""}
    ${textarea({
      name: "body",
      id: "disagree-body",
      label: t("Your professional view"),
      hint: t("What you disagree with and why, and what you think should happen for the child."),
      rows: 5,
      error: screen.error("disagree:", "disagree-body"),
    })}
    ${draftStatus()}
    <div class="govuk-button-group">
      ${button(t("Record my disagreement"), { secondary: true, name: "kind", value: DISAGREEMENT })}
      ${escalated ? "" : button(t("Escalate to the next manager"), { warning: true, name: "kind", value: ESCALATION })}
    </div>
  </form>`;
}

/** The handlers the decision's screen adds for the worker's side. */
export function workerHandlers(context, judgmentId) {
  return {
    async disagree(values, { submitter }) {
      const kind = submitter?.value === ESCALATION ? ESCALATION : DISAGREEMENT;
      const errors = {};
      if (!values.body?.trim()) errors["disagree-body"] = kind === ESCALATION ? t("Enter why you are escalating this decision") : t("Enter your professional view");
      checkLength(errors, "disagree-body", values.body, LONG_TEXT, t("Your professional view"));
      if (Object.keys(errors).length) return { errors };
      await context.session.sync.enqueue("review", "create", newId(), {
        target_kind: "judgment",
        target_id: judgmentId,
        review_kind: kind,
        body: values.body.trim(),
      });
      return {
        message:
          kind === ESCALATION
            ? t("Your escalation is saved. When it syncs it goes to the next manager, who will answer on this decision's thread.")
            : t("Your disagreement is saved on this decision's thread."),
      };
    },
  };
}

// --- "Review this decision" ------------------------------------------------------------------

const FIELD_ORDER = ["what_happened", "hindsight", "differently", "family_view_now", "outcome", "reviewed_on"];

/** Check a review: what happened, a view with hindsight and the outcome; a real date, not ahead. */
export function checkDecisionReview(values, today = todayIso()) {
  const errors = {};
  if (!values.what_happened?.trim()) errors.what_happened = t("Enter what happened after the decision");
  if (!HINDSIGHT[values.hindsight]) errors.hindsight = t("Choose whether, with hindsight, it was the right decision");
  if (!values.outcome?.trim()) errors.outcome = t("Enter the outcome of the review");
  const day = readDate(values, "reviewed_on");
  if (!day) errors.reviewed_on = t("Enter the date of the review, for example 27 3 2027");
  else if (day > today) errors.reviewed_on = t("The date of the review must be today or in the past");
  for (const name of ["what_happened", "differently", "family_view_now", "outcome"]) {
    checkLength(errors, name, values[name], LONG_TEXT, t("This answer"));
  }
  return Object.fromEntries(FIELD_ORDER.filter((name) => errors[name]).map((name) => [name, errors[name]]));
}
