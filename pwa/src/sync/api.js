// Talking to the server: JSON over fetch, the CSRF token on every change,
// and the server's answers turned into errors the app can act on.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code || "error";
    this.errors = body?.errors || {};
    this.body = body;
    /** Seconds the server asked us to wait before trying again, when it said. @type {number | null} */
    this.retryAfter = null;
  }
}

/** The network is down or the server unreachable: try later, keep everything. */
export class Offline extends Error {}

/** The server revoked this device: its local data must be deleted. */
export class DeviceRevoked extends ApiError {}

/** The session ended (signed out elsewhere, timed out): sign in again to sync. */
export class SessionEnded extends ApiError {}

/**
 * Whether the server answered the last request. A request that got no answer
 * (no network, the server unreachable) makes the app offline until one does:
 * "unreachable" and "reachable" events say when that flips.
 */
class Connection extends EventTarget {
  reachable = true;

  answered() {
    this.#set(true);
  }

  unanswered() {
    this.#set(false);
  }

  #set(reachable) {
    if (this.reachable !== reachable) {
      this.reachable = reachable;
      this.dispatchEvent(new Event(reachable ? "reachable" : "unreachable"));
    }
  }
}

export const connection = new Connection();

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

export function hasCsrfToken() {
  return csrfToken !== null;
}

/**
 * Return the headers a change sent outside request() carries (an upload's
 * pieces, sent by the tus client): the same CSRF token as every other change.
 * @returns {Record<string, string>}
 */
export function csrfHeaders() {
  return csrfToken ? { "X-CSRF-Token": csrfToken } : {};
}

export async function request(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders, Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (method !== "GET" && csrfToken) {
    headers["X-CSRF-Token"] = csrfToken;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    connection.unanswered();
    throw new Offline(error.message);
  }
  connection.answered(); // any answer, even a refusal, means the server is reachable
  const text = await response.text();
  const reply = text ? JSON.parse(text) : null;
  if (response.ok) {
    return reply;
  }
  if (response.status === 401 && reply?.wipe) {
    throw new DeviceRevoked(401, reply);
  }
  if (response.status === 401 && reply?.code !== "invalid_credentials" && reply?.code !== "second_factor_required") {
    throw new SessionEnded(401, reply);
  }
  const error = new ApiError(response.status, reply);
  error.retryAfter = Number(response.headers.get("Retry-After")) || null;
  throw error;
}

export const post = (path, body, headers) => request("POST", path, body, headers);
export const get = (path, headers) => request("GET", path, undefined, headers);
