// The council's policy for judgment log entries and what it means for one:
// each kind of decision's light (green, yellow, red) and an entry's status.

import { lastDayOf, policyForWorker } from "../domain/team-lights.js";
import { todayIso } from "../clock.js";
import { verbalApprovalOf } from "../domain/urgent.js";
import { html } from "./html.js";
import { formatDate, tag } from "./layout.js";
import { pendingDiscussion, reviewsOf } from "./record-threads.js";
import { t } from "../i18n.js";

/** A light's name, lower case, in the current language ("green", "gwyrdd"). */
function lightWord(light) {
  return (LIGHTS[light]?.name || light).toLowerCase();
}

export const LIGHTS = {
  green: { get name() { return t("Green"); }, colour: "green", get text() { return t("You decide and log it"); } },
  yellow: { get name() { return t("Yellow"); }, colour: "yellow", get text() { return t("You decide; your supervisor will discuss it with you"); } },
  red: { get name() { return t("Red"); }, colour: "red", get text() { return t("Needs a supervisor's approval before you act"); } },
};

// As the server's lights.py: a category the policy does not name needs discussion.
const UNLISTED_LIGHT = "yellow";
const STATUS_WHEN_SIGNED = { green: "logged", yellow: "awaiting_discussion", red: "awaiting_approval" };

export const STATUS = {
  draft: { get words() { return t("Draft"); }, colour: "grey", get text() { return t("Not final until it is signed."); } },
  logged: { get words() { return t("Logged"); }, colour: "green", get text() { return t("Decided and logged."); } },
  awaiting_discussion: { get words() { return t("Awaiting discussion"); }, colour: "yellow", get text() { return t("Decided; to be discussed in supervision."); } },
  discussed: { get words() { return t("Discussed"); }, colour: "blue", get text() { return t("Discussed in supervision."); } },
  awaiting_approval: { get words() { return t("Awaiting approval"); }, colour: "orange", get text() { return t("Needs a supervisor's approval before anyone acts on it."); } },
  verbal_approval: { get words() { return t("Verbal approval, to confirm"); }, colour: "purple", get text() { return t("A supervisor agreed it by phone; they confirm it when they can."); } },
  approved: { get words() { return t("Approved"); }, colour: "green", get text() { return t("A supervisor approved this decision."); } },
  declined: { get words() { return t("Declined"); }, colour: "red", get text() { return t("A supervisor declined this decision: it must not be acted on."); } },
};

// A device's clock may run a little ahead; more than this and the time is a mistake (as the server).
export const AGREED_AHEAD_MS = 10 * 60 * 1000;

export const AMENDABLE = [
  { key: "question", get title() { return t("Decision question"); } },
  { key: "decision", get title() { return t("Decision"); } },
  { key: "rationale", get title() { return t("Rationale"); } },
  { key: "family_view", get title() { return t("The family's view"); } },
  { key: "child_view", get title() { return t("The child's view"); } },
  { key: "review_outcome", get title() { return t("Outcome at review"); } },
];

// --- the council's policy and what it means for an entry -------------------------------

/**
 * Return the newest version of the council's decision policy, or null, with each
 * light as it applies to the signed-in worker today (their team's trials, and
 * narrower lights in their first year: domain/team-lights.js).
 */
export function currentPolicy(data) {
  const newest = data.all("decision_policy").reduce((found, policy) => (!found || policy.version > found.version ? policy : found), null);
  return policyForWorker(newest, { trials: data.all("policy_trial"), narrowerSettings: data.all("newly_qualified_lights"), today: todayIso() });
}

/** Say why a kind of decision has another light than the council's for this worker, or nothing. */
export function lightReason(policy, key) {
  const category = policy?.categories?.find((entry) => entry.key === key);
  if (category?.narrowed) {
    return html`<p class="govuk-body-s" id="category-light-reason">${t("In your first year since qualifying, your team asks for a {light} light for this kind of decision (the council's is {council}).", { light: lightWord(category.light), council: lightWord(category.council_light) })}</p>`;
  }
  if (category?.trial) {
    return html`<p class="govuk-body-s" id="category-light-reason">${t("Your team is trying a {light} light for this kind of decision up to and including {day} (the council's is {council}).", { light: lightWord(category.light), day: formatDate(lastDayOf(category.trial)), council: lightWord(category.council_light) })}</p>`;
  }
  return "";
}

export function categoryLight(policy, key) {
  return policy?.categories?.find((category) => category.key === key)?.light || UNLISTED_LIGHT;
}

export function categoryLabel(policy, key) {
  return policy?.categories?.find((category) => category.key === key)?.label || key;
}

/** Return an entry's light: the server's once synced, the policy's until then. */
export function lightOf(data, judgment) {
  return judgment.light || categoryLight(currentPolicy(data), judgment.category);
}

/** Return a supervisor's approval or decline made on this device and not synced yet. */
export function pendingDecision(data, judgment) {
  return reviewsOf(data, judgment.id).find((review) => review.unsynced && ["approve", "decline"].includes(review.review_kind));
}

/** Return an entry's status: the server's once synced, what signing or a review here gives it until then. */
export function statusOf(data, judgment) {
  if (judgment.state !== "signed") return "draft";
  const agreed = verbalApprovalOf(data, judgment.id);
  if (agreed?.unsynced) return "verbal_approval";
  const pending = ["awaiting_approval", "verbal_approval"].includes(judgment.status) && pendingDecision(data, judgment);
  if (pending) return pending.review_kind === "approve" ? "approved" : "declined";
  if (judgment.status === "awaiting_discussion" && pendingDiscussion(data, judgment)) return "discussed";
  if (judgment.status && judgment.status !== "draft") return judgment.status;
  // An ending always waits for a supervisor's agreement, whatever its light.
  return judgment.ending ? "awaiting_approval" : STATUS_WHEN_SIGNED[lightOf(data, judgment)];
}

export function lightTag(light) {
  const shown = LIGHTS[light] || LIGHTS[UNLISTED_LIGHT];
  const named = { green: () => t("Green light"), yellow: () => t("Yellow light"), red: () => t("Red light") }[shown.colour];
  return html`${tag(named ? named() : shown.name, shown.colour)} ${shown.text}`;
}

export function statusTag(status) {
  const shown = STATUS[status] || STATUS.draft;
  return html`${tag(shown.words, shown.colour)} ${shown.text}`;
}
