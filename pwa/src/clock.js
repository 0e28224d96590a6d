// The app's one clock. Everything that asks "when is it?" or "what day is it?"
// asks here, so every screen agrees on "today": the calendar date where the
// device is, which on a council phone is the date in England and Wales (never
// the UTC date, which is yesterday's until 01:00 in summer). Unit tests set the
// time with setClock; browser tests move the browser's own clock.

const systemTime = () => Date.now();
let readTime = systemTime;

const two = (number) => String(number).padStart(2, "0");

/** Return the current moment as a Date. */
export function now() {
  return new Date(readTime());
}

/** Return the current moment in milliseconds since 1970 (for intervals and ages). */
export function nowMs() {
  return readTime();
}

/** Return the current moment as ISO 8601 text in UTC, as records carry it. */
export function nowIso() {
  return now().toISOString();
}

/** Return a moment's local calendar date as YYYY-MM-DD. */
export function localDate(moment) {
  return `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())}`;
}

/**
 * Return the local calendar date (YYYY-MM-DD) of a moment given as ISO 8601
 * text, as the server's council_date reads it: 00:30 BST on 1 July is 1 July,
 * though the text says 30 June in UTC. A date alone is returned as it is.
 */
export function localDateOf(text) {
  return text.length === 10 ? text : localDate(new Date(text));
}

/** Return today's local date as YYYY-MM-DD. */
export function todayIso() {
  return localDate(now());
}

/** Return today's local date as a Date at midnight UTC, the way the app's date rules hold days. */
export function today() {
  const moment = now();
  return new Date(Date.UTC(moment.getFullYear(), moment.getMonth(), moment.getDate()));
}

/** Read the time from ``read`` (milliseconds since 1970) instead of the system: tests only. */
export function setClock(read) {
  readTime = read;
}

/** Read the system's time again. */
export function resetClock() {
  readTime = systemTime;
}
