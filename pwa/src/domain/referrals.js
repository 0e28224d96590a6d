// A child's referral and the assessment after it: the same rules as the
// server's server/domain/referrals.py (tested against the shared table
// tests/fixtures/referrals.json), so a worker offline hears at once of a date
// that cannot be true. The form asks a little more than the server refuses:
// a referral date and who made it, and an authorised assessment's factors,
// which the census validation report would otherwise list.

import { t } from "../i18n.js";

// The census's factor meaning "no factors identified": never beside another.
export const NO_FACTORS = "21";

export const REFERRAL_FIELDS = ["referred_on", "source", "primary_need", "no_further_action", "assessment_started_on", "assessment_authorised_on", "assessment_factors"];

/**
 * Check a referral's dates and factors as the server does; return {field: message}.
 * values: referred_on, assessment_started_on, assessment_authorised_on (YYYY-MM-DD
 * or empty), no_further_action (boolean), assessment_factors (a list of codes).
 * today: YYYY-MM-DD.
 */
export function checkReferral(values, today) {
  const errors = {};
  const referred = values.referred_on || null;
  const started = values.assessment_started_on || null;
  const authorised = values.assessment_authorised_on || null;
  const factors = values.assessment_factors || [];
  if (referred && referred > today) {
    errors.referred_on = t("The date of the referral must be today or in the past");
  }
  if (started) {
    if (started > today) {
      errors.assessment_started_on = t("The date the assessment started must be today or in the past");
    } else if (referred && started < referred) {
      errors.assessment_started_on = t("The assessment must start on or after the date of the referral");
    }
    if (values.no_further_action) {
      errors.no_further_action = t("A referral with no further action has no assessment: choose ‘No’, or remove the assessment's dates");
    }
  }
  if (authorised) {
    if (!started) {
      errors.assessment_authorised_on = t("Enter the date the assessment started, as well as the date it was authorised");
    } else if (authorised < started) {
      errors.assessment_authorised_on = t("The date the assessment was authorised must be on or after the date it started");
    } else if (authorised > today) {
      errors.assessment_authorised_on = t("The date the assessment was authorised must be today or in the past");
    }
  }
  if (factors.length && !started) {
    errors.assessment_factors = t("Factors come from an assessment: enter the date it started");
  } else if (new Set(factors).size !== factors.length) {
    errors.assessment_factors = t("Choose each factor once");
  } else if (factors.includes(NO_FACTORS) && factors.length > 1) {
    errors.assessment_factors = t("Choose ‘No factors identified’ or the factors, not both");
  }
  return errors;
}

/**
 * Check the referral form; return {field: message}, empty when it can be saved.
 * values: the dates as readDate gives them ("" when empty, null when not a real
 * date), source, primary_need, no_further_action ("yes" or "no"), assessment_factors.
 * codes: {source, primary_need, factor}, the code lists' codes.
 */
export function checkReferralForm(values, today, codes) {
  const errors = {};
  if (values.referred_on === "") errors.referred_on = t("Enter the date of the referral");
  else if (values.referred_on === null) errors.referred_on = t("The date of the referral must be a real date, for example 27 3 2026");
  if (!codes.source.includes(values.source)) errors.source = t("Choose who made the referral");
  if (values.primary_need && !codes.primary_need.includes(values.primary_need)) errors.primary_need = t("Choose the child's main need from the list");
  if (values.assessment_started_on === null) errors.assessment_started_on = t("The date the assessment started must be a real date, for example 27 3 2026");
  if (values.assessment_authorised_on === null) errors.assessment_authorised_on = t("The date the assessment was authorised must be a real date, for example 27 3 2026");
  const factors = values.assessment_factors || [];
  if (factors.some((code) => !codes.factor.includes(code))) errors.assessment_factors = t("Choose the factors from the list");
  const record = referralOf(values);
  for (const [field, message] of Object.entries(checkReferral(record, today))) {
    errors[field] ||= message;
  }
  if (record.assessment_authorised_on && !factors.length && !errors.assessment_authorised_on) {
    errors.assessment_factors ||= t("Choose the factors the assessment identified, or ‘No factors identified’");
  }
  return errors;
}

/** Return the record a checked form makes: dates, codes and flags, with nothing left out. */
export function referralOf(values) {
  return {
    referred_on: values.referred_on || null,
    source: values.source || null,
    primary_need: values.primary_need || null,
    no_further_action: values.no_further_action === "yes" || values.no_further_action === true,
    assessment_started_on: values.assessment_started_on || null,
    assessment_authorised_on: values.assessment_authorised_on || null,
    assessment_factors: values.assessment_factors || [],
  };
}

/** Return the fields a form changes on a referral: {field: value}, only those that differ. */
export function referralChanges(referral, values) {
  const next = referralOf(values);
  const changes = {};
  for (const name of REFERRAL_FIELDS) {
    const was = referral[name] ?? (name === "assessment_factors" ? [] : name === "no_further_action" ? false : null);
    if (JSON.stringify(was) !== JSON.stringify(next[name])) {
      changes[name] = next[name];
    }
  }
  return changes;
}

/** Return what is left to record of a referral's assessment, in plain words. */
export function assessmentStage(referral) {
  if (referral.no_further_action) return "No further action";
  if (!referral.assessment_started_on) return "Assessment not started";
  if (!referral.assessment_authorised_on) return "Assessment started";
  if (!(referral.assessment_factors || []).length) return "Authorised: factors not recorded";
  return "Assessment authorised";
}

/** Return a child's referrals, the latest first. */
export function referralsOf(data, personId) {
  return data
    .all("referral")
    .filter((referral) => referral.person_id === personId)
    .sort((a, b) => (b.referred_on || "").localeCompare(a.referred_on || "") || String(a.id).localeCompare(String(b.id)));
}
