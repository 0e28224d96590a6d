import { describe, expect, it } from "vitest";
import { IdentifierKind, collectIdentifiers, findIdentifiers } from "../src/domain/identifiers.js";

const families = [
  {
    id: "f1",
    display_name: "Okoro",
    local_reference: "CF-20931",
    address: { line1: "12 Acacia Avenue", town: "Northtown", postcode: "N1 9GU" },
    address_history: [{ line1: "Flat 3, 40 Mill Lane", postcode: "NE4 7PQ" }],
  },
];
const people = [
  { id: "p1", given_name: "Sam", family_name: "Okoro", date_of_birth: "2015-04-03", local_child_id: "CH7781" },
  { id: "p2", given_name: "Zoë", family_name: "Okoro", known_as: "Zo", date_of_birth: "2011-11-21" },
];
const identifiers = collectIdentifiers({ families, people });
const find = (text) => findIdentifiers(text, identifiers);
const texts = (text) => find(text).map((hit) => hit.text);

describe("names", () => {
  it("are found whatever their case, on word boundaries", () => {
    expect(texts("I am worried about SAM and his sister.")).toEqual(["SAM"]);
    expect(texts("sam's school called")).toEqual(["sam"]);
    expect(find("sam's school called")[0]).toMatchObject({ kind: IdentifierKind.NAME, about: "Sam Okoro's name" });
  });

  it("are not found inside other words", () => {
    expect(find("Samuel said the same thing; Okoroba is elsewhere.")).toEqual([]);
  });

  it("are found without their accents, and a full name once rather than its parts", () => {
    expect(texts("Zoe Okoro told me")).toEqual(["Zoe Okoro"]);
    expect(texts("zoë okoro told me")).toEqual(["zoë okoro"]);
  });

  it("warn once for a name written several times", () => {
    expect(texts("Sam, Sam and Sam again")).toEqual(["Sam"]);
  });

  it("skip a name of one letter", () => {
    const single = collectIdentifiers({ people: [{ given_name: "J", family_name: "" }] });
    expect(findIdentifiers("J went home", single)).toEqual([]);
  });
});

describe("dates of birth", () => {
  it.each([
    "03/04/2015",
    "3/4/2015",
    "3/4/15",
    "03.04.2015",
    "3-4-2015",
    "2015-04-03",
    "2015/4/3",
    "3 April 2015",
    "3rd April 2015",
    "3rd of april 2015",
    "3 Apr 2015",
    "3 Apr. 2015",
    "April 3, 2015",
    "APRIL 3RD 2015",
  ])("are found written as %s", (written) => {
    const hits = find(`The child, born ${written}, goes to school.`);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: IdentifierKind.DATE_OF_BIRTH, text: written, about: "Sam Okoro's date of birth" });
  });

  it.each(["04/03/2015", "3/4/2016", "13/4/2015", "3 May 2015", "33/4/2015", "3/4/20150", "2015-04-30"])(
    "are not found in another date, %s",
    (written) => {
      expect(find(`Seen on ${written}.`).filter((hit) => hit.kind === IdentifierKind.DATE_OF_BIRTH)).toEqual([]);
    },
  );

  it("mix separators only as the same date would", () => {
    expect(find("3/4-2015")).toEqual([]);
  });

  it("are found for two-digit days and months", () => {
    expect(texts("born 21/11/2011")).toEqual(["21/11/2011"]);
    expect(texts("born 21st November 2011")).toEqual(["21st November 2011"]);
  });
});

describe("addresses and postcodes", () => {
  it("find the address line, or the street without its number", () => {
    expect(find("They live at 12 acacia avenue.").map((hit) => hit.about)).toEqual(["the Okoro family's address"]);
    expect(find("A flat on Acacia  Avenue").map((hit) => hit.about)).toEqual(["the Okoro family's street"]);
  });

  it("include earlier addresses", () => {
    expect(texts("They used to live on Mill Lane")).toEqual(["Mill Lane"]);
  });

  it("find the family's postcode with or without its space", () => {
    expect(find("postcode n19gu").map((hit) => [hit.text, hit.about])).toEqual([["n19gu", "the Okoro family's postcode"]]);
    expect(texts("at N1 9GU.")).toEqual(["N1 9GU"]);
    expect(texts("at NE4 7PQ")).toEqual(["NE4 7PQ"]);
  });

  it("flag anything shaped like a postcode, even one not in the caseload", () => {
    expect(find("near SW1A 1AA")).toEqual([
      expect.objectContaining({ kind: IdentifierKind.POSTCODE, text: "SW1A 1AA", about: "something that looks like a postcode" }),
    ]);
  });

  it("leave a town alone", () => {
    expect(find("a family in Northtown")).toEqual([]);
  });
});

describe("references", () => {
  it("find a family's and a child's local reference, whatever the case", () => {
    expect(find("Ref cf-20931 and ch7781").map((hit) => hit.about)).toEqual([
      "the Okoro family's reference",
      "Sam Okoro's reference",
    ]);
  });

  it("do not find a reference inside a longer one", () => {
    expect(find("CF-209310")).toEqual([]);
  });
});

describe("a whole dilemma", () => {
  it("lists each identifier in the order it appears", () => {
    const hits = find("Sam (born 3 April 2015) lives at 12 Acacia Avenue, N1 9GU, with the Okoro family.");
    expect(hits.map((hit) => hit.kind)).toEqual([
      IdentifierKind.NAME,
      IdentifierKind.DATE_OF_BIRTH,
      IdentifierKind.ADDRESS,
      IdentifierKind.POSTCODE,
      IdentifierKind.NAME,
    ]);
  });

  it("finds nothing in an anonymised dilemma", () => {
    expect(find("A 9-year-old boy refuses to speak to me when his stepfather is in the room. What has worked for you?")).toEqual([]);
  });
});
