// Code lists in Welsh: a label marked N_("…") in the app, or sent by the server
// in English (server/data/vocabularies.json), shows in the worker's language
// through the real catalogue (locales/cy.po), while the code sent back never
// changes. English stays exactly as it was.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { welsh } from "./welsh-catalogue.js";
import { N_, t, useCatalogue } from "../src/i18n.js";
import { statusLabel } from "../src/domain/conference.js";
import { LIGHT_CHOICES } from "../src/domain/policy.js";
import { correctableFields } from "../src/domain/plans.js";
import { checkboxes, radios, select } from "../src/ui/forms.js";

const vocabularies = JSON.parse(readFileSync(fileURLToPath(new URL("../../server/data/vocabularies.json", import.meta.url)), "utf8"));

afterEach(() => useCatalogue("en"));

describe("code-list labels", () => {
  it("marks a label without translating it", () => {
    useCatalogue("cy", welsh());
    expect(N_("Closed")).toBe("Closed");
  });

  it("shows the app's own code list in Welsh, with the codes unchanged", () => {
    useCatalogue("cy", welsh());
    const field = String(select({ name: "light", label: "Light", options: LIGHT_CHOICES, value: "red" }));
    expect(field).toContain('<option value="red" selected>Coch: rhaid i oruchwyliwr ei gymeradwyo cyn i&#39;r gweithiwr weithredu</option>');
    expect(field).toContain('value="green"');
    expect(field).not.toContain("Green: the worker decides");
    expect(statusLabel("held")).toBe("Cynhadledd wedi'i chynnal");
    expect(correctableFields({ plan_type: "child_in_need" })[0]).toEqual(["started_on", "Y dyddiad y dechreuodd"]);
  });

  it("shows the server's census codes in Welsh in radios and checkboxes", () => {
    useCatalogue("cy", welsh());
    const ethnicity = Object.entries(vocabularies.ethnicity);
    const radioField = String(radios({ name: "ethnicity", legend: "Ethnicity", options: ethnicity, value: "WBRI" }));
    expect(radioField).toContain("Gwyn Prydeinig</label>");
    expect(radioField).toContain('value="WBRI" checked');
    const factors = Object.entries(vocabularies.cin_assessment_factor);
    const boxes = String(checkboxes({ name: "factors", legend: "Factors", options: factors }));
    expect(boxes).toContain("Camddefnyddio alcohol: pryderon am y plentyn</label>");
  });

  it("has a Welsh label for every label of every server code list", () => {
    const messages = welsh();
    const missing = Object.values(vocabularies).flatMap((labels) => Object.values(labels).filter((label) => !messages[label]));
    expect(missing).toEqual([]);
  });

  it("leaves English byte for byte as it was", () => {
    const field = String(select({ name: "light", label: "Light", options: LIGHT_CHOICES, value: "green" }));
    expect(field).toContain('<option value="green" selected>Green: the worker decides and logs it</option>');
    expect(statusLabel("held")).toBe("Conference held");
    expect(t("White British")).toBe("White British");
  });
});
