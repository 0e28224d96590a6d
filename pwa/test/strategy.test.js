import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { useBankHolidays } from "../src/domain/bank-holidays.js";
import { enquiryOf, openEnquiries, startsS47 } from "../src/domain/strategy.js";
import { teamView } from "../src/domain/team.js";
import { parseDate } from "../src/domain/timescales.js";
import { LocalData } from "../src/store.js";

const cases = JSON.parse(readFileSync(new URL("../../tests/fixtures/timescales.json", import.meta.url)));
const years = Object.keys(cases.holidays).map(Number);
const table = { first_year: Math.min(...years), last_year: Math.max(...years), days: Object.values(cases.holidays).flat() };

function record(entity, id, data) {
  return { entity, id, version: 1, family_id: data.family_id ?? null, data: { id, version: 1, ...data } };
}

const family = (id, name) => record("family", id, { display_name: name, status: "open", created_at: "2026-01-05T09:00:00+00:00" });
const discussion = (id, familyId, discussedAt, decision, extra = {}) =>
  record("strategy_discussion", id, { family_id: familyId, discussed_at: discussedAt, decision, child_ids: ["c1"], state: "signed", ...extra });

function dataOf(records) {
  const data = new LocalData();
  data.load({ records, outbox: [], notices: [] });
  return data;
}

beforeEach(() => useBankHolidays(table));
afterEach(() => useBankHolidays(null));

describe("section 47 enquiries", () => {
  it("starts an enquiry on a joint or single-agency decision or immediate protection, not otherwise", () => {
    expect(["joint_s47", "single_agency_s47", "immediate_protection"].every(startsS47)).toBe(true);
    expect(startsS47("no_further_action")).toBe(false);
    expect(startsS47("section_17_assessment")).toBe(false);
  });

  it("works out the ICPC's due date before the server has, past Christmas and New Year", () => {
    const made = { decision: "joint_s47", discussed_at: "2026-12-17T16:30:00+00:00" };
    expect(enquiryOf(made)).toEqual({ started: "2026-12-17", due: "2027-01-12", held: null });
    expect(enquiryOf({ ...made, decision: "no_further_action" })).toBe(null);
    // Once synced, the server's dates are the record's.
    expect(enquiryOf({ ...made, s47_started_on: "2026-12-17", icpc_due_on: "2027-01-12", icpc_held_on: "2027-01-08" }).held).toBe("2027-01-08");
  });

  it("lists open enquiries for the team view, the soonest due first, late ones marked", () => {
    const data = dataOf([
      family("f-okoro", "Okoro"),
      family("f-singh", "Singh"),
      family("f-patel", "Patel"),
      // Due 23 March 2026: late on the 24th.
      discussion("s1", "f-okoro", "2026-03-02T10:00:00+00:00", "joint_s47"),
      // Due 8 April 2026 (Good Friday and Easter Monday do not count).
      discussion("s2", "f-singh", "2026-03-16T10:00:00+00:00", "single_agency_s47"),
      // Held: no longer open. No further action: never an enquiry.
      discussion("s3", "f-patel", "2026-03-02T10:00:00+00:00", "joint_s47", { icpc_held_on: "2026-03-20" }),
      discussion("s4", "f-patel", "2026-03-10T10:00:00+00:00", "no_further_action"),
    ]);
    const families = ["f-okoro", "f-singh", "f-patel"].map((id) => data.get("family", id));
    const rows = openEnquiries(data, families, parseDate("2026-03-24"));
    expect(rows.map((row) => [row.family.display_name, row.due, row.late, row.workingDaysLeft])).toEqual([
      ["Okoro", "2026-03-23", true, -1],
      ["Singh", "2026-04-08", false, 9],
    ]);
    const view = teamView(data, { today: parseDate("2026-03-24") });
    expect(view.compliance.enquiries.map((row) => row.discussion.id)).toEqual(["s1", "s2"]);
  });
});
