// The worker's side of a decision. "Review this decision" looks at it again
// on its review date: what happened, whether it was right with hindsight,
// what I would do differently and the family's view now. It sets the outcome
// and the date of the review directly (not an amendment: learning is not
// correcting an error), works offline and syncs. From a review the worker can
// share the learning with peers or propose a change of light (learning.js).
//
// On a declined decision its author can record professional disagreement and
// escalate it to the next manager, as safeguarding escalation protocols expect.
// Both are entries on the decision's thread.

import { todayIso } from "../../clock.js";
import {
  DECISION_REVIEW,
  DISAGREEMENT,
  ESCALATION,
  HINDSIGHT,
  canReview,
  reviewDue,
  reviewOf,
  workerSideOf,
} from "../../domain/decision-reviews.js";
import { newId } from "../../domain/ids.js";
import { button, dateInput, radios, readDate, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink, formatDate, tag } from "../layout.js";
import { LONG_TEXT, checkLength, draftStatus, familyName, isAuthor, notFound, successBanner } from "../records.js";
import { RecordScreen } from "../record-screen.js";

// --- on the decision's own screen ----------------------------------------------------------

function row(key, value, id) {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value app-pre-wrap" ${id ? html`id="${id}"` : ""}>${value || html`<span class="app-secondary-text">Not recorded</span>`}</dd></div>`;
}

/** The review, as read: the outcome, the date and the answers. */
export function reviewSummary(review, headingLevel = 2) {
  const answers = review.answers || {};
  const heading = headingLevel === 2 ? html`<h2 class="govuk-heading-m" id="review-heading">Review of this decision</h2>` : "";
  return html`${heading}
    <dl class="govuk-summary-list" id="decision-review">
      ${row("Reviewed on", review.reviewedOn ? html`${formatDate(review.reviewedOn)}${review.unsynced ? html` ${tag("Not synced yet", "grey")}` : ""}` : "", "reviewed-on")}
      ${row("What happened", answers.what_happened)}
      ${row("Was it right, with hindsight", HINDSIGHT[answers.hindsight] || "")}
      ${row("What I would do differently", answers.differently)}
      ${row("The family's view now", answers.family_view_now)}
      ${row("Outcome of the review", review.outcome, "review-outcome")}
    </dl>`;
}

/** Links from a review to sharing what it taught: a peer letter, or a proposed change of light. */
export function learningLinks(judgmentId) {
  return html`<h3 class="govuk-heading-s">Share what you learned</h3>
    <ul class="govuk-list">
      <li><a class="govuk-link" href="#/judgment/${judgmentId}/share">Write an anonymised letter to your peers</a></li>
      <li><a class="govuk-link" href="#/judgment/${judgmentId}/propose">Propose a change of light for this kind of decision</a></li>
    </ul>
    <p class="govuk-body-s">Both need a connection. Nothing you share names you or the family, and this device checks your words against the families you work with first.</p>`;
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
    reviewPart = html`<h2 class="govuk-heading-m">Review of this decision</h2>
      <p class="govuk-body">${due ? html`${tag("Review due", "orange")} ` : ""}The review date is ${formatDate(judgment.review_date)}.</p>
      <a class="govuk-button" href="#/judgment/${judgment.id}/review" role="button" draggable="false" data-module="govuk-button" id="review-this-decision">Review this decision</a>`;
  } else if (mayReview) {
    reviewPart = html`<p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}/review" id="review-this-decision">Review this decision</a></p>`;
  }
  const declinedAndMine = judgment.status === "declined" && isAuthor(judgment, context.user);
  return html`${reviewPart}${declinedAndMine ? disagreementForm(screen, workerSideOf(context.data, judgment)) : ""}`;
}

function disagreementForm(screen, already) {
  const escalated = already.some((review) => review.review_kind === ESCALATION);
  return html`<form data-form="disagree" data-draft="disagree/${screen.targetId}" novalidate class="app-decision">
    <h2 class="govuk-heading-m">If you disagree with this decline</h2>
    <p class="govuk-body">Professional disagreement is part of safe practice. Record your view on this decision's thread, where your supervisor will see it. If you cannot resolve it together, escalate it to the next manager your council names: they can read this decision and its thread, and answer you there.</p>
    ${escalated ? html`<p class="govuk-body">${tag("Escalated", "purple")} You have escalated this decision.</p>` : ""}
    ${textarea({
      name: "body",
      id: "disagree-body",
      label: "Your professional view",
      hint: "What you disagree with and why, and what you think should happen for the child.",
      rows: 5,
      error: screen.error("disagree:", "disagree-body"),
    })}
    ${draftStatus()}
    <div class="govuk-button-group">
      ${button("Record my disagreement", { secondary: true, name: "kind", value: DISAGREEMENT })}
      ${escalated ? "" : button("Escalate to the next manager", { warning: true, name: "kind", value: ESCALATION })}
    </div>
  </form>`;
}

/** The handlers the decision's screen adds for the worker's side. */
export function workerHandlers(context, judgmentId) {
  return {
    async disagree(values, { submitter }) {
      const kind = submitter?.value === ESCALATION ? ESCALATION : DISAGREEMENT;
      const errors = {};
      if (!values.body?.trim()) errors["disagree-body"] = kind === ESCALATION ? "Enter why you are escalating this decision" : "Enter your professional view";
      checkLength(errors, "disagree-body", values.body, LONG_TEXT, "Your professional view");
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
            ? "Your escalation is saved. When it syncs it goes to the next manager, who will answer on this decision's thread."
            : "Your disagreement is saved on this decision's thread.",
      };
    },
  };
}

// --- "Review this decision" ------------------------------------------------------------------

const FIELD_ORDER = ["what_happened", "hindsight", "differently", "family_view_now", "outcome", "reviewed_on"];

/** Check a review: what happened, a view with hindsight and the outcome; a real date, not ahead. */
export function checkDecisionReview(values, today = todayIso()) {
  const errors = {};
  if (!values.what_happened?.trim()) errors.what_happened = "Enter what happened after the decision";
  if (!HINDSIGHT[values.hindsight]) errors.hindsight = "Choose whether, with hindsight, it was the right decision";
  if (!values.outcome?.trim()) errors.outcome = "Enter the outcome of the review";
  const day = readDate(values, "reviewed_on");
  if (!day) errors.reviewed_on = "Enter the date of the review, for example 27 3 2027";
  else if (day > today) errors.reviewed_on = "The date of the review must be today or in the past";
  for (const name of ["what_happened", "differently", "family_view_now", "outcome"]) {
    checkLength(errors, name, values[name], LONG_TEXT, "This answer");
  }
  return Object.fromEntries(FIELD_ORDER.filter((name) => errors[name]).map((name) => [name, errors[name]]));
}

class DecisionReviewScreen extends RecordScreen {
  constructor(context, id) {
    super(context);
    this.targetId = id;
  }

  get judgment() {
    return this.context.data.get("judgment", this.targetId);
  }

  initialValues(form) {
    if (form.dataset.form !== "decision-review") return null;
    const [year, month, day] = todayIso().split("-");
    return { "reviewed_on-day": String(Number(day)), "reviewed_on-month": String(Number(month)), "reviewed_on-year": year };
  }

  markup() {
    const { context, judgment, state } = this;
    const back = backLink(`#/judgment/${this.targetId}`, "Back to the decision");
    if (!judgment) {
      return html`<h1 class="govuk-heading-l">Decision not found</h1><p class="govuk-body">It is no longer on this device.</p>`;
    }
    const review = reviewOf(context.data, judgment);
    const caption = html`<span class="govuk-caption-l">${familyName(context.data, judgment.family_id)}</span>`;
    if (review) {
      return html`${back}${successBanner(state.message, this.announce)}${caption}
        <h1 class="govuk-heading-l">Decision reviewed</h1>
        <p class="govuk-body">${judgment.question}</p>
        ${reviewSummary(review, 0)}
        ${canReview(context.data, judgment, context.user) ? learningLinks(judgment.id) : ""}
        <p class="govuk-body"><a class="govuk-link" href="#/judgment/${judgment.id}">Go to the decision</a></p>`;
    }
    if (!canReview(context.data, judgment, context.user)) {
      return html`${back}${caption}<h1 class="govuk-heading-l">Review this decision</h1>
        <p class="govuk-body">Only the worker who made this decision, or the family's worker now, can review it.</p>`;
    }
    const error = (name) => this.error("decision-review:", name);
    return html`${back}${this.problems()}${caption}
      <h1 class="govuk-heading-l">Review this decision</h1>
      <div class="govuk-inset-text">
        <p class="govuk-body"><strong>${judgment.question}</strong></p>
        <p class="govuk-body app-pre-wrap">${judgment.decision}</p>
        ${judgment.review_date ? html`<p class="govuk-body-s">Review date: ${formatDate(judgment.review_date)}</p>` : ""}
      </div>
      <p class="govuk-body">Looking back is how practice learns. This is not a correction of the decision: the decision stays as it was, and your review is added to it and to its thread.</p>
      <form data-form="decision-review" data-draft="decision-review/${this.targetId}" novalidate>
        ${textarea({ name: "what_happened", label: "What happened after the decision?", hint: "For the child and the family, and for the plan.", rows: 5, error: error("what_happened"), labelClass: "govuk-label--s" })}
        ${radios({
          name: "hindsight",
          legend: "With hindsight, was it the right decision?",
          options: Object.entries(HINDSIGHT),
          error: error("hindsight"),
        })}
        ${textarea({ name: "differently", label: "What would you do differently? (optional)", rows: 4, error: error("differently"), labelClass: "govuk-label--s" })}
        ${textarea({ name: "family_view_now", label: "The family's view now (optional)", hint: "In their words where you can.", rows: 3, error: error("family_view_now"), labelClass: "govuk-label--s" })}
        ${textarea({ name: "outcome", label: "Outcome of the review", hint: "For example: the arrangement continues; or what changes now.", rows: 3, error: error("outcome"), labelClass: "govuk-label--s" })}
        ${dateInput({ name: "reviewed_on", legend: "Date of the review", hint: "For example, 27 3 2027", error: error("reviewed_on") })}
        ${draftStatus()}
        ${button("Save the review")}
      </form>`;
  }

  handlers() {
    const { context } = this;
    return {
      async "decision-review"(values) {
        const errors = checkDecisionReview(values);
        if (Object.keys(errors).length) return { errors };
        const text = (name) => values[name]?.trim() || null;
        await context.session.sync.enqueue("review", "create", newId(), {
          target_kind: "judgment",
          target_id: this.targetId,
          review_kind: DECISION_REVIEW,
          body: values.outcome.trim(),
          answers: {
            what_happened: values.what_happened.trim(),
            hindsight: values.hindsight,
            differently: text("differently"),
            family_view_now: text("family_view_now"),
            reviewed_on: readDate(values, "reviewed_on"),
          },
        });
        return { message: "Your review is saved. The decision now shows it." };
      },
    };
  }
}

export async function decisionReviewView(context) {
  const [id] = context.params;
  if (!context.data.get("judgment", id)) {
    notFound(context.main, "Decision");
    return null;
  }
  const screen = new DecisionReviewScreen(context, id);
  await screen.render({ force: true });
  return () => screen.close();
}
