// When a note, decision or supervision comment was written and signed. A court
// reads the worker's own times, so the device's clock comes first; the server's
// time of receipt is kept beside it, and a gap of more than a few minutes is
// flagged (the device synced later, or its clock was wrong).

/** Minutes the device's time and the server's receipt may differ by without a flag. */
export const CLOCK_TOLERANCE_MINUTES = 5;

const MINUTE_MS = 60 * 1000;

/** Return when a record was written: on the device, and when the server received it. */
export function writtenTimes(record) {
  return { device: record?.device_written_at || null, received: record?.created_at || null };
}

/** Return when a record was signed: on the device, and when the server received the signature. */
export function signedTimes(record) {
  return { device: record?.device_signed_at || null, received: record?.signed_at || null };
}

/**
 * Return how the two times compare: "same" within the tolerance, "later" when the
 * server received it more than that after the device's time, "earlier" when the
 * device's time is after the receipt (its clock was ahead); null without both.
 */
export function receiptGap({ device, received }) {
  if (!device || !received) {
    return null;
  }
  const gapMs = Date.parse(received) - Date.parse(device);
  if (Math.abs(gapMs) <= CLOCK_TOLERANCE_MINUTES * MINUTE_MS) {
    return { kind: "same", minutes: 0 };
  }
  return { kind: gapMs > 0 ? "later" : "earlier", minutes: Math.round(Math.abs(gapMs) / MINUTE_MS) };
}

/** Return a duration in plain English: "5 minutes", "3 hours", "2 days". */
export function durationText(minutes) {
  const plural = (count, unit) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (minutes < 120) {
    return plural(minutes, "minute");
  }
  const hours = Math.round(minutes / 60);
  return hours < 48 ? plural(hours, "hour") : plural(Math.round(hours / 24), "day");
}
