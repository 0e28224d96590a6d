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

// The domain's checks of a plan and of its correction say what is wrong in
// English; these are the same messages in the language spoken.
const PLAN_MESSAGES = {
  "Choose the plan the child is on now": () => t("Choose the plan the child is on now"),
  "The child has no plan now: choose a plan to start one": () => t("The child has no plan now: choose a plan to start one"),
  "This is the plan the child is on now: change its details, or choose another plan": () => t("This is the plan the child is on now: change its details, or choose another plan"),
  "Enter a real date, like 27 3 2026": () => t("Enter a real date, like 27 3 2026"),
  "Enter the date the plan ended": () => t("Enter the date the plan ended"),
  "Enter the date the plan started": () => t("Enter the date the plan started"),
  "The date cannot be in the future": () => t("The date cannot be in the future"),
  "The date cannot be before the current plan started": () => t("The date cannot be before the current plan started"),
  "Say why the current plan ended": () => t("Say why the current plan ended"),
  "Choose the category of the child protection plan": () => t("Choose the category of the child protection plan"),
  "The initial conference comes before the plan starts": () => t("The initial conference comes before the plan starts"),
  "Choose the child's legal status": () => t("Choose the child's legal status"),
  "A placement cannot start in the future": () => t("A placement cannot start in the future"),
  "Choose why the plan ended": () => t("Choose why the plan ended"),
  "Choose the category of the plan": () => t("Choose the category of the plan"),
  "Enter the date of the initial child protection conference": () => t("Enter the date of the initial child protection conference"),
  "Enter the date the placement started": () => t("Enter the date the placement started"),
  "Choose the placement type": () => t("Choose the placement type"),
  "Choose what is wrong with the plan": () => t("Choose what is wrong with the plan"),
  "The plan cannot end before it started": () => t("The plan cannot end before it started"),
  "Enter why you are correcting the plan": () => t("Enter why you are correcting the plan"),
};

/** The domain's {field: message} about a plan, each message in the language spoken. */
export function planMessages(errors) {
  return Object.fromEntries(
    Object.entries(errors).map(([name, message]) => {
      if (PLAN_MESSAGES[message]) return [name, PLAN_MESSAGES[message]()];
      if (message.startsWith("The plan already says this:")) {
        const what = fieldTitle(name);
        return [name, t("The plan already says this: correct {what}, or untick it", { what: what.replace(/^The /, "the ").replace(/^Why/, "why").replace(/^Y /, "y ").replace(/^Pam/, "pam") })];
      }
      const long = /^The reason must be (\d+) characters or fewer$/.exec(message);
      if (long) return [name, t("The reason must be {max} characters or fewer", { max: long[1] })];
      return [name, message];
    }),
  );
}
