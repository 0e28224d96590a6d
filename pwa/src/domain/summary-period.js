// The period an analyst may ask a service summary for: the same rules as the
// server (server/domain/exports.py), checked first so errors show at once.

import { t } from "../i18n.js";

export const MAX_SUMMARY_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

function dayNumber(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** Return field errors for a period given as YYYY-MM-DD ("" empty, null not a real date). */
export function periodErrors(firstDay, lastDay, today) {
  const errors = {};
  if (firstDay === "") errors.first_day = t("Enter the first day of the period");
  else if (firstDay === null) errors.first_day = t("The first day must be a real date");
  if (lastDay === "") errors.last_day = t("Enter the last day of the period");
  else if (lastDay === null) errors.last_day = t("The last day must be a real date");
  if (Object.keys(errors).length) {
    return errors;
  }
  if (lastDay < firstDay) {
    errors.last_day = t("The last day must be the same as or after the first day");
  } else if (lastDay > today) {
    errors.last_day = t("The last day must be today or earlier");
  } else if (dayNumber(lastDay) - dayNumber(firstDay) + 1 > MAX_SUMMARY_DAYS) {
    errors.last_day = t("The period must be {days} days or shorter", { days: MAX_SUMMARY_DAYS });
  }
  return errors;
}

