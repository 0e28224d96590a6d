import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assessmentStage, checkReferral, checkReferralForm, referralChanges, referralOf } from "../src/domain/referrals.js";

const TABLE = JSON.parse(readFileSync(new URL("../../tests/fixtures/referrals.json", import.meta.url)));
const CODES = { source: ["2A", "6", "10"], primary_need: ["N1", "N4"], factor: ["1B", "3B", "4B", "21"] };
const FORM = { referred_on: "2026-03-02", source: "6", primary_need: "", no_further_action: "no", assessment_started_on: "", assessment_authorised_on: "", assessment_factors: [] };

describe("a referral's rules, as the server's", () => {
  for (const item of TABLE.cases) {
    it(item.why, () => {
      expect(Object.keys(checkReferral(item.values, TABLE.today)).sort()).toEqual([...item.refused].sort());
    });
  }
});

describe("the referral form", () => {
  it("asks for the date of the referral and who made it", () => {
    expect(checkReferralForm({ ...FORM, referred_on: "", source: "" }, TABLE.today, CODES)).toEqual({
      referred_on: "Enter the date of the referral",
      source: "Choose who made the referral",
    });
    expect(checkReferralForm({ ...FORM, referred_on: null }, TABLE.today, CODES).referred_on).toBe("The date of the referral must be a real date, for example 27 3 2026");
  });

  it("asks for the factors of an authorised assessment, or that there were none", () => {
    const authorised = { ...FORM, assessment_started_on: "2026-03-03", assessment_authorised_on: "2026-03-16" };
    expect(checkReferralForm(authorised, TABLE.today, CODES)).toEqual({
      assessment_factors: "Choose the factors the assessment identified, or ‘No factors identified’",
    });
    expect(checkReferralForm({ ...authorised, assessment_factors: ["21"] }, TABLE.today, CODES)).toEqual({});
    expect(checkReferralForm({ ...authorised, assessment_factors: ["21", "3B"] }, TABLE.today, CODES)).toEqual({
      assessment_factors: "Choose ‘No factors identified’ or the factors, not both",
    });
  });

  it("says a date that is not real before comparing dates", () => {
    const errors = checkReferralForm({ ...FORM, assessment_started_on: null, assessment_authorised_on: "2026-03-10" }, TABLE.today, CODES);
    expect(errors.assessment_started_on).toBe("The date the assessment started must be a real date, for example 27 3 2026");
  });

  it("refuses no further action with an assessment", () => {
    expect(checkReferralForm({ ...FORM, no_further_action: "yes", assessment_started_on: "2026-03-03" }, TABLE.today, CODES)).toEqual({
      no_further_action: "A referral with no further action has no assessment: choose ‘No’, or remove the assessment's dates",
    });
  });

  it("sends only what changed, so a change made elsewhere meanwhile is kept", () => {
    const referral = { referred_on: "2026-03-02", source: "6", primary_need: "N1", no_further_action: false, assessment_started_on: "2026-03-03", assessment_authorised_on: "2026-03-16", assessment_factors: [] };
    const values = { ...FORM, primary_need: "N1", assessment_started_on: "2026-03-03", assessment_authorised_on: "2026-03-16", assessment_factors: ["3B", "4B"] };
    expect(referralChanges(referral, values)).toEqual({ assessment_factors: ["3B", "4B"] });
    expect(referralChanges({ ...referral, assessment_factors: ["3B", "4B"] }, values)).toEqual({});
  });

  it("names what is left to record", () => {
    expect(assessmentStage(referralOf({ ...FORM, no_further_action: "yes" }))).toBe("No further action");
    expect(assessmentStage(referralOf(FORM))).toBe("Assessment not started");
    expect(assessmentStage(referralOf({ ...FORM, assessment_started_on: "2026-03-03" }))).toBe("Assessment started");
    expect(assessmentStage(referralOf({ ...FORM, assessment_started_on: "2026-03-03", assessment_authorised_on: "2026-03-10" }))).toBe("Authorised: factors not recorded");
    expect(assessmentStage(referralOf({ ...FORM, assessment_started_on: "2026-03-03", assessment_authorised_on: "2026-03-10", assessment_factors: ["3B"] }))).toBe("Assessment authorised");
  });
});
