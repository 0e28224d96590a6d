import { describe, expect, it } from "vitest";
import { LocalData } from "../src/store.js";
import { familyMembers } from "../src/ui/people.js";
import { networkOf } from "../src/ui/views/network.js";

const FAMILY = "11111111-1111-4111-8111-111111111111";
const record = (entity, id, fields) => ({ entity, id, version: 1, family_id: FAMILY, data: { id, version: 1, ...fields } });

function lookedAfterFamily() {
  const data = new LocalData();
  data.load({
    records: [
      record("family", FAMILY, { display_name: "Ackroyd family" }),
      record("person", "mum", { given_name: "Kelly", family_name: "Ackroyd", is_child: false }),
      record("person", "child", { given_name: "Evie", family_name: "Ackroyd", is_child: true }),
      record("membership", "m1", { family_id: FAMILY, person_id: "mum", role_in_family: "mother" }),
      record("membership", "m2", { family_id: FAMILY, person_id: "child", role_in_family: "child" }),
      // The foster carer: in no family, named by the child's relationship.
      record("person", "carer", { given_name: "Jean", family_name: "Holroyd", is_child: false }),
      record("relationship", "r1", { family_id: FAMILY, from_person_id: "child", to_person_id: "mum", type: "MTH", quality: "strong" }),
      record("relationship", "r2", { family_id: FAMILY, from_person_id: "child", to_person_id: "carer", type: "FSTPRN", quality: "strong", support_role: "Foster carer" }),
    ],
    outbox: [],
    notices: [],
  });
  return data;
}

describe("a looked-after child's foster carer", () => {
  it("is not one of the family's people", () => {
    const names = familyMembers(lookedAfterFamily(), FAMILY, "2026-03-01").map(({ person }) => person.given_name);
    expect(names.sort()).toEqual(["Evie", "Kelly"]);
  });

  it("is on the network map with the outside network, joined to the child", () => {
    const network = networkOf(lookedAfterFamily(), FAMILY);
    const carer = network.nodes.find((node) => node.key === "person:carer");
    expect(carer).toMatchObject({ ring: "outer", role: "Foster carer", name: "Jean Holroyd" });
    const edge = network.edges.find(({ relationship }) => relationship.id === "r2");
    expect([edge.from.key, edge.to.key]).toEqual(["person:child", "person:carer"]);
  });
});
