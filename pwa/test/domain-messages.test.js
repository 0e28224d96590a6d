// The domain's checks say what is wrong in the worker's language, through the
// real catalogue (locales/cy.po): the screens show the message as it comes,
// with no table of English messages of their own. English stays exactly as it was.
import { afterEach, describe, expect, it } from "vitest";
import { welsh } from "./welsh-catalogue.js";
import { useCatalogue } from "../src/i18n.js";
import { checkCensusDetails } from "../src/domain/census-details.js";
import { checkEnding } from "../src/domain/endings.js";
import { checkPlanChange, checkPlanCorrection } from "../src/domain/plans.js";
import { describeChanges, readPolicyForm } from "../src/domain/policy.js";
import { checkReferral } from "../src/domain/referrals.js";
import { parseContactDays } from "../src/domain/team.js";

const TODAY = "2026-07-01";
const ENDED = { id: "e1", plan_type: "early_help", started_on: "2026-01-05", ended_on: "2026-03-31", end_reason: "aims_met" };
const POLICY = [
  { key: "visits", label: "Visits", light: "green" },
  { key: "school", label: "Share with school", light: "yellow" },
];

afterEach(() => useCatalogue("en"));

describe("the domain's messages", () => {
  it("come in English, word for word as before, when the worker speaks English", () => {
    useCatalogue("en");
    expect(checkPlanChange({ plan_type: "" }, null, TODAY)).toEqual({ plan_type: "Choose the plan the child is on now" });
    expect(checkPlanCorrection({ fields: ["started_on"], started_on: "2026-01-05", reason: "" }, ENDED, TODAY)).toEqual({
      started_on: "The plan already says this: correct the date it started, or untick it",
      reason: "Enter why you are correcting the plan",
    });
    expect(checkReferral({ referred_on: "2026-08-01" }, TODAY).referred_on).toBe("The date of the referral must be today or in the past");
    expect(parseContactDays("0").error).toBe("The number of days must be between 1 and 365");
    expect(describeChanges(POLICY, [{ ...POLICY[0], light: "red" }, POLICY[1]])[0].sentence).toBe("‘Visits’ goes from green to red.");
  });

  it("come in Welsh when the worker speaks Welsh", () => {
    useCatalogue("cy", welsh());
    expect(checkPlanChange({ plan_type: "" }, null, TODAY).plan_type).toBe("Dewiswch y cynllun y mae'r plentyn arno nawr");
    const correction = checkPlanCorrection({ fields: ["started_on"], started_on: "2026-01-05", reason: "" }, ENDED, TODAY);
    expect(correction.started_on).toMatch(/^Mae'r cynllun yn dweud hyn yn barod/);
    expect(correction.started_on).toContain("y dyddiad");
    expect(checkEnding({}, []).kind).toBe(welsh()["Choose how our work with the family ends"]);
    expect(checkCensusDetails({ upn: "A12" }, {}).upn).toBe(welsh()["A unique pupil number is 13 characters: a letter, 11 numbers, then a number (or a letter, for a temporary number)"]);
    expect(parseContactDays("").error).toBe(welsh()["Enter a number of days"]);
    const { errors } = readPolicyForm({ "label-0": "", "light-0": "green" }, [POLICY[0]], 0);
    expect(errors["label-0"]).toBe("Rhowch enw ar gyfer y categori ‘Visits’");
    expect(describeChanges(POLICY, [{ ...POLICY[0], light: "red" }, POLICY[1]])[0].sentence).toBe("Mae ‘Visits’ yn newid o olau gwyrdd i olau coch.");
  });

  it("leave no check in English when the worker speaks Welsh", () => {
    const catalogue = welsh();
    useCatalogue("cy", catalogue);
    const messages = [
      ...Object.values(checkPlanChange({ plan_type: "child_protection", started_on: "2027-01-01", initial_conference_on: null }, { plan_type: "early_help", started_on: "2026-01-01" }, TODAY)),
      ...Object.values(checkReferral({ referred_on: "2026-06-01", assessment_started_on: "2026-05-01", no_further_action: true, assessment_authorised_on: "2026-04-01", assessment_factors: ["21", "1A"] }, TODAY)),
      ...Object.values(checkEnding({ kind: "closure" }, [])),
    ];
    expect(messages.length).toBeGreaterThan(8);
    const english = new Set(Object.keys(catalogue));
    expect(messages.filter((message) => english.has(message) || /\b(the|and|your|you)\b/.test(message))).toEqual([]);
  });
});
