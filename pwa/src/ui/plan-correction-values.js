// A plan field's value as the plan history and its correction say it.

import { formatDate } from "./layout.js";
import { t } from "../i18n.js";

export const DATES = new Set(["started_on", "ended_on", "placement_started_on", "initial_conference_on"]);
export const VOCABULARY = { end_reason: "plan_end_reason", cp_category: "cp_category", legal_status: "legal_status", placement_type: "placement_type" };

/** Say a field's value as the plan history shows it. */
export function correctionValue(context, name, value) {
  if (!value) return t("Not recorded");
  return DATES.has(name) ? formatDate(value) : context.label(VOCABULARY[name], value);
}

// What a correction can put right, as the domain names it in English; these are its words in the language spoken.
const FIELD_TITLES = {
  started_on: () => t("The date it started"),
  ended_on: () => t("The date it ended"),
  end_reason: () => t("Why it ended"),
  cp_category: () => t("The category"),
  initial_conference_on: () => t("The date of the initial conference"),
  legal_status: () => t("The legal status"),
  placement_started_on: () => t("The date the placement started"),
  placement_type: () => t("The placement type"),
};

/** A correctable field's title in the language spoken ("The date it started"). */
export function fieldTitle(name, english = name.replaceAll("_", " ")) {
  return FIELD_TITLES[name] ? FIELD_TITLES[name]() : english;
}
