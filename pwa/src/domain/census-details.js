// A child's details for the statutory returns (the CIN census): checked as the
// server checks them (server/domain/upn.py, server/api/schemas.py), so a worker
// offline hears of a mistyped number at once.

import { t } from "../i18n.js";
import { UPN_MESSAGES, upnProblem } from "./upn.js";

export const CENSUS_FIELDS = ["local_child_id", "upn", "former_upn", "upn_unknown", "expected_date_of_birth", "sex", "ethnicity", "disabilities"];

/** Tidy a typed UPN: spaces out, capitals. */
export const tidyUpn = (value) => (value || "").replace(/\s+/g, "").toUpperCase();

/**
 * Check the census details form; return {field: message}, empty when it can be saved.
 * values: local_child_id, upn, former_upn, upn_unknown, expected_date_of_birth
 * (YYYY-MM-DD, "" or null when not a real date), sex, ethnicity, disabilities (a list).
 */
export function checkCensusDetails(values, person) {
  const errors = {};
  const upn = tidyUpn(values.upn);
  const former = tidyUpn(values.former_upn);
  if (upn && upnProblem(upn)) {
    errors.upn = t(UPN_MESSAGES[upnProblem(upn)]);
  }
  if (former && upnProblem(former)) {
    errors.former_upn = t(UPN_MESSAGES[upnProblem(former)]);
  } else if (former && former === upn) {
    errors.former_upn = t("The former number must differ from the number now");
  }
  if (upn && values.upn_unknown) {
    errors.upn_unknown = t("Give the unique pupil number or why there is none, not both");
  }
  if ((values.local_child_id || "").trim().length > 40) {
    errors.local_child_id = t("The local child number must be 40 characters or fewer");
  }
  if (values.expected_date_of_birth === null) {
    errors.expected_date_of_birth = t("Enter a real date, like 27 3 2026");
  } else if (values.expected_date_of_birth && person?.date_of_birth) {
    errors.expected_date_of_birth = t("The child is born: there is a date of birth already");
  }
  const disabilities = values.disabilities || [];
  if (disabilities.includes("NONE") && disabilities.length > 1) {
    errors.disabilities = t("Choose ‘No disability’ or the disabilities, not both");
  }
  return errors;
}

/** Return the fields the form changes: {field: value}, only those that differ from the person. */
export function censusChanges(person, values) {
  const next = {
    local_child_id: (values.local_child_id || "").trim() || null,
    upn: tidyUpn(values.upn) || null,
    former_upn: tidyUpn(values.former_upn) || null,
    upn_unknown: values.upn_unknown || null,
    expected_date_of_birth: values.expected_date_of_birth || null,
    sex: values.sex || null,
    ethnicity: values.ethnicity || null,
    disabilities: values.disabilities || [],
  };
  const changes = {};
  for (const [name, value] of Object.entries(next)) {
    const was = person[name] ?? (name === "disabilities" ? [] : null);
    if (JSON.stringify(was) !== JSON.stringify(value)) {
      changes[name] = value;
    }
  }
  return changes;
}
