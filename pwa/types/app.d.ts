// Types the app's JavaScript is checked against (tsconfig.json): shapes the
// JSDoc in src/ names without importing. Declarations only; nothing here runs.

/** What a template may interpolate: markup already made safe, or a value to escape. */
type Html = import("../src/ui/html.js").SafeHtml | string | number | boolean | null | undefined | Html[];

/** A choice in a select, radios or checkboxes: [value, text]. */
type Option = [string, Html] | string[];

// Background Sync (Chromium only): the app registers a tag when it can and
// relies on its own timers when it cannot, so the member is optional.
interface SyncManager {
  register(tag: string): Promise<void>;
}
interface ServiceWorkerRegistration {
  readonly sync?: SyncManager;
}

interface Window {
  /** The running app, for the browser tests and the benchmark (src/app.js). */
  fieldwork?: unknown;
}

/** A form's values as read by formValues (src/ui/forms.js): text, or a list for checkboxes. */
type FormValues = Record<string, any>;

/** What a record screen's form handler answers (src/ui/record-screen.js). */
interface Outcome {
  /** {field id: message}, or {form: message} when no one field is to blame. */
  errors?: object;
  message?: Html;
  /** State to lay over the screen's after a success (which part is open, say). */
  state?: Record<string, unknown>;
  step?: string;
  keepDraft?: boolean;
}

/** How a form was sent: the form, the button pressed, and the record it is about. */
interface Sent {
  form: HTMLFormElement;
  submitter: HTMLButtonElement | null;
  /** The form's data-target, when it has one. */
  target: string | undefined;
}

/** A record screen's form handlers by data-form name, each called with the screen S as `this`. */
type Handlers<S> = Record<string, (values: FormValues, sent: Sent) => Promise<Outcome | void>> & ThisType<S>;
