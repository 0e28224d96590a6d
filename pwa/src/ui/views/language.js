// Language / Iaith: the worker chooses English or Cymraeg for the app, the
// server's messages and their notifications. Offered in both languages at
// once (the Active Offer); works offline, and the server hears of it at the next sync.

import { LANGUAGE_NAMES, currentLanguage, t } from "../../i18n.js";
import { button, formValues, radios } from "../forms.js";
import { html, mount } from "../html.js";
import { successBanner } from "../screen.js";

export async function languageView(context) {
  const { main, session } = context;
  const draw = (saved = "") => {
    mount(
      main,
      html`${successBanner(saved)}
        <h1 class="govuk-heading-l">Language / Iaith</h1>
        <p class="govuk-body" lang="en">Choose the language of this app, its messages and your notifications.</p>
        <p class="govuk-body" lang="cy">Dewiswch iaith yr ap hwn, ei negeseuon a'ch hysbysiadau.</p>
        <form id="language-form" novalidate>
          ${radios({
            name: "language",
            legend: "Language / Iaith",
            options: Object.entries(LANGUAGE_NAMES).map(([code, name]) => [code, html`<span lang="${code}">${name}</span>`]),
            value: currentLanguage(),
          })}
          ${button(t("Save"))}
        </form>
        <p class="govuk-body-s" id="language-note">${t("Family copies have their own language: choose it on each copy.")}</p>`,
    );
    main.querySelector("#language-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const { language } = formValues(event.target);
      // The session's "language" event draws the app again, this screen with it:
      // the flag tells the new drawing to say the choice was saved.
      session.languageJustSaved = true;
      await session.chooseLanguage(language);
    });
  };
  const saved = session.languageJustSaved;
  session.languageJustSaved = false;
  draw(saved ? t("Language saved.") : "");
}
