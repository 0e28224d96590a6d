// Roles whose work is online only and keeps nothing on the device: no
// passphrase, no caseload; each has one home screen read from the server.

export const ONLINE_HOME = {
  analyst: "#/summaries",
  performance_officer: "#/statutory-returns",
};

/** The home screen of an online-only role, or null for a role that works on the device. */
export const onlineHome = (role) => ONLINE_HOME[role] || null;
