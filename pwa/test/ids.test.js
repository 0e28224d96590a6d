import { describe, expect, it } from "vitest";
import { checklistItemId } from "../src/domain/ids.js";

describe("derived ids", () => {
  it("match the server's uuid5(checklist_id, item_key)", async () => {
    // Python: uuid.uuid5(uuid.UUID("01a22626-cb05-7315-95aa-9b6e9ac459d0"), "child_seen_alone")
    expect(await checklistItemId("01a22626-cb05-7315-95aa-9b6e9ac459d0", "child_seen_alone")).toBe(
      "636b53a7-e7ba-5cde-9d0f-ed70a7584aad",
    );
  });

  it("name an item about each child by its key and the child, as the server's checklist_item_id", async () => {
    // Python: checklist_item_id(uuid.UUID("01a22626-..."), "child_seen_alone", "0190f4b2-0000-7000-8000-00000000005a")
    expect(await checklistItemId("01a22626-cb05-7315-95aa-9b6e9ac459d0", "child_seen_alone", "0190f4b2-0000-7000-8000-00000000005a")).toBe(
      "d7f73cf5-30e0-5b6b-981b-d1afe8113530",
    );
  });
});
