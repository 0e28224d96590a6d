// Background jobs the server runs for online-only screens (service summaries,
// subject access exports): how their status reads, and following one until it
// has finished.

import { tag } from "./layout.js";

export const JOB_POLL_MS = 1_000;

const STATUS_TAGS = {
  queued: ["Waiting", "grey"],
  running: ["In progress", "blue"],
  done: ["Ready", "green"],
  failed: ["Failed", "red"],
};

/** The GOV.UK tag for a job's status (queued, running, done or failed). */
export function statusTag(status) {
  const [text, colour] = STATUS_TAGS[status] || [status, "grey"];
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
