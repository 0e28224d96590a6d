// Web Push on this device: ask the browser's permission, subscribe with the
// server's VAPID public key and register the subscription with the server;
// turning it off removes it from both. The server then wakes this device with
// a kind and an id at most; the service worker shows a notification with no
// personal data and the app syncs to show the detail.

import { get, post, request } from "./sync/api.js";

export const NotificationKinds = [
  ["review_reply", "A supervisor or colleague replies to one of your notes or decisions"],
  ["approval", "A decision you asked to have approved is approved or declined"],
  ["assignment", "A family is assigned or handed over to you"],
  ["visit_due", "A statutory visit is due within 2 working days"],
  ["visit_overdue", "The day a statutory visit was due passes with no visit"],
  ["consultation_reply", "A colleague replies to a consultation you asked"],
  ["decision_review_due", "A decision of yours reaches its review date"],
  ["escalation", "A worker escalates a declined decision to you"],
  ["verbal_approval", "A worker records that you agreed a decision by phone, for you to confirm"],
];

export const PushState = Object.freeze({
  UNSUPPORTED: "unsupported", // this browser has no Web Push
  DENIED: "denied", // the browser's permission is refused
  OFF: "off", // allowed or not asked yet, but not subscribed
  ON: "on", // subscribed on this device
});

/** Raised when the browser or its push service would not subscribe this device. */
export class SubscribeFailed extends Error {}

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// How long to wait for the service worker before saying notifications cannot work.
const WORKER_WAIT_MS = 10_000;

async function registration() {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new SubscribeFailed("the app's service worker is not running")), WORKER_WAIT_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Return where this device stands: unsupported, denied, off or on. */
export async function pushState() {
  if (!pushSupported()) {
    return PushState.UNSUPPORTED;
  }
  if (Notification.permission === "denied") {
    return PushState.DENIED;
  }
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription && Notification.permission === "granted" ? PushState.ON : PushState.OFF;
}

/** The key a push service wants: URL-safe base64 decoded to bytes. */
export function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (character) => character.charCodeAt(0));
}

/** Ask permission, subscribe and tell the server. Returns the new PushState. */
export async function turnOn() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    return permission === "denied" ? PushState.DENIED : PushState.OFF;
  }
  const { public_key: publicKey } = await get("/api/notifications/key");
  const pushManager = (await registration()).pushManager;
  let subscription;
  try {
    subscription = await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch (error) {
    throw new SubscribeFailed(error.message || String(error));
  }
  const { endpoint, keys } = subscription.toJSON();
  try {
    await post("/api/notifications/subscriptions", { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
  } catch (error) {
    await subscription.unsubscribe().catch(() => {}); // a subscription the server does not know is no use
    throw error;
  }
  return PushState.ON;
}

/** Tell the server to stop, then drop the browser's subscription. */
export async function turnOff() {
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) {
    await post("/api/notifications/subscriptions/remove", { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }
  return PushState.OFF;
}

export async function loadPreferences() {
  return get("/api/notifications/preferences");
}

/** Save which kinds are on: every kind listed, on when in `chosen`. */
export async function savePreferences(chosen) {
  const body = Object.fromEntries(NotificationKinds.map(([kind]) => [kind, chosen.includes(kind)]));
  return request("PUT", "/api/notifications/preferences", body);
}

/**
 * Show a notification from the open app (a reply to your consultation: the
 * server cannot send it, it does not know who asked). No personal data.
 */
export async function showLocalNotification(kind, id, body) {
  if (!pushSupported() || Notification.permission !== "granted") {
    return false;
  }
  const worker = await registration();
  await worker.showNotification("Family Fieldwork", { body, tag: kind, data: { kind, id, url: `/#/open/${kind}/${id}` } });
  return true;
}
