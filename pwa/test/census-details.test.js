import { describe, expect, it } from "vitest";
import { censusChanges, checkCensusDetails, tidyUpn } from "../src/domain/census-details.js";

const blank = { local_child_id: "", upn: "", former_upn: "", upn_unknown: "", expected_date_of_birth: "", sex: "", ethnicity: "", disabilities: [] };

describe("a child's census details", () => {
  it("takes a number typed with spaces and in small letters", () => {
    expect(tidyUpn(" b801 2000 05001 ")).toBe("B801200005001");
    expect(checkCensusDetails({ ...blank, upn: "b801200005001" }, {})).toEqual({});
  });

  it("refuses a mistyped number, and a number given with a reason there is none", () => {
    expect(checkCensusDetails({ ...blank, upn: "A801200005001" }, {})).toEqual({ upn: "The first letter does not match the rest of the number: check it" });
    expect(checkCensusDetails({ ...blank, upn: "B801200005001", upn_unknown: "UN1" }, {})).toEqual({ upn_unknown: "Give the unique pupil number or why there is none, not both" });
    expect(checkCensusDetails({ ...blank, upn: "B801200005001", former_upn: "B801200005001" }, {}).former_upn).toBe("The former number must differ from the number now");
  });

  it("asks for an expected date of birth only for a child not yet born", () => {
    expect(checkCensusDetails({ ...blank, expected_date_of_birth: "2026-05-01" }, { date_of_birth: "2020-01-01" })).toEqual({ expected_date_of_birth: "The child is born: there is a date of birth already" });
    expect(checkCensusDetails({ ...blank, expected_date_of_birth: null }, {})).toEqual({ expected_date_of_birth: "Enter a real date, like 27 3 2026" });
  });

  it("sends only what changed", () => {
    const person = { upn: null, upn_unknown: "UN1", sex: "female", ethnicity: "BAFR", disabilities: ["NONE"], local_child_id: "LC1" };
    const values = { ...blank, local_child_id: "LC1", upn: "b801200005001", sex: "female", ethnicity: "BAFR", disabilities: ["NONE"] };
    expect(censusChanges(person, values)).toEqual({ upn: "B801200005001", upn_unknown: null });
  });
});
