// Unique pupil numbers: the Department for Education's check letter, as
// server/domain/upn.py computes it (shared cases: tests/fixtures/upn.json).

import { N_ } from "../i18n.js";

export const LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";
const SHAPE = new RegExp(`^[${LETTERS}]\\d{11}[0-9${LETTERS}]$`);

/** The check letter of the last 12 characters of a UPN. */
export function checkLetter(rest) {
  let total = 0;
  [...rest].forEach((char, index) => {
    const value = /[A-Z]/.test(char) ? LETTERS.indexOf(char) : Number(char);
    total += value * (index + 2);
  });
  return LETTERS[total % 23];
}

/** What is wrong with a UPN as written: "shape", "check_letter" or null. */
export function upnProblem(upn) {
  if (!SHAPE.test(upn)) {
    return "shape";
  }
  return checkLetter(upn.slice(1)) === upn[0] ? null : "check_letter";
}

export const isTemporary = (upn) => /[A-Z]$/.test(upn);

// What is wrong, in English: a screen shows it with t(message).
export const UPN_MESSAGES = {
  shape: N_("A unique pupil number is 13 characters: a letter, 11 numbers, then a number (or a letter, for a temporary number)"),
  check_letter: N_("The first letter does not match the rest of the number: check it"),
};
