// The family's network map (genogram and ecomap): the children in the
// middle, their family around them, and friends, neighbours, professionals
// and organisations on the outer ring. The same relationships are listed in
// a table, which is where they are changed or removed, so nothing depends on
// seeing the diagram or telling its colours apart.

import { newId } from "../../domain/ids.js";
import { button, errorSummary, formValues, radios, select, storageMessage, textInput, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { responsiveTable } from "../tables.js";
import { familyMembers, fullName, personName, unsyncedTag } from "./family.js";

const QUALITIES = [
  ["strong", "Strong"],
  ["tenuous", "Tenuous"],
  ["stressful", "Stressful"],
  ["conflicted", "Conflicted"],
];

const ACCOUNTS = [
  ["family", "The family's account"],
  ["professional", "A professional's account"],
];

// Relationship types that make someone part of the family's wider network
// rather than their kin: a person with only these sits on the outer ring.
const NETWORK_TYPES = new Set(["FRND", "NBOR", "TEACHER", "GP", "HLTHVIS", "NURSERY", "FAITH", "YOUTH", "PROF", "ORG"]);

// The drawing, in SVG user units.
const SIZE = 720;
const MIDDLE = SIZE / 2;
const RINGS = { centre: 75, family: 180, outer: 285 };
const NODE_RADIUS = 28;

// --- who and what is on the map -----------------------------------------------------

function organisationKey(relationship) {
  return `${(relationship.organisation_kind || "").toLowerCase()}|${relationship.to_organisation.trim().toLowerCase()}`;
}

/** Return the map's nodes (people and organisations, each on a ring) and its edges. */
export function networkOf(data, familyId) {
  const members = familyMembers(data, familyId);
  const relationships = data.ofFamily("relationship", familyId);
  const typesOf = new Map();
  for (const relationship of relationships) {
    for (const personId of [relationship.from_person_id, relationship.to_person_id]) {
      if (personId) {
        typesOf.set(personId, [...(typesOf.get(personId) || []), relationship.type]);
      }
    }
  }
  const people = members.map(({ person, role, unsynced }) => {
    const types = typesOf.get(person.id) || [];
    const outside = !person.is_child && types.length > 0 && types.every((type) => NETWORK_TYPES.has(type));
    return {
      key: `person:${person.id}`,
      kind: "person",
      person,
      role,
      unsynced,
      ring: person.is_child ? "centre" : outside ? "outer" : "family",
      name: fullName(person),
      short: person.known_as || person.given_name || fullName(person),
    };
  });
  const organisations = new Map();
  for (const relationship of relationships) {
    if (!relationship.to_person_id && relationship.to_organisation) {
      const key = `organisation:${organisationKey(relationship)}`;
      if (!organisations.has(key)) {
        organisations.set(key, {
          key,
          kind: "organisation",
          ring: "outer",
          name: relationship.to_organisation,
          short: relationship.to_organisation,
          organisationKind: relationship.organisation_kind || "",
        });
      }
    }
  }
  const orgs = [...organisations.values()].sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
  const nodes = [...people, ...orgs];
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const edges = relationships
    .map((relationship) => ({
      relationship,
      from: byKey.get(`person:${relationship.from_person_id}`),
      to: relationship.to_person_id
        ? byKey.get(`person:${relationship.to_person_id}`)
        : relationship.to_organisation
          ? byKey.get(`organisation:${organisationKey(relationship)}`)
          : null,
    }))
    .sort((a, b) => a.relationship.id.localeCompare(b.relationship.id));
  return { members, nodes, edges, relationships };
}

/** Place each node: a deterministic layout, so the map looks the same every time. */
function place(nodes) {
  const onRing = (ring) => nodes.filter((node) => node.ring === ring);
  const positions = new Map();
  const spread = (items, radius, turn) => {
    items.forEach((node, index) => {
      const angle = -Math.PI / 2 + turn + (2 * Math.PI * index) / items.length;
      positions.set(node.key, { x: round(MIDDLE + radius * Math.cos(angle)), y: round(MIDDLE + radius * Math.sin(angle)) });
    });
  };
  const centre = onRing("centre");
  if (centre.length === 1) {
    positions.set(centre[0].key, { x: MIDDLE, y: MIDDLE });
  } else {
    spread(centre, RINGS.centre, 0);
  }
  const family = onRing("family");
  spread(family, RINGS.family, family.length ? Math.PI / family.length : 0);
  spread(onRing("outer"), RINGS.outer, 0);
  return positions;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

function shorten(text, most = 16) {
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}

// --- the drawing ----------------------------------------------------------------------

function nodeLabel(node, context) {
  if (node.kind === "organisation") {
    const kind = node.organisationKind ? context.label("organisation_kind", node.organisationKind) : "organisation";
    return `${node.name}, ${kind}.`;
  }
  const what = node.person.is_child ? "child" : node.ring === "outer" ? "in the wider network" : "adult in the family";
  // No brackets: the name shown on the map must be found in the spoken name (WCAG 2.5.3).
  const known = node.person.known_as && node.person.known_as !== node.person.given_name ? `, known as ${node.person.known_as}` : "";
  return `${node.name}${known}, ${what}${node.role ? `, ${node.role}` : ""}.`;
}

function nodeDrawing(node, position, selected, index, context) {
  const { x, y } = position;
  const isSelected = selected === node.key;
  const action = node.kind === "person" ? "Choose to add a relationship from them" : "Choose to add a relationship with it";
  const shape =
    node.kind === "organisation"
      ? html`<rect class="app-network__selection" x="${x - 66}" y="${y - 26}" width="132" height="52" rx="8"></rect>
          <rect x="${x - 60}" y="${y - 20}" width="120" height="40" rx="4"></rect>
          <text x="${x}" y="${y + 5}" text-anchor="middle">${shorten(node.short, 17)}</text>`
      : html`<circle class="app-network__selection" cx="${x}" cy="${y}" r="${NODE_RADIUS + 7}"></circle>
          <circle cx="${x}" cy="${y}" r="${NODE_RADIUS}"></circle>
          <text x="${x}" y="${y + 5}" text-anchor="middle">${shorten(node.short, 9)}</text>`;
  const classes = [
    "app-network__node",
    node.kind === "organisation" ? "app-network__node--organisation" : "",
    node.kind === "person" && node.person.is_child ? "app-network__node--child" : "",
    isSelected ? "app-network__node--selected" : "",
  ].filter(Boolean).join(" ");
  return html`<g class="${classes}" id="node-${index}" tabindex="0" role="button" data-node="${node.key}"
      aria-pressed="${isSelected ? "true" : "false"}" aria-label="${nodeLabel(node, context)} ${action}">${shape}</g>`;
}

function edgeDrawing({ relationship, from, to }, positions, context) {
  const a = positions.get(from.key);
  const b = positions.get(to.key);
  const quality = QUALITIES.some(([code]) => code === relationship.quality) ? relationship.quality : "";
  const words = [context.label("relationship_type", relationship.type), quality ? qualityLabel(context, quality).toLowerCase() : ""]
    .filter(Boolean)
    .join(", ");
  return html`<g class="app-network__link">
    <line class="app-network__edge${quality ? ` app-network__edge--${quality}` : ""}" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"></line>
    <text class="app-network__edge-label" x="${round((a.x + b.x) / 2)}" y="${round((a.y + b.y) / 2 - 4)}" text-anchor="middle">${shorten(words, 28)}</text>
  </g>`;
}

function qualityLabel(context, quality) {
  const known = context.vocabulary("relationship_quality");
  return (known.length ? known : QUALITIES).find(([code]) => code === quality)?.[1] || quality || "Not recorded";
}

function mapDrawing(context, family, network, selected) {
  const positions = place(network.nodes);
  const drawn = network.edges.filter((edge) => edge.from && edge.to);
  const people = network.nodes.filter((node) => node.kind === "person").length;
  const organisations = network.nodes.length - people;
  return html`<div class="app-network">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" role="group" aria-labelledby="network-map-title network-map-desc" focusable="false">
      <title id="network-map-title">Network map: ${family.display_name}</title>
      <desc id="network-map-desc">${people} ${people === 1 ? "person" : "people"} and ${organisations} ${organisations === 1 ? "organisation" : "organisations"}, joined by ${drawn.length} ${drawn.length === 1 ? "relationship" : "relationships"}. The children are in the middle. The table after the map lists every relationship.</desc>
      <circle class="app-network__ring" cx="${MIDDLE}" cy="${MIDDLE}" r="${RINGS.family}"></circle>
      <circle class="app-network__ring" cx="${MIDDLE}" cy="${MIDDLE}" r="${RINGS.outer}"></circle>
      ${drawn.map((edge) => edgeDrawing(edge, positions, context))}
      ${network.nodes.map((node, index) => nodeDrawing(node, positions.get(node.key), selected, index, context))}
    </svg>
  </div>`;
}

function legend() {
  const sample = (quality, text) => html`<li class="app-network-legend__item">
    <svg class="app-network-legend__sample" viewBox="0 0 60 12" aria-hidden="true" focusable="false">
      <line class="app-network__edge${quality ? ` app-network__edge--${quality}` : ""}" x1="2" y1="6" x2="58" y2="6"></line>
    </svg>${text}</li>`;
  return html`<h2 class="govuk-heading-s">Key to the lines</h2>
    <ul class="govuk-list app-network-legend">
      ${sample("strong", "Strong: a thick line")}
      ${sample("tenuous", "Tenuous: a dashed line")}
      ${sample("stressful", "Stressful: a dotted orange line")}
      ${sample("conflicted", "Conflicted: a red line")}
    </ul>
    <p class="govuk-body-s">Each line is labelled with the relationship and its quality. Choose a person on the map to add a relationship from them.</p>`;
}

// --- the table of relationships -------------------------------------------------------

function endName(node, fallback) {
  if (!node) {
    return fallback;
  }
  return node.kind === "organisation" ? node.name : personName(node.person);
}

function relationshipsTable(context, network) {
  const { label, data } = context;
  if (!network.edges.length) {
    return html`<p class="govuk-body">No relationships recorded yet.</p>`;
  }
  return responsiveTable({
    caption: "Relationships",
    captionClass: "govuk-table__caption--m",
    classes: "app-network-table",
    columns: ["From", "To", "Relationship", "Quality", "Support role", "Whose account", { text: "Actions", hidden: true }],
    rows: network.edges.map(({ relationship, from, to }) => {
      const fromName = endName(from, "Someone not on this device");
      const toName = endName(to, relationship.to_organisation || "Someone not on this device");
      const pending = relationship.unsynced || data.pending("relationship", relationship.id);
      const what = `the relationship from ${fromName} to ${toName}`;
      return [
        fromName,
        html`${toName}${to?.kind === "organisation" && to.organisationKind ? html`<br><span class="govuk-body-s">${label("organisation_kind", to.organisationKind)}</span>` : ""}`,
        html`${label("relationship_type", relationship.type)} ${pending ? unsyncedTag() : ""}`,
        qualityLabel(context, relationship.quality),
        html`${relationship.support_role || "None"}${relationship.contact_restrictions ? html`<br><span class="govuk-body-s app-pre-wrap">Contact restrictions: ${relationship.contact_restrictions}</span>` : ""}`,
        relationship.account_of === "professional" ? "Professional's" : "Family's",
        html`<button type="button" class="app-link-button" data-change="${relationship.id}">Change<span class="govuk-visually-hidden"> ${what}</span></button>
          <button type="button" class="app-link-button" data-remove="${relationship.id}">Remove<span class="govuk-visually-hidden"> ${what}</span></button>`,
      ];
    }),
  });
}

function describe(context, network, relationship) {
  const edge = network.edges.find((candidate) => candidate.relationship.id === relationship.id);
  return `${endName(edge?.from, "someone")} and ${endName(edge?.to, relationship.to_organisation || "someone")}`;
}

function changeForm(context, network, relationship, errors) {
  return html`<form id="change-form" novalidate class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m" id="change-heading" tabindex="-1">Change the relationship between ${describe(context, network, relationship)}</h2>
    <input type="hidden" name="relationship_id" value="${relationship.id}">
    ${radios({ name: "change_quality", legend: "How is the relationship?", options: QUALITIES.map(([code]) => [code, qualityLabel(context, code)]), value: relationship.quality || "", error: errors.change_quality, inline: true })}
    ${textInput({ name: "change_support_role", label: "Support role (optional)", hint: "For example, safety network member", value: relationship.support_role || "", error: errors.change_support_role, width: 20 })}
    ${textarea({ name: "change_contact_restrictions", label: "Contact restrictions (optional)", hint: "For example, supervised contact only", value: relationship.contact_restrictions || "", error: errors.change_contact_restrictions, rows: 3 })}
    <p class="app-draft-saved" id="change-draft" aria-live="polite"></p>
    <div class="govuk-button-group">
      ${button("Save the change")}
      <button type="button" class="app-link-button" data-network-action="cancel-change">Cancel</button>
    </div>
  </form>`;
}

function removeConfirmation(context, network, relationship) {
  return html`<div class="govuk-!-margin-bottom-8" id="remove-confirmation">
    <h2 class="govuk-heading-m" id="remove-heading" tabindex="-1">Remove the relationship between ${describe(context, network, relationship)}?</h2>
    <p class="govuk-body">It will no longer show on the map or in the list. Its history is kept.</p>
    <div class="govuk-button-group">
      <button type="button" class="govuk-button govuk-button--warning" data-module="govuk-button" data-network-action="confirm-remove">Yes, remove it</button>
      <button type="button" class="app-link-button" data-network-action="cancel-remove">No, keep it</button>
    </div>
  </div>`;
}

// --- adding to the network ------------------------------------------------------------

// Drawn hidden; showChosenReveal opens the chosen one once the form holds its values.
function conditional(id, content) {
  return html`<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="${id}">${content}</div>`;
}

function addForm(context, network, errors) {
  const { vocabulary } = context;
  const people = network.members.map(({ person }) => [person.id, personName(person)]);
  const choice = (value, text, revealId, index) => html`<div class="govuk-radios__item">
      <input class="govuk-radios__input" id="${index ? `to_kind-${index}` : "to_kind"}" name="to_kind" type="radio" value="${value}"
        aria-controls="${revealId}">
      <label class="govuk-label govuk-radios__label" for="${index ? `to_kind-${index}` : "to_kind"}">${text}</label>
    </div>`;
  return html`<form id="add-form" novalidate>
    <h2 class="govuk-heading-m">Add someone to the network</h2>
    ${select({ name: "from_person_id", label: "Whose relationship is it?", hint: "You can also choose a person on the map.", options: people, error: errors.from_person_id })}
    <div class="govuk-form-group${errors.to_kind ? " govuk-form-group--error" : ""}">
      <fieldset class="govuk-fieldset" ${errors.to_kind ? html`aria-describedby="to_kind-error"` : ""}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Who is it with?</legend>
        ${errors.to_kind ? html`<p id="to_kind-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${errors.to_kind}</p>` : ""}
        <div class="govuk-radios" data-network-radios>
          ${choice("member", "Someone already in the family", "to-member", 0)}
          ${conditional("to-member", select({ name: "to_person_id", label: "Who in the family?", options: people, error: errors.to_person_id }))}
          ${choice("new", "Someone new", "to-new", 1)}
          ${conditional(
            "to-new",
            html`${textInput({ name: "new_given_name", label: "Given name", error: errors.new_given_name, width: 20, autocomplete: "off", spellcheck: false })}
              ${textInput({ name: "new_family_name", label: "Family name", error: errors.new_family_name, width: 20, autocomplete: "off", spellcheck: false })}
              ${textInput({ name: "new_role_in_family", label: "Who they are to the family (optional)", hint: "For example, family friend, neighbour, uncle", error: errors.new_role_in_family, width: 20 })}
              <p class="govuk-body-s">They are added to the family's people. Leave the relationship below blank to add them without one.</p>`,
          )}
          ${choice("organisation", "An organisation", "to-organisation", 2)}
          ${conditional(
            "to-organisation",
            html`${textInput({ name: "org_name", label: "Name of the organisation", hint: "For example, Hillside Primary School", error: errors.org_name, width: 20 })}
              ${select({ name: "org_kind", label: "Kind of organisation (optional)", options: vocabulary("organisation_kind"), error: errors.org_kind, placeholder: "Not recorded" })}`,
          )}
        </div>
      </fieldset>
    </div>
    ${select({ name: "type", label: "What are they to the first person?", hint: "For example, Mother, Friend, Teacher or school", options: vocabulary("relationship_type"), error: errors.type })}
    ${radios({ name: "quality", legend: "How is the relationship?", options: QUALITIES.map(([code]) => [code, qualityLabel(context, code)]), error: errors.quality, inline: true })}
    ${textInput({ name: "support_role", label: "Support role (optional)", hint: "For example, safety network member", error: errors.support_role, width: 20 })}
    ${textarea({ name: "contact_restrictions", label: "Contact restrictions (optional)", error: errors.contact_restrictions, rows: 2 })}
    ${radios({ name: "account_of", legend: "Whose account of the relationship is this?", options: ACCOUNTS, error: errors.account_of, inline: true })}
    <p class="app-draft-saved" id="add-draft" aria-live="polite"></p>
    ${button("Add to the network")}
  </form>`;
}

function checkAdd(values) {
  const errors = {};
  const kind = values.to_kind;
  const relating = kind !== "new" || values.type || values.quality;
  if (!kind) {
    errors.to_kind = "Select who the relationship is with";
  }
  if (kind === "member") {
    if (!values.to_person_id) {
      errors.to_person_id = "Select who in the family";
    } else if (values.to_person_id === values.from_person_id) {
      errors.to_person_id = "Select someone other than the first person";
    }
  }
  if (kind === "new") {
    if (!values.new_given_name.trim()) errors.new_given_name = "Enter their given name";
    if (!values.new_family_name.trim()) errors.new_family_name = "Enter their family name";
    if (values.new_given_name.trim().length > 120) errors.new_given_name = "The given name must be 120 characters or fewer";
    if (values.new_family_name.trim().length > 120) errors.new_family_name = "The family name must be 120 characters or fewer";
    if (values.new_role_in_family.trim().length > 40) errors.new_role_in_family = "Who they are to the family must be 40 characters or fewer";
  }
  if (kind === "organisation") {
    if (!values.org_name.trim()) errors.org_name = "Enter the name of the organisation";
    else if (values.org_name.trim().length > 200) errors.org_name = "The name must be 200 characters or fewer";
  }
  if (relating) {
    if (!values.from_person_id) errors.from_person_id = "Select whose relationship it is";
    if (!values.type) errors.type = "Select what they are to the first person";
    if (!values.quality) errors.quality = "Select how the relationship is";
    if (!values.account_of) errors.account_of = "Select whose account of the relationship this is";
  }
  if (values.support_role.trim().length > 80) {
    errors.support_role = "The support role must be 80 characters or fewer";
  }
  // Keep the error summary in the order of the form.
  const order = ["from_person_id", "to_kind", "to_person_id", "new_given_name", "new_family_name", "new_role_in_family", "org_name", "type", "quality", "support_role", "account_of"];
  return Object.fromEntries(order.filter((field) => errors[field]).map((field) => [field, errors[field]]));
}

function checkChange(values) {
  const errors = {};
  if (!values.change_quality) {
    errors.change_quality = "Select how the relationship is";
  }
  if (values.change_support_role.trim().length > 80) {
    errors.change_support_role = "The support role must be 80 characters or fewer";
  }
  return errors;
}

// --- the screen -------------------------------------------------------------------------

export async function networkView(context) {
  const { params, session, data } = context;
  const familyId = params[0];
  const draftKey = { "add-form": `network/${familyId}/add`, "change-form": `network/${familyId}/change` };
  const screen = new Screen(context, "network-page");
  const drafts = await screen.typed.load(draftKey);
  const changeDraft = drafts["change-form"];
  const state = {
    selected: drafts["add-form"]?.from_person_id ? `person:${drafts["add-form"].from_person_id}` : null,
    changing: changeDraft?.relationship_id && data.get("relationship", changeDraft.relationship_id) ? changeDraft.relationship_id : null,
    removing: null,
    errors: {},
    errorsOf: null,
    message: "",
  };

  function page() {
    const family = data.get("family", familyId);
    if (!family) {
      return html`<div id="network-page">${backLink("#/", "Back to your caseload")}
        <h1 class="govuk-heading-l">Family not found</h1>
        <p class="govuk-body">This family is not on this device.</p></div>`;
    }
    const network = networkOf(data, familyId);
    const changing = state.changing && data.get("relationship", state.changing);
    const removing = state.removing && data.get("relationship", state.removing);
    const errors = state.errors;
    return html`<div id="network-page">
      ${backLink(`#/family/${familyId}`, `Back to ${family.display_name}`)}
      ${errorSummary(errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">Network map</h1>
      <p class="govuk-body">The children are in the middle, their family around them, and friends, professionals and organisations on the outer ring.</p>
      ${mapDrawing(context, family, network, state.selected)}
      <p class="govuk-body" role="status" id="network-status"></p>
      ${legend()}
      ${relationshipsTable(context, network)}
      ${changing ? changeForm(context, network, changing, state.errorsOf === "change" ? errors : {}) : ""}
      ${removing ? removeConfirmation(context, network, removing) : ""}
      ${addForm(context, network, state.errorsOf === "add" ? errors : {})}
    </div>`;
  }

  function wire(root) {
    screen.typed.watchAll(root, draftKey);
    root.querySelector("#add-form")?.addEventListener("submit", onAdd);
    root.querySelector("#add-form")?.addEventListener("change", onAddFormChange);
    root.querySelector("#change-form")?.addEventListener("submit", onChangeSubmit);
    root.addEventListener("click", onClick);
    root.addEventListener("keydown", onKeydown);
    showChosenReveal(root);
  }

  function draw(options = {}) {
    return screen.draw(page(), { wire, ...options });
  }

  /** Show the fields of the chosen "who is it with" answer, hide the others. */
  function showChosenReveal(root) {
    for (const input of root.querySelectorAll('input[name="to_kind"]')) {
      const reveal = root.querySelector(`#${input.getAttribute("aria-controls")}`);
      reveal?.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  }

  function onAddFormChange(event) {
    if (event.target.name === "to_kind") {
      showChosenReveal(screen.root());
    } else if (event.target.name === "from_person_id") {
      highlight(event.target.value ? `person:${event.target.value}` : null);
    }
  }

  /** Mark a node as chosen in place: a redraw would move the focus and silence the status. */
  function highlight(key, announcement = "") {
    state.selected = key;
    const root = screen.root();
    for (const node of root.querySelectorAll("[data-node]")) {
      const chosen = node.dataset.node === key;
      node.classList.toggle("app-network__node--selected", chosen);
      node.setAttribute("aria-pressed", String(chosen));
    }
    if (announcement) {
      root.querySelector("#network-status").textContent = announcement;
    }
  }

  function choose(nodeKey) {
    const root = screen.root();
    const form = root.querySelector("#add-form");
    const [kind, ...rest] = nodeKey.split(":");
    if (kind === "person") {
      const personId = rest.join(":");
      const from = form.querySelector("#from_person_id");
      from.value = personId;
      from.dispatchEvent(new Event("change", { bubbles: true }));
      const person = data.get("person", personId);
      highlight(nodeKey, `${person ? fullName(person) : "They"} chosen: the form below adds a relationship from them.`);
    } else {
      const network = networkOf(data, familyId);
      const node = network.nodes.find((candidate) => candidate.key === nodeKey);
      if (!node) return;
      form.querySelector('input[name="to_kind"][value="organisation"]').checked = true;
      form.querySelector("#org_name").value = node.name;
      form.querySelector("#org_kind").value = node.organisationKind;
      form.querySelector("#org_kind").dispatchEvent(new Event("change", { bubbles: true }));
      showChosenReveal(screen.root());
      highlight(nodeKey, `${node.name} chosen: the form below adds a relationship with it.`);
    }
  }

  function onKeydown(event) {
    const node = event.target.closest?.("[data-node]");
    if (node && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault(); // Space would scroll the page
      choose(node.dataset.node);
    }
  }

  function showErrors(errorsOf, errors) {
    state.message = "";
    state.errorsOf = errorsOf;
    state.errors = errors;
    draw({ afterSubmit: true }).querySelector(".govuk-error-summary")?.focus();
  }

  async function failed(formId, values, errors) {
    await session.saveDraft(draftKey[formId], values).catch(() => {});
    showErrors(formId === "add-form" ? "add" : "change", errors);
  }

  async function done(formId, message) {
    if (formId) {
      await screen.typed.forget(formId);
    }
    state.message = message;
    state.errors = {};
    state.errorsOf = null;
    const banner = draw({ afterSubmit: true, justSaved: formId ? [formId] : [] }).querySelector(".govuk-notification-banner");
    banner?.setAttribute("tabindex", "-1");
    banner?.focus();
  }

  async function onAdd(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const errors = checkAdd(values);
    if (Object.keys(errors).length) {
      return failed("add-form", values, errors);
    }
    const relationship = {
      family_id: familyId,
      from_person_id: values.from_person_id,
      type: values.type,
      quality: values.quality,
      support_role: values.support_role.trim() || null,
      contact_restrictions: values.contact_restrictions.trim() || null,
      account_of: values.account_of,
    };
    let message;
    try {
      if (values.to_kind === "new") {
        const personId = newId();
        const person = {
          family_id: familyId,
          role_in_family: values.new_role_in_family.trim() || null,
          given_name: values.new_given_name.trim(),
          family_name: values.new_family_name.trim(),
          is_child: false,
        };
        await session.sync.enqueue("person", "create", personId, person);
        message = `${person.given_name} ${person.family_name} added to the network.`;
        if (values.type) {
          await session.sync.enqueue("relationship", "create", newId(), { ...relationship, to_person_id: personId });
        }
      } else if (values.to_kind === "member") {
        await session.sync.enqueue("relationship", "create", newId(), { ...relationship, to_person_id: values.to_person_id });
        message = "Relationship added to the network.";
      } else {
        await session.sync.enqueue("relationship", "create", newId(), {
          ...relationship,
          to_organisation: values.org_name.trim(),
          organisation_kind: values.org_kind || null,
        });
        message = `${values.org_name.trim()} added to the network.`;
      }
    } catch (error) {
      return failed("add-form", values, { from_person_id: `Not saved: ${storageMessage(error)}` });
    }
    state.selected = null;
    return done("add-form", message);
  }

  async function onChangeSubmit(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const errors = checkChange(values);
    if (Object.keys(errors).length) {
      return failed("change-form", values, errors);
    }
    const relationship = data.get("relationship", values.relationship_id);
    if (!relationship) {
      state.changing = null;
      return done("change-form", "That relationship has been removed, so there was nothing to change.");
    }
    const next = {
      quality: values.change_quality,
      support_role: values.change_support_role.trim() || null,
      contact_restrictions: values.change_contact_restrictions.trim() || null,
    };
    const changes = Object.fromEntries(Object.entries(next).filter(([field, value]) => value !== (relationship[field] ?? null)));
    if (Object.keys(changes).length) {
      try {
        await session.sync.enqueue("relationship", "update", relationship.id, changes);
      } catch (error) {
        return failed("change-form", values, { change_quality: `Not saved: ${storageMessage(error)}` });
      }
    }
    state.changing = null;
    return done("change-form", Object.keys(changes).length ? "Relationship changed." : "Nothing was changed in the relationship.");
  }

  async function onClick(event) {
    const node = event.target.closest("[data-node]");
    if (node) {
      return choose(node.dataset.node);
    }
    const change = event.target.closest("[data-change]")?.dataset.change;
    if (change) {
      if (state.changing && state.changing !== change) {
        await screen.typed.forget("change-form");
      }
      state.changing = change;
      state.removing = null;
      state.message = "";
      return draw({ afterSubmit: true, justSaved: ["change-form"] }).querySelector("#change-heading")?.focus();
    }
    const remove = event.target.closest("[data-remove]")?.dataset.remove;
    if (remove) {
      state.removing = remove;
      state.message = "";
      return draw({ afterSubmit: true }).querySelector("#remove-heading")?.focus();
    }
    const action = event.target.closest("[data-network-action]")?.dataset.networkAction;
    if (action === "cancel-change") {
      await screen.typed.forget("change-form");
      const id = state.changing;
      state.changing = null;
      clearErrorsOf("change");
      draw({ afterSubmit: true, justSaved: ["change-form"] }).querySelector(`[data-change="${id}"]`)?.focus();
    } else if (action === "cancel-remove") {
      const id = state.removing;
      state.removing = null;
      draw({ afterSubmit: true }).querySelector(`[data-remove="${id}"]`)?.focus();
    } else if (action === "confirm-remove") {
      const id = state.removing;
      state.removing = null;
      if (state.changing === id) {
        await screen.typed.forget("change-form");
        state.changing = null;
      }
      try {
        await session.sync.enqueue("relationship", "delete", id);
      } catch (error) {
        state.message = "";
        draw({ afterSubmit: true });
        screen.root().querySelector("#network-status").textContent = `Not removed: ${storageMessage(error)}`;
        return;
      }
      return done(null, "Relationship removed.");
    }
  }

  function clearErrorsOf(kind) {
    if (state.errorsOf === kind) {
      state.errors = {};
      state.errorsOf = null;
    }
  }

  draw({ drafts });
  const onChange = () => draw({ quiet: true });
  data.addEventListener("change", onChange);
  return () => {
    data.removeEventListener("change", onChange);
    screen.stop();
  };
}
