// A plan field's value as the plan history and its correction say it.

import { formatDate } from "./layout.js";

export const DATES = new Set(["started_on", "ended_on", "placement_started_on", "initial_conference_on"]);
export const VOCABULARY = { end_reason: "plan_end_reason", cp_category: "cp_category", legal_status: "legal_status", placement_type: "placement_type" };

/** Say a field's value as the plan history shows it. */
export function correctionValue(context, name, value) {
  if (!value) return "Not recorded";
  return DATES.has(name) ? formatDate(value) : context.label(VOCABULARY[name], value);
}
