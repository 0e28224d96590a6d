// Background jobs the server runs for online-only screens (service summaries,
// subject access exports): how their status reads, and following one until it
// has finished.

import { tag } from "./layout.js";
import { t } from "../i18n.js";

export const JOB_POLL_MS = 1_000;

/** Each status's words, in the app's language, and tag colour. */
function statusTags() {
  return {
    queued: [t("Waiting"), "grey"],
    running: [t("In progress"), "blue"],
    done: [t("Ready"), "green"],
    failed: [t("Failed"), "red"],
  };
}

/** The GOV.UK tag for a job's status (queued, running, done or failed). */
export function statusTag(status) {
  const [text, colour] = statusTags()[status] || [status, "grey"];
  return tag(text, colour);
}

export function finished(job) {
  return job.status === "done" || job.status === "failed";
}

/**
 * Show `first`, then fetch and show again every `every` ms until `settled` says
 * it has finished, or `active` says the screen has gone. A failed fetch is a
 * blip: the last value is shown again and watching goes on. Returns stop().
 */
export function follow(first, { fetch, show, settled = finished, active = () => true, every = JOB_POLL_MS }) {
  let timer = null;
  let stopped = false;
  const step = (value) => {
    if (stopped || !active()) {
      return;
    }
    show(value);
    if (settled(value)) {
      return;
    }
    timer = setTimeout(async () => {
      let next = value;
      try {
        next = await fetch(value);
      } catch {
        // keep watching
      }
      step(next);
    }, every);
  };
  step(first);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
