// A family copy: what we talked about and agreed, in plain words, for the family
// to keep. The same two checks as server/domain/family_copy.py, held to one
// table of cases (tests/fixtures/family_copy.json):
// - readability: long sentences, and jargon from the council's glossary with
//   the plain words to use instead (advice only);
// - sharingFlags: names of people outside the household receiving the copy,
//   phone numbers, email addresses, street addresses and postcodes. Sharing
//   waits until each is removed or confirmed as fine to share. (The server
//   also refuses a child's placement address, which never reaches a device.)

import { N_, t } from "../i18n.js";

// The parts of a copy in order, named in English; sectionWords says them in the language being drawn.
export const FAMILY_COPY_SECTIONS = [
  { key: "what_happened", title: "What happened", hint: "What you did together, in words the family use." },
  { key: "your_view", title: "Your view", hint: "How the family see things, in their own words." },
  { key: "next_steps", title: "Next steps", hint: "What happens next." },
  { key: "who_does_what", title: "Who does what, by when", hint: "One line each: who, what, and by when." },
];
export const SECTION_TITLES = Object.fromEntries(FAMILY_COPY_SECTIONS.map(({ key, title }) => [key, title]));
export const LONG_SENTENCE_WORDS = 25;
export const SHARED_HOW = [
  ["by_hand", N_("By hand")],
  ["post", N_("By post")],
  ["email_link", N_("By email link")],
];

/** A part's title and hint in the current language (the copy's own, when printing it). */
export function sectionWords(key) {
  const words = {
    what_happened: { title: t("What happened"), hint: t("What you did together, in words the family use.") },
    your_view: { title: t("Your view"), hint: t("How the family see things, in their own words.") },
    next_steps: { title: t("Next steps"), hint: t("What happens next.") },
    who_does_what: { title: t("Who does what, by when"), hint: t("One line each: who, what, and by when.") },
  };
  return words[key];
}

/** The ways a copy is shared, as radio options in the current language. */
export function sharedHowOptions() {
  return [
    ["by_hand", t("By hand")],
    ["post", t("By post")],
    ["email_link", t("By email link")],
  ];
}

const WORD = /[\p{L}\p{N}]/u;
const PHONE = /(?<![\d+])(?:\+44|0)(?:[ -]?\d){9,10}(?!\d)/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const POSTCODE = /(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}(?![A-Za-z0-9])/g;
const STREET = new RegExp(
  "(?<![A-Za-z0-9])\\d+[A-Za-z]? (?:[A-Z][a-z]+ ){1,3}" +
    "(?:Road|Street|Avenue|Lane|Close|Drive|Way|Court|Crescent|Place|Gardens|Terrace|Grove|Walk|Row)" +
    "(?![A-Za-z0-9])",
  "g",
);
const SENTENCE_END = /(?<=[.!?])\s+|\n+/;

/** Split text into sentences: after a full stop, question or exclamation mark, or a line break. */
export function sentences(text) {
  return (text || "").split(SENTENCE_END).map((part) => part.trim()).filter(Boolean);
}

/** Count the words of a sentence: runs between spaces holding a letter or a digit. */
export function wordCount(sentence) {
  return sentence.split(/\s+/).filter((token) => WORD.test(token)).length;
}

function isAcronym(term) {
  return [...term].filter((c) => c !== c.toLowerCase()).length >= 2 && term === term.toUpperCase();
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function termPattern(term, { exactCase }) {
  const body = term.split(/\s+/).filter(Boolean).map(escape).join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, exactCase ? "gu" : "giu");
}

/** Return the long sentences of a text, then its jargon in the order it first appears. */
export function readability(text, glossary) {
  const findings = [];
  for (const sentence of sentences(text)) {
    const words = wordCount(sentence);
    if (words > LONG_SENTENCE_WORDS) findings.push({ kind: "long_sentence", text: sentence, words });
  }
  const jargon = [];
  const seen = new Set();
  for (const entry of glossary || []) {
    const term = (entry.term || "").trim();
    if (!term || seen.has(term.toLowerCase())) continue;
    seen.add(term.toLowerCase());
    const matches = [...(text || "").matchAll(termPattern(term, { exactCase: isAcronym(term) }))];
    if (matches.length) {
      jargon.push([matches[0].index, { kind: "jargon", term, plain: entry.plain, count: matches.length }]);
    }
  }
  jargon.sort((a, b) => a[0] - b[0]);
  return [...findings, ...jargon.map(([, found]) => found)];
}

/**
 * Return what to check before sharing, section by section, each thing once.
 * thirdParties: [{id, names}]; householdNames: names of the people receiving it.
 */
export function sharingFlags(sections, { thirdParties = [], householdNames = [], restricted = [] } = {}) {
  const household = new Set(householdNames.filter((n) => n && n.trim()).map((n) => n.trim().toLowerCase()));
  const restrictedParts = restricted.filter((p) => p && p.trim().length >= 4).map((p) => p.trim());
  const found = new Map();
  for (const { key: section } of FAMILY_COPY_SECTIONS) {
    const text = sections?.[section] || "";
    const hits = [];
    const hit = (at, key, kind, matched) => hits.push([at, { key, kind, section, text: matched, confirmable: kind !== "restricted" }]);
    for (const part of restrictedParts) {
      const pattern = termPattern(part, { exactCase: false });
      const match = pattern.exec(text);
      if (match) hit(match.index, "restricted", "restricted", "");
    }
    for (const person of thirdParties) {
      for (const name of person.names || []) {
        if (!name || household.has(name.trim().toLowerCase())) continue;
        const match = termPattern(name.trim(), { exactCase: true }).exec(text);
        if (match) {
          hit(match.index, `person:${person.id}`, "third_party", match[0]);
          break;
        }
      }
    }
    for (const match of text.matchAll(PHONE)) {
      let digits = match[0].replace(/\D/g, "");
      if (digits.startsWith("44")) digits = `0${digits.slice(2)}`;
      hit(match.index, `phone:${digits}`, "phone", match[0]);
    }
    for (const match of text.matchAll(EMAIL)) hit(match.index, `email:${match[0].toLowerCase()}`, "email", match[0]);
    for (const match of text.matchAll(STREET)) hit(match.index, `address:${match[0].toLowerCase()}`, "address", match[0]);
    for (const match of text.matchAll(POSTCODE)) hit(match.index, `postcode:${match[0].toUpperCase().replace(/ /g, "")}`, "postcode", match[0]);
    hits.sort((a, b) => a[0] - b[0]);
    for (const [, flag] of hits) {
      if (!found.has(flag.key)) found.set(flag.key, flag);
    }
  }
  return [...found.values()];
}

/** Return the flags still in the way of sharing: restricted ones always. */
export function unresolved(flags, confirmed) {
  const fine = new Set(confirmed || []);
  return flags.filter((flag) => !flag.confirmable || !fine.has(flag.key));
}

/** Say what to do about one flag, in the words the worker reads. */
export function flagMessage(flag) {
  const where = sectionWords(flag.section).title;
  const text = flag.text;
  if (flag.kind === "restricted") return t("{where} holds part of a child's placement address. Remove it: it is never shared.", { where });
  if (flag.kind === "third_party") return t("{where} names {text}, who does not live in this household. Remove it or confirm it is fine to share.", { where, text });
  const said = {
    phone: () => t("{where} has a phone number ({text}). Remove it or confirm it is fine to share.", { where, text }),
    email: () => t("{where} has an email address ({text}). Remove it or confirm it is fine to share.", { where, text }),
    address: () => t("{where} has an address ({text}). Remove it or confirm it is fine to share.", { where, text }),
    postcode: () => t("{where} has a postcode ({text}). Remove it or confirm it is fine to share.", { where, text }),
  };
  return said[flag.kind]();
}

/** The people connected to a family who are not in the household receiving the copy, with their names. */
export function thirdPartiesOf(people, householdIds) {
  const inHousehold = new Set(householdIds);
  return people
    .filter((person) => !inHousehold.has(person.id))
    .map((person) => ({ id: person.id, names: namesOf(person) }));
}

export function namesOf(person) {
  const names = [`${person.given_name || ""} ${person.family_name || ""}`.trim(), person.known_as, person.given_name];
  return [...new Set(names.filter((n) => n && n.trim()))];
}

/**
 * Draft a family copy from a signed note (and the family's open plan actions):
 * the worker edits it before it is shared. The note's reflection, strengths
 * and the child's words are the worker's record, not copied.
 */
export function draftFromNote(note, planActions = [], formatDate = (d) => d) {
  const sections = note?.sections || {};
  const actions = planActions
    .filter((action) => action.status !== "done")
    .map((action) => `${action.who}: ${action.task}${action.due_on ? ` by ${formatDate(action.due_on)}` : ""}`);
  return {
    what_happened: sections.what_happened || "",
    your_view: sections.family_view || "",
    next_steps: sections.next_steps || "",
    who_does_what: actions.join("\n"),
  };
}
