// Which screen each address shows. Addresses carry ids, never names.

import { caseloadView } from "./views/caseload.js";
import * as entry from "./views/entry.js";
import { familyView } from "./views/family.js";
import { networkView } from "./views/network.js";
import { visitView } from "./views/visit.js";
import { noteView } from "./views/note.js";
import { judgmentView } from "./views/judgment.js";
import { conferenceView } from "./views/conference.js";
import { reviewsView } from "./views/reviews.js";
import { syncView } from "./views/sync.js";
import { groupSupervisionView } from "./views/group-supervision.js";
import { html, mount } from "./html.js";

const ID = "([0-9a-f-]{36})";
const route = (pattern, view, needsUnlock = true) => ({ pattern: new RegExp(`^${pattern}$`), view, needsUnlock });

export const routes = [
  route("#/sign-in", entry.signIn, false),
  route("#/unlock", entry.unlock, false),
  route("#/revoked", entry.revoked, false),
  route("#/sign-in-again", entry.startAgain, false),
  route("#/sign-out", entry.signOut),
  route("#/lock", entry.unlock, false),
  route("(?:#/?)?", caseloadView),
  route(`#/family/${ID}`, familyView),
  route(`#/family/${ID}/network`, networkView),
  route(`#/family/${ID}/visit(?:/${ID})?`, visitView),
  route(`#/family/${ID}/conference(?:/${ID})?`, conferenceView),
  route(`#/note/${ID}`, noteView),
  route(`#/judgment/${ID}`, judgmentView),
  route("#/reviews", reviewsView),
  route("#/sync", syncView),
  route(`#/group-supervision(?:/${ID})?(?:/${ID})?`, groupSupervisionView),
  route(".*", async ({ main }) =>
    mount(main, html`<h1 class="govuk-heading-l">Page not found</h1><p class="govuk-body"><a class="govuk-link" href="#/">Go to your caseload</a></p>`),
  ),
];
