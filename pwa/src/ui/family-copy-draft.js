// Drafting a family copy of a signed note, for the whole household.

import { newId } from "../domain/ids.js";
import { ENGLISH, currentLanguage, isLanguage } from "../i18n.js";
import { draftFromNote } from "../domain/family-copy.js";
import { formatDate } from "./layout.js";
import { familyMembers } from "./people.js";

/** Make a family copy of a signed note (drafted from it, for the whole household, in the language chosen) and open it. */
export async function makeFamilyCopy(context, note, language = currentLanguage()) {
  const { data } = context;
  const actions = data.ofFamily("plan_action", note.family_id);
  const id = newId();
  await context.session.sync.enqueue("family_copy", "create", id, {
    family_id: note.family_id,
    note_id: note.id,
    household_ids: familyMembers(data, note.family_id).map(({ person }) => person.id),
    sections: draftFromNote(note, actions, formatDate),
    language: isLanguage(language) ? language : ENGLISH,
  });
  context.go(`#/family-copy/${id}`);
}
