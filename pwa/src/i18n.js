// The app's languages: English, and Welsh for the Welsh Language Standards'
// Active Offer. Messages are written in English in the code, wrapped in t("…")
// or tn("…", "…", n); a translator edits pwa/locales/cy.po (gettext, any PO
// editor), and build.mjs compiles it to /locales/cy.json, which the service
// worker keeps for use offline. A message with no translation shows in English.

import { localDateOf } from "./clock.js";

export const ENGLISH = "en";
export const WELSH = "cy";
/** Each language in its own words, as the language setting offers them. */
export const LANGUAGE_NAMES = { [ENGLISH]: "English", [WELSH]: "Cymraeg" };
// The device remembers the last language chosen, so the sign-in and unlock
// screens speak it before anyone has signed in. It names a language, nothing more.
const DEVICE_LANGUAGE_KEY = "fieldwork-language";

// A PO file numbers its plural forms by its Plural-Forms header; Intl.PluralRules
// names them. Welsh (Babel's header for cy): 0 zero, 1 one, 2 two, 3 few, 6 many, else other.
const PLURAL_INDEX = {
  [ENGLISH]: { one: 0, other: 1 },
  [WELSH]: { zero: 0, one: 1, two: 2, few: 3, many: 4, other: 5 },
};

let language = ENGLISH;
let messages = {}; // msgid -> msgstr, or msgid -> [plural forms]
let pluralRules = new Intl.PluralRules(ENGLISH);
// Compiled catalogues already loaded, by language: a family copy prints in its
// own language whatever the worker's, so more than one may be held at once.
const loaded = { [ENGLISH]: {} };

/** The language the app speaks now: "en" or "cy". */
export function currentLanguage() {
  return language;
}

/** Whether a code names a language the app speaks. */
export function isLanguage(code) {
  return Object.hasOwn(LANGUAGE_NAMES, code);
}

/** Speak this language with these compiled messages (the tests give them directly). */
export function useCatalogue(code, compiled = {}) {
  language = isLanguage(code) ? code : ENGLISH;
  messages = language === ENGLISH ? {} : compiled;
  loaded[language] = messages;
  pluralRules = new Intl.PluralRules(language);
  if (typeof document !== "undefined") {
    document.documentElement.lang = language === WELSH ? "cy" : "en-GB";
  }
}

/** Fetch a language's compiled messages (from the service worker's cache when offline). */
async function fetchCatalogue(code) {
  if (code === ENGLISH) return {};
  try {
    const response = await fetch(`/locales/${code}.json`);
    return response.ok ? (await response.json()).messages : {};
  } catch {
    return {}; // unreachable and not cached: English rather than nothing
  }
}

/** Load a language's messages (from the service worker's cache when offline) and speak it. */
export async function useLanguage(code) {
  const chosen = isLanguage(code) ? code : ENGLISH;
  useCatalogue(chosen, await fetchCatalogue(chosen));
  rememberOnDevice(chosen);
  return chosen;
}

/** Have a language's messages ready for inLanguage, without changing the language spoken. */
export async function loadCatalogue(code) {
  const chosen = isLanguage(code) ? code : ENGLISH;
  if (!Object.hasOwn(loaded, chosen) || (chosen !== ENGLISH && !Object.keys(loaded[chosen]).length)) {
    loaded[chosen] = await fetchCatalogue(chosen);
  }
}

/**
 * Draw something in another language (a family copy in the family's language),
 * then speak the current one again. draw must be synchronous; the language's
 * messages come from loadCatalogue (English until it has run).
 */
export function inLanguage(code, draw) {
  const chosen = isLanguage(code) ? code : ENGLISH;
  const saved = { language, messages, pluralRules };
  language = chosen;
  messages = loaded[chosen] || {};
  pluralRules = new Intl.PluralRules(chosen);
  try {
    return draw();
  } finally {
    ({ language, messages, pluralRules } = saved);
  }
}

/** The language last chosen on this device, for the screens before sign-in. */
export function deviceLanguage() {
  try {
    const stored = globalThis.localStorage?.getItem(DEVICE_LANGUAGE_KEY);
    return isLanguage(stored) ? stored : ENGLISH;
  } catch {
    return ENGLISH;
  }
}

function rememberOnDevice(code) {
  try {
    globalThis.localStorage?.setItem(DEVICE_LANGUAGE_KEY, code);
  } catch {
    // storage refused (private browsing): the choice lasts until the page closes
  }
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * Mark a label for translation where it is defined, without translating it:
 * N_("Green") in a code list. The extractor picks it up like t("…"); the screen
 * that shows the label translates it then, with t(label), so a change of
 * language reaches labels defined once at load time. Codes never change.
 */
export function N_(msgid) {
  return msgid;
}

/** Translate a message; "{name}" in it is filled from params: t("Visit on {day}", { day }). */
export function t(msgid, params = {}) {
  const translated = messages[msgid];
  const text = typeof translated === "string" && translated ? translated : Array.isArray(translated) && translated[0] ? translated[0] : msgid;
  return fill(text, params);
}

/**
 * Translate a message that depends on a count: tn("{count} change", "{count} changes", n).
 * Welsh has six forms; the PO's Plural-Forms header numbers them as PLURAL_INDEX says.
 */
export function tn(singular, plural, count, params = {}) {
  const forms = messages[singular];
  const values = { count, ...params };
  const index = PLURAL_INDEX[language][pluralRules.select(count)] ?? 0;
  if (Array.isArray(forms) && forms[index]) {
    return fill(forms[index], values);
  }
  return fill(count === 1 ? singular : plural, values);
}

function locale() {
  return language === WELSH ? "cy" : "en-GB";
}

// Welsh month names, for browsers whose Intl carries no Welsh (some Chromium builds
// ship without it and would say "December"): calendar data, not messages to translate.
const WELSH_MONTHS = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"];
const WELSH_SHORT_MONTHS = ["Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag"];

/** Whether this browser's Intl can say dates in Welsh, or the app must. */
function needsOwnWelsh() {
  return language === WELSH && Intl.DateTimeFormat.supportedLocalesOf(["cy"]).length === 0;
}

function twoDigits(number) {
  return String(number).padStart(2, "0");
}

/** Say a date in the current language ("1 July 2026", "1 Gorffennaf 2026"): a calendar date as it is, a moment on its local day. */
export function sayDate(text) {
  if (!text) {
    return "";
  }
  const date = new Date(`${localDateOf(text)}T00:00:00Z`);
  if (needsOwnWelsh()) {
    return `${date.getUTCDate()} ${WELSH_MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  }
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

/** Say a moment's date and time in the current language. */
export function sayDateTime(text) {
  if (!text) {
    return "";
  }
  const moment = new Date(text);
  if (needsOwnWelsh()) {
    return `${moment.getDate()} ${WELSH_MONTHS[moment.getMonth()]} ${moment.getFullYear()}, ${twoDigits(moment.getHours())}:${twoDigits(moment.getMinutes())}`;
  }
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(moment);
}

/** Say a moment as the sync bar does: "6 Dec, 14:30". */
export function sayShortMoment(date) {
  if (needsOwnWelsh()) {
    return `${date.getDate()} ${WELSH_SHORT_MONTHS[date.getMonth()]}, ${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
  }
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(date);
}
