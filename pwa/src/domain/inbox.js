// The inbox: supervision conversations that are waiting for me. Supervision
// is a conversation on a signed note or decision (the `review` records: a
// comment or question starts a thread, replies hang under it). A thread is
// mine when I wrote the record it is about or said something in it; it waits
// for me when the last word in it is someone else's. An acknowledgement
// ("read, no reply needed") closes a thread for everyone. Built from what the
// device holds, so it works offline, and a reply made here counts at once.

const STARTS = new Set(["comment", "question", "ask_to_discuss"]);
const FOLLOWS = new Set(["reply", "acknowledgement"]);

/** Return who wrote a record: the server says; one made on this device and not synced yet is mine. */
function authorOf(record, me) {
  return record.created_by_id || (record.unsynced ? me : null);
}

/** Order records oldest first; those not synced yet (no server time) last, in the order they were made. */
function oldestFirst(records) {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => {
      const at = a.record.created_at;
      const bt = b.record.created_at;
      if (!at || !bt) return (at ? 0 : 1) - (bt ? 0 : 1) || a.index - b.index;
      return at < bt ? -1 : at > bt ? 1 : a.index - b.index;
    })
    .map(({ record }) => record);
}

/**
 * Return a function giving each review the review its thread starts from (its
 * first ancestor among these reviews), safe against a loop of parents.
 */
export function threadRoots(reviews) {
  const byId = new Map(reviews.map((review) => [review.id, review]));
  return (review) => {
    let current = review;
    const seen = new Set();
    while (current.parent_id && byId.has(current.parent_id) && !seen.has(current.id)) {
      seen.add(current.id);
      current = byId.get(current.parent_id);
    }
    return current;
  };
}

function threadsOf(reviews) {
  const byId = new Map(reviews.map((review) => [review.id, review]));
  const rootOf = threadRoots(reviews);
  const threads = new Map();
  for (const review of reviews) {
    const root = rootOf(review);
    if (!STARTS.has(root.review_kind)) continue;
    if (review !== root && !FOLLOWS.has(review.review_kind)) continue;
    if (!threads.has(root.id)) threads.set(root.id, []);
    threads.get(root.id).push(review);
  }
  return [...threads.entries()].map(([rootId, messages]) => ({ root: byId.get(rootId), messages: oldestFirst(messages) }));
}

/**
 * Return the supervision threads addressed to me, each as {root, messages,
 * targetKind, target, family, latest (the last message someone else wrote),
 * waiting (true when the last word is theirs)}: `waiting` first, then
 * `answered`, each with the most recent first.
 */
export function inboxOf(data, { me }) {
  const waiting = [];
  const answered = [];
  for (const { root, messages } of threadsOf(data.all("review"))) {
    const targetKind = root.target_kind;
    const target = data.get(targetKind, root.target_id);
    const family = target && data.get("family", target.family_id);
    if (!family) continue; // the family is no longer on this device
    const people = new Set([authorOf(target, me), ...messages.map((message) => authorOf(message, me))]);
    if (!people.has(me)) continue;
    const fromOthers = messages.filter((message) => authorOf(message, me) !== me && message.review_kind !== "acknowledgement");
    if (!fromOthers.length) continue; // only my own words so far
    const last = messages.at(-1);
    const entry = {
      root,
      messages,
      targetKind,
      target,
      family,
      latest: fromOthers.at(-1),
      last,
      waiting: authorOf(last, me) !== me && last.review_kind !== "acknowledgement",
    };
    (entry.waiting ? waiting : answered).push(entry);
  }
  const recentFirst = (list, pick) => oldestFirst(list.map(pick)).reverse().map((message) => list.find((entry) => pick(entry) === message));
  return {
    waiting: recentFirst(waiting, (entry) => entry.latest),
    answered: recentFirst(answered, (entry) => entry.last),
  };
}

/** Return how many threads wait for my reply (the count beside Inbox in the navigation). */
export function waitingCount(data, me) {
  return me ? inboxOf(data, { me }).waiting.length : 0;
}
