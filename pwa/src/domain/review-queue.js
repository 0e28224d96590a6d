// The supervisor's queue: a short list of conversations to have, not a
// sign-off backlog. It holds red decisions awaiting approval (at the top, with
// their age), yellow decisions to talk through, whatever a worker asked to talk
// through ("ask_to_discuss"), and the small monthly sample the supervisor drew
// ("sampled"). A signed note is complete without any supervisor action, and a
// green decision never enters the queue by itself. Items nobody asked about
// (yellow decisions, samples) leave it after the team's set age, and are still
// found by searching for the family. The server holds the same rules
// (server/domain/supervision_queue.py). Built from what the device holds, so
// it works offline and a change made here counts at once.

import { N_ } from "../i18n.js";

import { localDateOf } from "../clock.js";
import { verbalApprovalOf } from "./urgent.js";

export const REQUEST_KINDS = new Set(["ask_to_discuss", "sampled"]);

export const DEFAULT_SETTINGS = { queue_age_days: 60, sample_size: 2, sample_size_new: 4 };

export const PAGE_SIZE = 20;

// Why something is in the queue, in the order the filter offers them.
export const REASONS = [
  ["approval", N_("Red: needs approval")],
  ["yellow", N_("Yellow: to talk through")],
  ["asked", N_("Asked to discuss")],
  ["sample", N_("Monthly sample")],
];

// A worker is new for this long after their first allocated family.
const NEW_WORKER_MONTHS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

function daysBetween(fromIso, today) {
  if (!fromIso) return 0;
  const from = Date.parse(`${localDateOf(fromIso)}T00:00:00Z`);
  const to = Date.parse(`${today}T00:00:00Z`);
  return Math.max(0, Math.round((to - from) / DAY_MS));
}

function signedAt(record) {
  return record.device_signed_at || record.signed_at || record.updated_at || record.created_at || "";
}

function writtenAt(review) {
  return review.device_written_at || review.created_at || review.signed_at || "";
}

/** Return the requests (asks and samples) no "discussed" has closed, by the id of what they are about. */
export function openRequests(data) {
  const reviews = data.all("review");
  const closed = new Set(reviews.filter((review) => review.review_kind === "discussed" && review.parent_id).map((review) => review.parent_id));
  const open = new Map();
  for (const review of reviews) {
    if (REQUEST_KINDS.has(review.review_kind) && !closed.has(review.id) && !open.has(review.target_id)) {
      open.set(review.target_id, review);
    }
  }
  return open;
}

/** Return the open ask or sample on one note or decision, if any. */
export function openRequestOn(data, targetId) {
  return openRequests(data).get(targetId) || null;
}

/**
 * Return who may approve or decline a red decision: "me", someone named
 * (their id), or "another" (any supervisor of the team but its author).
 * A decision made in group supervision goes to the approver the council's
 * policy names: the session's facilitator, or another supervisor.
 */
export function approverOf(data, judgment, policy) {
  const discussion = judgment.supervision_discussion_id && data.get("supervision_discussion", judgment.supervision_discussion_id);
  const session = discussion && data.get("supervision_session", discussion.session_id);
  const rule = policy?.group_supervision_approver || "facilitator";
  if (session && rule === "facilitator") {
    return { named: session.facilitator_id, ownAllowed: true };
  }
  return { named: null, ownAllowed: false };
}

/** Return whether this supervisor may approve or decline a red decision now. */
export function mayDecide(data, judgment, user, policy) {
  if (user?.role !== "supervisor" || judgment?.state !== "signed" || judgment.status !== "awaiting_approval") return false;
  const { named, ownAllowed } = approverOf(data, judgment, policy);
  if (named) return named === user.id;
  const author = judgment.created_by_id || (judgment.unsynced ? user.id : null);
  return ownAllowed || author !== user.id;
}

/**
 * Return what waits for supervision, each entry once with every reason it is
 * there: red decisions first (the longest waiting first), then the rest newest
 * first (or oldest first with `order: "oldest"`). Entries past the team's age
 * that nobody asked about are marked `old` and left out unless `includeOld`.
 */
/**
 * @param {object} data
 * @param {{me: string, settings?: typeof DEFAULT_SETTINGS, policy?: object | null, today: string,
 *   includeOld?: boolean, order?: "newest" | "oldest"}} options
 */
export function reviewQueue(data, { me, settings = DEFAULT_SETTINGS, policy = null, today, includeOld = false, order = "newest" }) {
  const user = { id: me, role: "supervisor" };
  const maxAge = settings?.queue_age_days ?? DEFAULT_SETTINGS.queue_age_days;
  const entries = new Map();
  const add = (kind, record, reason, at, extra = {}) => {
    const family = data.get("family", record.family_id);
    if (!family) return;
    let entry = entries.get(record.id);
    if (!entry) {
      entry = { kind, record, family, authorId: record.created_by_id, reasons: [], at, forMe: false, request: null };
      entries.set(record.id, entry);
    }
    entry.reasons.push(reason);
    if (at > entry.at) entry.at = at;
    Object.assign(entry, extra);
  };
  for (const judgment of data.all("judgment")) {
    if (judgment.state !== "signed") continue;
    // A proposal to end our work waits for agreement whatever its light.
    if ((judgment.light === "red" || judgment.ending) && judgment.status === "awaiting_approval") {
      const mine = judgment.created_by_id === me;
      const forMe = mayDecide(data, judgment, user, policy);
      if (forMe || !mine) add("judgment", judgment, "approval", signedAt(judgment), { forMe, approver: approverOf(data, judgment, policy).named });
    } else if (judgment.status === "verbal_approval") {
      // Agreed by phone: it waits for the supervisor who agreed to confirm it, at the top with red decisions.
      const agreed = verbalApprovalOf(data, judgment.id);
      const forMe = Boolean(agreed) && agreed.agreed_by_id === me;
      if (forMe || judgment.created_by_id !== me) add("judgment", judgment, "approval", signedAt(judgment), { forMe, approver: agreed?.agreed_by_id || null, verbal: agreed });
    } else if (judgment.light === "yellow" && judgment.status === "awaiting_discussion" && judgment.created_by_id !== me) {
      add("judgment", judgment, "yellow", signedAt(judgment));
    }
  }
  for (const [targetId, request] of openRequests(data)) {
    const kind = request.target_kind;
    const record = data.get(kind, targetId);
    if (!record || record.created_by_id === me) continue;
    const reason = request.review_kind === "ask_to_discuss" ? "asked" : "sample";
    add(kind, record, reason, writtenAt(request), { request });
  }
  const all = [...entries.values()].map((entry) => {
    const age = daysBetween(entry.at, today);
    const kept = entry.reasons.some((reason) => reason === "approval" || reason === "asked");
    return { ...entry, ageDays: age, old: !kept && age > maxAge };
  });
  const shown = includeOld ? all : all.filter((entry) => !entry.old);
  const red = (entry) => entry.reasons.includes("approval");
  const direction = order === "oldest" ? 1 : -1;
  return shown.sort(
    (a, b) =>
      Number(red(b)) - Number(red(a)) ||
      (red(a) ? a.at.localeCompare(b.at) : direction * a.at.localeCompare(b.at)) ||
      a.record.id.localeCompare(b.record.id),
  );
}

function matchesFamily(family, text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return true;
  return (family.display_name || "").toLowerCase().includes(wanted) || (family.local_reference || "").toLowerCase().includes(wanted);
}

/**
 * Keep the entries the filters ask for. `reasons` is a list (empty means all);
 * `family` matches a family's name or reference; `awaitingApproval` keeps
 * exactly the red decisions this supervisor may decide.
 */
export function filterQueue(entries, { worker = "", family = "", reasons = [], awaitingApproval = false } = {}) {
  return entries.filter(
    (entry) =>
      (!worker || entry.authorId === worker) &&
      matchesFamily(entry.family, family) &&
      (!reasons.length || entry.reasons.some((reason) => reasons.includes(reason))) &&
      (!awaitingApproval || (entry.reasons.includes("approval") && entry.forMe)),
  );
}

/** Return one page of entries (1-based), with the page count. */
export function pageOf(entries, page = 1, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(entries.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: entries.slice((current - 1) * size, current * size), page: current, pages, total: entries.length };
}

/** Return the workers who wrote something in the queue, for the filter. */
export function authorsOf(entries) {
  return [...new Set(entries.map((entry) => entry.authorId).filter(Boolean))];
}

/** Return the day a worker was first allocated a family, from the assignments on this device. */
export function firstAllocation(data, workerId) {
  return data
    .all("assignment")
    .filter((assignment) => assignment.worker_id === workerId && assignment.started_on)
    .reduce((first, assignment) => (!first || assignment.started_on < first ? assignment.started_on : first), null);
}

function addMonths(isoDate, months) {
  const [year, month, day] = isoDate.split("-").map(Number);
  const when = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(when.getUTCFullYear(), when.getUTCMonth() + 1, 0)).getUTCDate();
  when.setUTCDate(Math.min(day, last));
  return when.toISOString().slice(0, 10);
}

/** Return whether a worker is in their first three months (from their first allocated family). */
export function isNewWorker(data, workerId, today) {
  const first = firstAllocation(data, workerId);
  return Boolean(first) && addMonths(first, NEW_WORKER_MONTHS) > today;
}

function shuffled(items, random) {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/**
 * Return the notes to draw into this month's sample, per worker of the team:
 * up to the team's sample size (larger for a worker in their first three
 * months) less what was drawn for them this month already, from their signed
 * notes of the last 31 days that are not already waiting. Notes only: a green
 * decision never enters the queue unless its worker asks.
 */
export function sampleToDraw(data, { me, workers, settings = DEFAULT_SETTINGS, today, random = Math.random }) {
  const month = today.slice(0, 7);
  const open = openRequests(data);
  const drawnThisMonth = new Map();
  for (const review of data.all("review")) {
    if (review.review_kind !== "sampled") continue;
    const when = writtenAt(review);
    if (when && (localDateOf(when) || when).slice(0, 7) !== month) continue;
    const target = data.get(review.target_kind, review.target_id);
    if (target) drawnThisMonth.set(target.created_by_id, (drawnThisMonth.get(target.created_by_id) || 0) + 1);
  }
  const since = addMonths(today, -1);
  const chosen = [];
  for (const workerId of workers) {
    if (workerId === me) continue;
    const size = isNewWorker(data, workerId, today) ? settings.sample_size_new : settings.sample_size;
    const wanted = size - (drawnThisMonth.get(workerId) || 0);
    if (wanted <= 0) continue;
    const candidates = data
      .all("note")
      .filter((note) => note.state === "signed" && note.created_by_id === workerId && !open.has(note.id) && data.get("family", note.family_id))
      .filter((note) => (localDateOf(signedAt(note)) || "") >= since);
    for (const note of shuffled(candidates, random).slice(0, wanted)) {
      chosen.push({ workerId, note });
    }
  }
  return chosen;
}
