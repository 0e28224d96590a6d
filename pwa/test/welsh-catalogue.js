// The Welsh messages as build.mjs compiles them from the catalogue a translator
// edits (locales/cy.po), for tests that check what a Welsh speaker sees.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { po } from "gettext-parser";

/** Return the Welsh catalogue: each translated msgid with its msgstr (plural forms as a list). */
export function welsh() {
  const catalogue = po.parse(readFileSync(fileURLToPath(new URL("../locales/cy.po", import.meta.url))));
  return Object.fromEntries(
    Object.entries(catalogue.translations[""])
      .filter(([msgid, entry]) => msgid && entry.msgstr.some(Boolean))
      .map(([msgid, entry]) => [msgid, entry.msgid_plural ? entry.msgstr : entry.msgstr[0]]),
  );
}
