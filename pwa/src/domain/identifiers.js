// Before a dilemma goes to peers, find anything in its text that could
// identify one of the asker's own families: a name (of a person or of an
// organisation on the family's network map, such as their school), a date of
// birth, an address or postcode, a local reference. Pure: the caller passes
// what the device holds and shows the warnings; nothing here leaves the device.
//
// Matching ignores case and accents and respects word boundaries ("Sam" is
// found in "Sam's school" but not in "Samuel" or "same"). A date of birth is
// found in the common UK ways of writing it. A street name is matched without
// its house number; a town alone is not an identifier and is not matched.

export const IdentifierKind = Object.freeze({
  NAME: "name",
  DATE_OF_BIRTH: "date_of_birth",
  ADDRESS: "address",
  POSTCODE: "postcode",
  REFERENCE: "reference",
});

const MIN_NAME_LENGTH = 2;
const MIN_REFERENCE_LENGTH = 3;
const MIN_STREET_LENGTH = 6;
// An organisation is also found by its own name without the words that say
// what kind it is ("Oakfield" of "Oakfield Primary School"), if that is this
// long. Only kinds whose names are usually a proper name: a club's or a
// centre's ("Youth Club", "Community Centre") is often a common word.
const MIN_ORGANISATION_STEM_LENGTH = 4;
const KIND_WORDS = new Set([
  "academy",
  "church",
  "college",
  "infant",
  "infants",
  "junior",
  "juniors",
  "nursery",
  "pre-school",
  "preschool",
  "primary",
  "school",
  "secondary",
  "surgery",
]);

const MONTHS = [
  ["january", "jan"],
  ["february", "feb"],
  ["march", "mar"],
  ["april", "apr"],
  ["may"],
  ["june", "jun"],
  ["july", "jul"],
  ["august", "aug"],
  ["september", "sept", "sep"],
  ["october", "oct"],
  ["november", "nov"],
  ["december", "dec"],
];

// Letters and digits of any script: a word boundary is where neither is.
const BEFORE = "(?<![\\p{L}\\p{N}])";
const AFTER = "(?![\\p{L}\\p{N}])";
// A full UK postcode: outward code, optional space, inward code.
const ANY_POSTCODE = /(?<![\p{L}\p{N}])[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}(?![\p{L}\p{N}])/giu;

/** Lower-case and strip accents, so "Zoë" and "ZOE" compare equal (and ’ and ' too). */
export function fold(text) {
  return String(text ?? "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[‘’]/g, "'")
    .toLowerCase();
}

/**
 * Say "the … family's" of a family, however its name is written:
 * "the Okoro family's", and "the Sikora family's" for "Sikora family".
 */
export function familyPossessive(displayName) {
  const name = String(displayName ?? "").trim().replace(/^the\s+/i, "");
  if (!name) return "the family's";
  return /(?:^|\s)family$/i.test(name) ? `the ${name}'s` : `the ${name} family's`;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern for a phrase: its words in order, any run of spaces or commas between them. */
function phrase(text) {
  return fold(text)
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(escapeRegExp)
    .join("[\\s,]+");
}

function bounded(source) {
  return new RegExp(`${BEFORE}(?:${source})${AFTER}`, "gu");
}

/** Return the patterns a date of birth (YYYY-MM-DD) is written with in the UK. */
export function datePatterns(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!match) {
    return [];
  }
  const [year, month, day] = [match[1], Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return [];
  }
  const shortYear = year.slice(2);
  const d = day < 10 ? `0?${day}` : `${day}`;
  const m = month < 10 ? `0?${month}` : `${month}`;
  const months = MONTHS[month - 1].join("|");
  const ordinal = `${d}(?:st|nd|rd|th)?`;
  const separated = (first, second, third) =>
    ["/", ".", "-"].map((mark) => [first, second, third].join(escapeRegExp(mark)));
  return [
    // 03/04/2015, 3.4.15, 3-4-2015: day first, one kind of separator throughout
    ...separated(d, m, `(?:${year}|${shortYear})`),
    // 2015-04-03, 2015/4/3
    ...separated(year, m, d),
    // 3 April 2015, 3rd of Apr. 2015
    `${ordinal}\\s+(?:of\\s+)?(?:${months})\\.?,?\\s+${year}`,
    // April 3, 2015
    `(?:${months})\\.?\\s+${ordinal},?\\s+${year}`,
  ];
}

function datePattern(iso) {
  const parts = datePatterns(iso);
  if (!parts.length) {
    return null;
  }
  return bounded(parts.join("|"));
}

function postcodePattern(postcode) {
  const compact = fold(postcode).replace(/\s+/g, "");
  if (compact.length < 5) {
    return null;
  }
  const outward = escapeRegExp(compact.slice(0, -3));
  const inward = escapeRegExp(compact.slice(-3));
  return bounded(`${outward}\\s*${inward}`);
}

/** The street of an address line, without a flat or house number in front. */
function streetOf(line) {
  return String(line || "")
    .replace(/^\s*(?:(?:flat|apartment|unit)\s+\w+\s*,?\s*)?(?:\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?\s*,?\s*)?/i, "")
    .trim();
}

function personName(person) {
  return [person.known_as || person.given_name, person.family_name].filter(Boolean).join(" ");
}

/** An organisation's name without the trailing words that only say what kind it is. */
function organisationStem(name) {
  const words = String(name || "").trim().split(/\s+/);
  while (words.length > 1 && KIND_WORDS.has(fold(words.at(-1)))) words.pop();
  if (words.length > 1 && fold(words[0]) === "the") words.shift();
  return words.join(" ");
}

/**
 * Collect what identifies the families on this device: their own details,
 * their people's, and the organisations their network maps name (from
 * `relationships`).
 * Returns [{kind, value, about, pattern}] where `about` says whose it is.
 */
export function collectIdentifiers({ families = [], people = [], relationships = [] }) {
  const found = [];
  const add = (kind, value, about, pattern) => {
    if (pattern) {
      found.push({ kind, value, about, pattern });
    }
  };
  const name = (value, about) => {
    const text = String(value || "").trim();
    if (fold(text).replace(/[^\p{L}]/gu, "").length >= MIN_NAME_LENGTH) {
      add(IdentifierKind.NAME, text, about, bounded(phrase(text)));
    }
  };
  const reference = (value, about) => {
    const text = String(value || "").trim();
    if (text.length >= MIN_REFERENCE_LENGTH) {
      add(IdentifierKind.REFERENCE, text, about, bounded(escapeRegExp(fold(text))));
    }
  };
  for (const family of families) {
    const whose = familyPossessive(family.display_name);
    name(family.display_name, `${whose} name`);
    const surname = String(family.display_name || "").replace(/\s+family$/i, "");
    if (surname !== family.display_name) name(surname, `${whose} name`);
    reference(family.local_reference, `${whose} reference`);
    for (const address of [family.address, ...(family.address_history || [])]) {
      if (!address) continue;
      if (address.line1) {
        add(IdentifierKind.ADDRESS, address.line1, `${whose} address`, bounded(phrase(address.line1)));
        const street = streetOf(address.line1);
        if (street !== address.line1.trim() && fold(street).length >= MIN_STREET_LENGTH) {
          add(IdentifierKind.ADDRESS, street, `${whose} street`, bounded(phrase(street)));
        }
      }
      if (address.postcode) {
        add(IdentifierKind.POSTCODE, address.postcode, `${whose} postcode`, postcodePattern(address.postcode));
      }
    }
  }
  for (const person of people) {
    const whose = `${personName(person) || "someone in a family"}'s`;
    for (const part of [person.given_name, person.family_name, person.known_as]) {
      name(part, `${whose} name`);
    }
    if (person.given_name && person.family_name) {
      name(`${person.given_name} ${person.family_name}`, `${whose} name`);
    }
    if (person.date_of_birth) {
      add(IdentifierKind.DATE_OF_BIRTH, person.date_of_birth, `${whose} date of birth`, datePattern(person.date_of_birth));
    }
    reference(person.local_child_id, `${whose} reference`);
  }
  const familyOf = new Map(families.map((family) => [family.id, family]));
  // "Northtown" of "Northtown Primary School" is a town, and a town alone identifies no one.
  const towns = new Set(
    families
      .flatMap((family) => [family.address, ...(family.address_history || [])])
      .map((address) => fold(address?.town).trim())
      .filter(Boolean),
  );
  for (const relationship of relationships) {
    const organisation = String(relationship.to_organisation || "").trim();
    if (!organisation) continue;
    const family = familyOf.get(relationship.family_id);
    const about = `an organisation in ${family ? familyPossessive(family.display_name) : "a family's"} network`;
    name(organisation, about);
    const stem = organisationStem(organisation);
    const long = fold(stem).replace(/[^\p{L}]/gu, "").length >= MIN_ORGANISATION_STEM_LENGTH;
    if (stem !== organisation && long && !towns.has(fold(stem))) {
      name(stem, about);
    }
  }
  return found;
}

/**
 * Find the identifiers that appear in a text.
 * Returns [{kind, text, about, index}], in the order they appear, each
 * (kind, text, about) once. `text` is the words as written in the text.
 */
export function findIdentifiers(text, identifiers) {
  const original = String(text ?? "");
  const folded = fold(original);
  // Folding can change the length (a letter and its accent become one): map back only when it did not.
  const sameLength = folded.length === original.length;
  const hits = [];
  const seen = new Set();
  const record = (kind, about, index, length) => {
    const words = sameLength ? original.slice(index, index + length) : folded.slice(index, index + length);
    const key = `${kind}|${fold(words).replace(/\s+/g, " ")}|${about}`;
    if (!seen.has(key)) {
      seen.add(key);
      hits.push({ kind, text: words, about, index });
    }
  };
  for (const identifier of identifiers) {
    identifier.pattern.lastIndex = 0;
    for (const match of folded.matchAll(identifier.pattern)) {
      record(identifier.kind, identifier.about, match.index, match[0].length);
    }
  }
  const covered = (index) => hits.some((hit) => hit.kind === IdentifierKind.POSTCODE && hit.index === index);
  for (const match of folded.matchAll(ANY_POSTCODE)) {
    if (!covered(match.index)) {
      record(IdentifierKind.POSTCODE, "something that looks like a postcode", match.index, match[0].length);
    }
  }
  // One warning per place in the text (the first identifier found there, a
  // family's before its people's), and a full name rather than its parts.
  const bySpan = new Map();
  for (const hit of hits) {
    const span = `${hit.index}:${hit.text.length}`;
    if (!bySpan.has(span)) bySpan.set(span, hit);
  }
  const spans = [...bySpan.values()];
  const kept = spans.filter(
    (hit) =>
      !spans.some(
        (other) =>
          other !== hit &&
          other.index <= hit.index &&
          other.index + other.text.length >= hit.index + hit.text.length,
      ),
  );
  return kept.sort((a, b) => a.index - b.index || a.kind.localeCompare(b.kind));
}
