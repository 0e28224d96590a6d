// The bank holidays of England and Wales, as the server lists them (from the
// maintained `holidays` package; server/domain/bank_holidays.py). Nothing here
// works a holiday out: one-offs (a jubilee, a coronation, a state funeral)
// follow no rule, so both sides count the one list. The app receives it with
// its reference data (session.js: at sign-in and at each unlock online), keeps
// it sealed with the rest, and hands it here, so the date rules count working
// days without every screen passing the list along.

let days = new Set();

/** Count working days by this table: {first_year, last_year, days: ["YYYY-MM-DD", ...]}. */
export function useBankHolidays(table) {
  days = new Set(table?.days || []);
}

/** Return whether a day (YYYY-MM-DD) is a bank holiday in England and Wales. */
export function isBankHoliday(isoDate) {
  return days.has(isoDate);
}
