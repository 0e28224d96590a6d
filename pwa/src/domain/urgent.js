// When a child may be at immediate risk: the council's numbers, and a
// supervisor's agreement by phone. The same rules as the server's
// server/domain/urgent.py: a decision of a category the practice lead marks
// urgent, or one its worker marks as immediate risk, may be agreed by phone by
// a supervisor of the family's team; it then waits as "verbal approval, to
// confirm" until that supervisor confirms it or says they did not agree.

import { N_ } from "../i18n.js";

// The numbers the council sets, in the order a worker is told to try them
// (named in English: a screen says them with t()).
export const URGENT_NUMBERS = [
  { key: "team_manager", label: N_("Your team manager"), when: N_("In office hours") },
  { key: "duty_team", label: N_("The duty team"), when: N_("In office hours, if your team manager does not answer") },
  { key: "emergency_duty_team", label: N_("The emergency duty team"), when: N_("Out of hours: evenings, weekends and bank holidays") },
];
export const EMERGENCY_SERVICES = "999";

// Decisions an agreement by phone may move: signed, and not yet decided.
const OPEN_STATUSES = new Set(["logged", "awaiting_discussion", "awaiting_approval"]);

/** Return the `tel:` address of a UK number as the council wrote it, or null if it is not one. */
export function telHref(text) {
  const written = String(text || "").trim();
  if (!/^\+?[0-9 ()-]+$/.test(written)) return null;
  let digits = written.replace(/[^0-9+]/g, "");
  if (digits.startsWith("+44")) digits = `0${digits.slice(3).replace(/^0/, "")}`;
  else if (digits.startsWith("+")) return null;
  if (digits === EMERGENCY_SERVICES) return `tel:${EMERGENCY_SERVICES}`;
  return /^0[1-9]\d{8,9}$/.test(digits) ? `tel:+44${digits.slice(1)}` : null;
}

/** Return whether the policy marks a kind of decision urgent. */
export function isUrgentCategory(policy, key) {
  return Boolean(policy?.categories?.some((category) => category.key === key && category.urgent));
}

/** Return whether a decision's form or record asks for the numbers now. */
export function needsNumbers(policy, { category, immediate_risk: immediateRisk }) {
  return Boolean(immediateRisk) || isUrgentCategory(policy, category);
}

/** Return the agreement by phone recorded for a decision (the newest), if any. */
export function verbalApprovalOf(data, judgmentId) {
  return data
    .all("review")
    .filter((review) => review.target_id === judgmentId && review.review_kind === "verbal_approval")
    .reduce((found, review) => (!found || (review.agreed_at || "") > (found.agreed_at || "") ? review : found), null);
}

/** Return whether the signed-in worker may record that a supervisor agreed this decision by phone. */
export function mayRecordAgreement(data, judgment, user, policy) {
  if (!judgment || judgment.state !== "signed" || !["caseworker", "supervisor"].includes(user?.role)) return false;
  const author = judgment.created_by_id || (judgment.unsynced ? user.id : null);
  if (author !== user.id || verbalApprovalOf(data, judgment.id)) return false;
  const status = judgment.status && judgment.status !== "draft" ? judgment.status : "awaiting_approval";
  return OPEN_STATUSES.has(status) && needsNumbers(policy, judgment);
}

/** Return the supervisors and managers of a team who may agree a decision by phone, by name. */
export function approversFor(directory, teamId, meId) {
  return Object.values(directory || {})
    .filter((person) => person.role === "supervisor" && person.team_id === teamId && person.id !== meId)
    .sort((a, b) => (a.display_name || "").localeCompare(b.display_name || "", "en"));
}

/** Return whether this supervisor is the one who agreed it by phone, and it waits for them. */
export function mayConfirm(data, judgment, user) {
  if (user?.role !== "supervisor" || judgment?.status !== "verbal_approval") return false;
  return verbalApprovalOf(data, judgment.id)?.agreed_by_id === user.id;
}
