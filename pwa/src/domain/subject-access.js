// The day a subject access request was received: the same rules as the server
// (server/domain/exports.py, check_request_received), checked first so errors
// show at once. The statutory month to respond runs from this day; the server
// works out the deadline.

import { t } from "../i18n.js";

export const MAX_REQUEST_AGE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

function dayNumber(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** Return the error for the day received (YYYY-MM-DD, "" empty, null not a real date), or "". */
export function receivedError(received, today) {
  if (received === "") return t("Enter the day the council received the request");
  if (received === null) return t("The day the request was received must be a real date");
  if (received > today) return t("The date must be today or earlier");
  if (dayNumber(today) - dayNumber(received) > MAX_REQUEST_AGE_DAYS) return t("The date must be within the last year");
  return "";
}
