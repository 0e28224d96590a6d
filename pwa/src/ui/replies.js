// Following replies to this device's own consultations while the app is
// unlocked: after each sync, look for new replies; tell the worker with the
// in-app banner and, where notifications are allowed, a notification that
// says only that a colleague replied (never the title or the reply).

import { askerHeaders, myConsultations, watchForReplies } from "../my-consultations.js";
import { loadPreferences, showLocalNotification } from "../push.js";
import { ApiError, get } from "../sync/api.js";
import { t } from "../i18n.js";

/** Return a consultation with its replies (this device's own with its key), or null if it is gone. */
export async function fetchConsultation(id, item) {
  try {
    return await get(`/api/consultations/${id}`, askerHeaders(item));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Keep `onChange(itemsWithNewReplies)` current for this unlocked session. */
export async function followReplies(session, onChange) {
  const mine = await myConsultations(session);
  mine.addEventListener("change", () => onChange(mine.withNewReplies()));
  onChange(mine.withNewReplies());
  mine.addEventListener("new-replies", async (event) => {
    // The worker may have turned this kind off (the banner in the app still shows).
    const preferences = await loadPreferences().catch(() => null);
    if (preferences?.consultation_reply === false) return;
    for (const item of event.detail) {
      showLocalNotification("consultation_reply", item.id, t("A colleague replied to your consultation.")).catch(() => {});
    }
  });
  watchForReplies(session, fetchConsultation);
}
