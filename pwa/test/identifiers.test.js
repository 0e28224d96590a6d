import { describe, expect, it } from "vitest";
import { IdentifierKind, collectIdentifiers, familyPossessive, findIdentifiers } from "../src/domain/identifiers.js";

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
const relationships = [
  { id: "r1", family_id: "f1", from_person_id: "p1", to_organisation: "Oakfield Primary School", organisation_kind: "school" },
  { id: "r2", family_id: "f1", from_person_id: "p2", to_organisation: "St Mary’s Church" },
  { id: "r3", family_id: "f1", from_person_id: "p2", to_person_id: "p1", type: "SIB" },
  { id: "r4", family_id: "f1", from_person_id: "p1", to_organisation: "The Youth Club" },
];
const identifiers = collectIdentifiers({ families, people, relationships });
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

describe("organisations on the family's network map", () => {
  it("are found by their whole name, with whose network they are on", () => {
    expect(find("He goes to oakfield primary school.")).toEqual([
      expect.objectContaining({
        kind: IdentifierKind.NAME,
        text: "oakfield primary school",
        about: "an organisation in the Okoro family's network",
      }),
    ]);
  });

  it("are found by their own name without the words that say what kind they are", () => {
    expect(texts("The head at Oakfield called me.")).toEqual(["Oakfield"]);
    expect(texts("Oakfield Primary rang")).toEqual(["Oakfield"]);
  });

  it("match straight and curly apostrophes alike", () => {
    expect(texts("She sings at St Mary's church")).toEqual(["St Mary's church"]);
    expect(texts("She sings at St Mary’s")).toEqual(["St Mary’s"]);
  });

  it("are not shortened to a word too short or too common to identify anyone", () => {
    expect(texts("He likes the youth club")).toEqual(["the youth club"]);
    expect(find("He likes the youth")).toEqual([]);
    expect(find("A primary school and a church")).toEqual([]);
  });

  it("are not shortened to the family's town", () => {
    const local = collectIdentifiers({ families, relationships: [{ family_id: "f1", to_organisation: "Northtown Primary School" }] });
    expect(findIdentifiers("a school in Northtown", local)).toEqual([]);
    expect(findIdentifiers("at Northtown Primary School", local).map((hit) => hit.text)).toEqual(["Northtown Primary School"]);
  });

  it("come only from relationships to an organisation, on any family on the device", () => {
    const other = collectIdentifiers({
      families: [{ id: "f2", display_name: "Sikora family" }],
      relationships: [
        { family_id: "f2", to_organisation: "Riverside Academy" },
        { family_id: "f2", to_organisation: "  " },
        { family_id: "gone", to_organisation: "Hillcrest Surgery" },
      ],
    });
    expect(other.filter((identifier) => /network/.test(identifier.about)).map((identifier) => [identifier.value, identifier.about])).toEqual([
      ["Riverside Academy", "an organisation in the Sikora family's network"],
      ["Riverside", "an organisation in the Sikora family's network"],
      ["Hillcrest Surgery", "an organisation in a family's network"],
      ["Hillcrest", "an organisation in a family's network"],
    ]);
  });
});

describe("a family's name in the warnings", () => {
  it.each([
    ["Okoro", "the Okoro family's"],
    ["Sikora family", "the Sikora family's"],
    ["Sikora Family", "the Sikora Family's"],
    ["The Nowak family", "the Nowak family's"],
    ["Familyton", "the Familyton family's"],
    ["", "the family's"],
  ])("say %j as %j, never “family family's”", (name, said) => {
    expect(familyPossessive(name)).toBe(said);
  });

  it("read well for a family whose name ends in “family”", () => {
    const sikora = collectIdentifiers({
      families: [{ id: "f2", display_name: "Sikora family", address: { line1: "7 Birch Road", postcode: "S2 4AB" }, local_reference: "CF-555" }],
    });
    const abouts = findIdentifiers("Sikora family, 7 Birch Road, S2 4AB, CF-555", sikora).map((hit) => hit.about);
    expect(abouts).toEqual([
      "the Sikora family's name",
      "the Sikora family's address",
      "the Sikora family's postcode",
      "the Sikora family's reference",
    ]);
    expect(abouts.join(" ")).not.toMatch(/family family/);
  });

  it("find the family's surname alone when its name ends in “family”", () => {
    const sikora = collectIdentifiers({ families: [{ id: "f2", display_name: "Sikora family" }] });
    expect(findIdentifiers("the Sikora children", sikora).map((hit) => [hit.text, hit.about])).toEqual([
      ["Sikora", "the Sikora family's name"],
    ]);
  });
});
