import { beforeEach, describe, expect, it } from "vitest";
import { setClock } from "../src/clock.js";
import { caseload } from "../src/domain/caseload.js";
import { LocalData } from "../src/store.js";
import { formatDate } from "../src/ui/layout.js";

const FAMILY = "11111111-1111-4111-8111-111111111111";
const record = (entity, id, data) => ({ entity, id, version: 1, family_id: data.family_id ?? null, data: { id, ...data } });

// 00:30 BST on Wednesday 1 July 2026 is still Tuesday 30 June in UTC: the
// caseload counts from the day it was in England, as "today" is counted.
const HALF_PAST_MIDNIGHT = "2026-06-30T23:30:00Z";

let data;

beforeEach(() => {
  setClock(() => Date.parse("2026-07-08T09:00:00Z"));
  data = new LocalData();
  data.putConfirmed([
    record("family", FAMILY, { family_id: FAMILY, display_name: "Okoro", status: "open", created_at: HALF_PAST_MIDNIGHT }),
    record("checklist_template", "t1", { active: true, purpose: "statutory_visit", name: "Statutory visit", timescale: { every: { count: 1, unit: "weeks" } } }),
    record("interaction", "i1", { family_id: FAMILY, occurred_at: HALF_PAST_MIDNIGHT, meaningful: true }),
  ]);
  data.changed();
});

describe("the caseload's dates", () => {
  it("counts a visit due from the day the family was opened here, not the UTC day", () => {
    const [row] = caseload(data);
    expect(row.nextVisit.due).toBe("2026-07-08"); // a week after 1 July
    expect(row.nextVisit.overdue).toBe(false);
  });

  it("dates a contact by the day it was here", () => {
    const [row] = caseload(data);
    expect(row.lastContact).toBe("2026-07-01");
    expect(row.daysSinceContact).toBe(7);
  });

  it("shows a moment on its local day, and a date as it is", () => {
    expect(formatDate(HALF_PAST_MIDNIGHT)).toBe("1 July 2026");
    expect(formatDate("2026-06-30")).toBe("30 June 2026");
  });
});
