// Signing in, setting this device's passphrase, unlocking, and what happens
// when a device is revoked or wiped.

import { MIN_PASSPHRASE_LENGTH } from "../../config.js";
import { onlineHome } from "../../domain/online-roles.js";
import { WrongPassphrase, Wiped } from "../../session.js";
import { ApiError, Offline } from "../../sync/api.js";
import { button, errorSummary, focusErrorSummary, formValues, textInput } from "../forms.js";
import { html, mount } from "../html.js";
import { ENGLISH, LANGUAGE_NAMES, WELSH, currentLanguage, t, tn, useLanguage } from "../../i18n.js";

/**
 * The Active Offer: before anyone signs in, the other language is one tap away,
 * named in its own words. The choice is kept on the device and becomes the
 * person's own when they next choose it under Language / Iaith.
 */
function languageOffer() {
  const other = currentLanguage() === WELSH ? ENGLISH : WELSH;
  return html`<p class="govuk-body app-language-offer"><a class="govuk-link" href="#/sign-in" data-language="${other}" lang="${other}">${LANGUAGE_NAMES[other]}</a></p>`;
}

function followLanguageOffer(context, root) {
  root.querySelector("[data-language]")?.addEventListener("click", async (event) => {
    event.preventDefault();
    await useLanguage(event.currentTarget.dataset.language);
    context.refresh();
  });
}

export async function signIn(context, state = {}) {
  const { main, session } = context;
  const errors = state.errors || {};
  const values = state.values || {};
  mount(
    main,
    html`${errorSummary(errors)}
      ${languageOffer()}
      <h1 class="govuk-heading-l">${t("Sign in")}</h1>
      <p class="govuk-body">${t("Sign in with your council account. You need a connection to sign in; after that the app works offline.")}</p>
      <form id="sign-in-form" novalidate>
        ${textInput({ name: "username", label: t("Username"), value: values.username, error: errors.username, autocomplete: "username", spellcheck: false, width: 20 })}
        ${textInput({ name: "password", label: t("Password"), type: "password", error: errors.password, autocomplete: "current-password", width: 20 })}
        ${state.needCode
          ? textInput({ name: "totp_code", label: t("Code from your authenticator app"), hint: t("6 digits"), error: errors.totp_code, inputmode: "numeric", autocomplete: "one-time-code", width: 5 })
          : ""}
        ${button(t("Sign in"))}
      </form>`,
  );
  focusErrorSummary(main);
  followLanguageOffer(context, main);
  main.querySelector("#sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = formValues(event.target);
    const problems = {};
    if (!form.username?.trim()) problems.username = t("Enter your username");
    if (!form.password) problems.password = t("Enter your password");
    if (state.needCode && !/^\d{6}$/.test(form.totp_code || "")) problems.totp_code = t("Enter the 6-digit code");
    if (Object.keys(problems).length) {
      return signIn(context, { ...state, errors: problems, values: { username: form.username } });
    }
    try {
      const next = await session.signIn(form.username.trim(), form.password, form.totp_code);
      if (session.secondFactorSetup) {
        return secondFactorSetup(context);
      }
      if (onlineHome(session.user.role)) {
        return context.go(onlineHome(session.user.role)); // online only: no passphrase, nothing kept on the device
      }
      return next === "unlock" ? unlock(context) : setPassphrase(context);
    } catch (error) {
      if (error instanceof ApiError && error.code === "second_factor_required") {
        return signIn(context, { needCode: true, values: { username: form.username } });
      }
      const message =
        error instanceof Offline
          ? t("You need a connection to sign in. If you have signed in on this device before, reopen the app to unlock it.")
          : error instanceof ApiError && error.status === 429
            ? t("Too many attempts. Wait 15 minutes, then try again.")
            : error.message;
      return signIn(context, { ...state, errors: { username: message }, values: { username: form.username } });
    }
  });
}

// What proves it is the account's owner setting up the app (the server's
// /totp/setup says which): a session alone never may. A function, so the words
// are in the language spoken when the form is drawn.
const proofFields = () => ({
  enrolment_code: {
    label: t("Enrolment code from your administrator"),
    hint: t("Your administrator gives you this code. It works once, for an hour after they issue it."),
    missing: t("Enter the enrolment code from your administrator"),
    autocomplete: "off",
    spellcheck: false,
    width: 20,
  },
  password: {
    label: t("Your password"),
    type: "password",
    missing: t("Enter your password"),
    autocomplete: "current-password",
    width: 20,
  },
  current_code: {
    label: t("Code your current authenticator app shows"),
    hint: t("6 digits"),
    missing: t("Enter the 6-digit code from your current authenticator app"),
    inputmode: "numeric",
    autocomplete: "one-time-code",
    width: 5,
  },
});

async function secondFactorSetup(context, state = {}) {
  const { main, session } = context;
  const { post } = await import("../../sync/api.js");
  const setup = state.setup || (await post("/api/auth/totp/setup", {}));
  const errors = state.errors || {};
  const values = state.values || {};
  const fields = proofFields();
  const proof = fields[setup.proof] ? setup.proof : "password";
  const { missing, ...proofField } = fields[proof];
  mount(
    main,
    html`${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("Set up your authenticator app")}</h1>
      <p class="govuk-body">${t("Your role needs a second factor. Add this key to your authenticator app, then enter the code it shows.")}</p>
      <p class="govuk-body"><code class="app-pre-wrap">${setup.secret}</code></p>
      <form id="totp-form" novalidate>
        ${textInput({ name: proof, ...proofField, value: proof === "enrolment_code" ? values[proof] : "", error: errors[proof] })}
        ${textInput({ name: "code", label: t("Code from your authenticator app"), hint: t("6 digits"), error: errors.code, inputmode: "numeric", autocomplete: "one-time-code", width: 5 })}
        ${button(t("Continue"))}
      </form>`,
  );
  focusErrorSummary(main);
  main.querySelector("#totp-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = formValues(event.target);
    const problems = {};
    if (!form[proof]?.trim()) problems[proof] = missing;
    if (!/^\d{6}$/.test(form.code || "")) problems.code = t("Enter the 6-digit code from your authenticator app");
    if (Object.keys(problems).length) {
      return secondFactorSetup(context, { setup, errors: problems, values: form });
    }
    try {
      await post("/api/auth/totp/confirm", { secret: setup.secret, code: form.code, [proof]: form[proof].trim() });
      session.secondFactorSetup = false;
      if (onlineHome(session.user.role)) {
        return context.go(onlineHome(session.user.role));
      }
      const device = await session.device();
      return device.wrapped ? unlock(context) : setPassphrase(context);
    } catch (error) {
      const fields = error.errors || {};
      const shown = Object.fromEntries(
        [proof, "code"].filter((name) => fields[name]?.[0]).map((name) => [name, fields[name][0]]),
      );
      return secondFactorSetup(context, {
        setup,
        values: form,
        errors: Object.keys(shown).length
          ? shown
          : { code: error.status === 429 ? t("Too many attempts. Wait 15 minutes, then try again.") : error.message },
      });
    }
  });
}

export async function setPassphrase(context, state = {}) {
  const { main, session } = context;
  const errors = state.errors || {};
  mount(
    main,
    html`${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("Choose a passphrase for this device")}</h1>
      <p class="govuk-body">${t("Everything the app keeps on this device is encrypted. You will use this passphrase to unlock it, with or without a connection.")}</p>
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${t("After 10 wrong passphrases the data on this device is deleted.")}</strong>
      </div>
      <form id="passphrase-form" novalidate>
        ${textInput({ name: "passphrase", label: t("Passphrase"), type: "password", hint: t("At least {count} characters. A few words are easier to type than symbols.", { count: MIN_PASSPHRASE_LENGTH }), error: errors.passphrase, autocomplete: "new-password", width: 20 })}
        ${textInput({ name: "confirm", label: t("Type it again"), type: "password", error: errors.confirm, autocomplete: "new-password", width: 20 })}
        ${button(t("Save and continue"))}
      </form>`,
  );
  focusErrorSummary(main);
  main.querySelector("#passphrase-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = formValues(event.target);
    const problems = {};
    if ((form.passphrase || "").length < MIN_PASSPHRASE_LENGTH) {
      problems.passphrase = t("Passphrase must be at least {count} characters", { count: MIN_PASSPHRASE_LENGTH });
    } else if (form.confirm !== form.passphrase) {
      problems.confirm = t("The passphrases do not match");
    }
    if (Object.keys(problems).length) {
      return setPassphrase(context, { errors: problems });
    }
    await session.setPassphrase(form.passphrase); // which asks the browser to keep the data
    if (["admin", "practice_lead"].includes(session.user?.role)) {
      // An admin or a practice lead holds no case records: nothing to wait for (the background
      // sync still brings the practice settings and notices a revoked device).
      return context.go("#/");
    }
    return firstSync(context);
  });
}

export async function unlock(context, state = {}) {
  const { main, session } = context;
  const errors = state.errors || {};
  const device = await session.device();
  mount(
    main,
    html`${errorSummary(errors)}
      <h1 class="govuk-heading-l">${t("Unlock")}</h1>
      <p class="govuk-body">${device?.username ? t("Signed in as {username}.", { username: device.username }) + " " : ""}${t("Enter this device's passphrase.")}</p>
      <form id="unlock-form" novalidate>
        ${textInput({ name: "passphrase", label: t("Passphrase"), type: "password", error: errors.passphrase, autocomplete: "current-password", width: 20 })}
        ${button(t("Unlock"))}
      </form>
      <p class="govuk-body"><a class="govuk-link" href="#/sign-in-again">${t("Sign in as someone else or start again")}</a></p>`,
  );
  focusErrorSummary(main);
  main.querySelector("#passphrase").focus();
  main.querySelector("#unlock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { passphrase } = formValues(event.target);
    if (!passphrase) {
      return unlock(context, { errors: { passphrase: t("Enter your passphrase") } });
    }
    try {
      await session.unlock(passphrase);
      context.go(location.hash.startsWith("#/unlock") ? "#/" : location.hash);
    } catch (error) {
      if (error instanceof Wiped) {
        return wiped(context, error.message);
      }
      if (error instanceof WrongPassphrase) {
        return unlock(context, { errors: { passphrase: error.message } });
      }
      throw error;
    }
  });
}

export async function firstSync(context) {
  const { main, session } = context;
  const sync = session.sync;
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Getting your caseload")}</h1>
      <p class="govuk-body">${t("The app is downloading your families so you can work offline. You can stop and carry on later: nothing is lost.")}</p>
      <label class="govuk-label" for="first-sync">${t("Records downloaded")}</label>
      <progress class="app-progress" id="first-sync" max="100" value="0">0%</progress>
      <p class="govuk-body" id="first-sync-text" aria-live="polite">${t("Starting…")}</p>
      <a class="govuk-link" href="#/">${t("Stop and go to your caseload")}</a>`,
  );
  const bar = main.querySelector("#first-sync");
  const text = main.querySelector("#first-sync-text");
  const onProgress = (event) => {
    const progress = event.detail;
    if (progress) {
      bar.max = progress.total;
      bar.value = progress.received;
      bar.textContent = `${progress.received} of ${progress.total}`;
      text.textContent = `${progress.received.toLocaleString("en-GB")} of about ${progress.total.toLocaleString("en-GB")} records`;
    }
  };
  sync.addEventListener("progress", onProgress);
  await sync.syncNow("first-sync");
  sync.removeEventListener("progress", onProgress);
  if (location.hash === "" || location.hash === "#/" || location.hash.startsWith("#/sign-in")) {
    context.go("#/");
  }
}

export async function wiped(context, message) {
  mount(
    context.main,
    html`<h1 class="govuk-heading-l">${t("This device's data has been deleted")}</h1>
      <p class="govuk-body">${message}</p>
      <p class="govuk-body"><a class="govuk-link" href="#/sign-in">${t("Sign in")}</a></p>`,
  );
}

export async function revoked(context) {
  return wiped(context, t("This device was revoked, so everything the app kept on it has been deleted. If you did not expect this, contact your administrator."));
}

export async function signOut(context) {
  const { main, session } = context;
  const waiting = session.data?.outbox.length || 0;
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Sign out")}</h1>
      ${waiting
        ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">${t("Warning")}</span>${tn("{count} change has not been sent yet.", "{count} changes have not been sent yet.", waiting)} ${t("They stay encrypted on this device and are sent when you next sign in.")}</strong></div>`
        : html`<p class="govuk-body">${t("Your work is saved and sent. Your data stays encrypted on this device until you sign in again.")}</p>`}
      <form id="sign-out-form">${button(t("Sign out"))}</form>`,
  );
  main.querySelector("#sign-out-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await session.signOut();
    context.go("#/unlock");
  });
}

export async function startAgain(context) {
  const { main, session } = context;
  mount(
    main,
    html`<h1 class="govuk-heading-l">${t("Start again on this device")}</h1>
      <p class="govuk-body">${t("This deletes everything the app keeps on this device, including changes that have not been sent. Then you can sign in.")}</p>
      <form id="start-again-form">${button(t("Delete this device's data"), { warning: true })}</form>
      <p class="govuk-body"><a class="govuk-link" href="#/unlock">${t("Go back and unlock instead")}</a></p>`,
  );
  main.querySelector("#start-again-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await session.wipe();
    context.go("#/sign-in");
  });
}
