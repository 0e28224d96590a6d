// Whether a user of a role that works online is signed in on the server.

import { get, setCsrfToken } from "../sync/api.js";

/** Make sure a user of this role is signed in on the server; resume a session after a reload. */
export async function signedInAs(session, role) {
  if (session.user?.role === role) {
    return true;
  }
  try {
    const current = await get("/api/auth/session");
    setCsrfToken(current.csrf_token);
    session.user = current.user;
    return current.user.role === role;
  } catch {
    return false;
  }
}
