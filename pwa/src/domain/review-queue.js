// The supervisor's review queue: the team's signed relational notes and
// judgment entries that supervision has not closed yet, oldest first.
// A supervisor's device holds the team's families, so the queue is built
// from what is on the device and works offline.

// Judgments stay in the queue while they wait for the supervisor. Approved,
// declined and discussed entries are closed.
const WAITING = new Set(["awaiting_discussion", "awaiting_approval"]);

export const KINDS = [
  ["note", "Relational notes"],
  ["judgment", "Judgment log entries"],
];

export const LIGHTS = [
  ["green", "Green: the worker decides"],
  ["yellow", "Yellow: to discuss"],
  ["red", "Red: needs approval"],
];

function commentsOn(data) {
  const count = new Map();
  for (const review of data.all("review")) {
    count.set(review.target_id, (count.get(review.target_id) || 0) + 1);
  }
  return count;
}

/**
 * Return what waits for supervision, oldest signed first.
 *
 * Notes: signed and not yet marked "discussed". Judgments: waiting for
 * discussion or approval, and green ones nobody has responded to yet: a
 * green decision is the worker's to make and never blocks, but supervision is
 * a conversation, so a new one shows once until the supervisor has seen it
 * and said something (any comment takes it off the queue; "discussed" is not
 * possible for green entries). The supervisor's own entries are left out:
 * they cannot review themselves.
 */
export function reviewQueue(data, { me } = {}) {
  const comments = commentsOn(data);
  const item = (kind, record) => ({
    kind,
    record,
    family: data.get("family", record.family_id),
    authorId: record.created_by_id,
    signedAt: record.device_signed_at || record.signed_at || record.updated_at || record.created_at || "",
    light: kind === "judgment" ? record.light : null,
    status: kind === "judgment" ? record.status : record.review_status,
    comments: comments.get(record.id) || 0,
  });
  const notes = data
    .all("note")
    .filter((note) => note.state === "signed" && note.review_status !== "discussed")
    .map((note) => item("note", note));
  const judgments = data
    .all("judgment")
    .filter(
      (entry) =>
        entry.state === "signed" &&
        (WAITING.has(entry.status) || (entry.status === "logged" && !comments.get(entry.id))),
    )
    .map((entry) => item("judgment", entry));
  return [...notes, ...judgments]
    .filter((entry) => entry.family && (!me || entry.authorId !== me))
    .sort((a, b) => a.signedAt.localeCompare(b.signedAt) || a.record.id.localeCompare(b.record.id));
}

/**
 * Keep the entries the filters ask for. `kinds` and `lights` are lists (empty
 * means all); a light applies to judgments only, so choosing one leaves notes out.
 */
export function filterQueue(entries, { worker = "", kinds = [], lights = [], awaitingApproval = false } = {}) {
  return entries.filter(
    (entry) =>
      (!worker || entry.authorId === worker) &&
      (!kinds.length || kinds.includes(entry.kind)) &&
      (!lights.length || (entry.kind === "judgment" && lights.includes(entry.light))) &&
      (!awaitingApproval || entry.status === "awaiting_approval"),
  );
}

/** Return the workers who wrote something in the queue, for the filter. */
export function authorsOf(entries) {
  return [...new Set(entries.map((entry) => entry.authorId).filter(Boolean))];
}
