// The family's network map (genogram and ecomap): the children in the
// middle, the adults of their family above them, and friends, neighbours,
// professionals and organisations below. The same relationships are listed in
// a table, which is where they are changed or removed, so nothing depends on
// seeing the diagram or telling its colours apart.

import { newId } from "../../domain/ids.js";
import { button, errorSummary, formValues, radios, select, storageMessage, textInput, textarea } from "../forms.js";
import { html } from "../html.js";
import { backLink } from "../layout.js";
import { Screen, successBanner } from "../screen.js";
import { responsiveTable } from "../tables.js";
import { familyMembers, fullName, personName, unsyncedTag } from "../people.js";
import { t, tn } from "../../i18n.js";

const QUALITIES = [
  ["strong", "Strong"],
  ["tenuous", "Tenuous"],
  ["stressful", "Stressful"],
  ["conflicted", "Conflicted"],
];

const accounts = () => [
  ["family", t("The family's account")],
  ["professional", t("A professional's account")],
];

// The qualities in the language spoken, when the council's list does not name them.
const QUALITY_WORDS = { strong: () => t("Strong"), tenuous: () => t("Tenuous"), stressful: () => t("Stressful"), conflicted: () => t("Conflicted") };

// Relationship types that make someone part of the family's wider network
// rather than their kin: a person with only these is drawn with the network.
const NETWORK_TYPES = new Set(["FRND", "NBOR", "TEACHER", "GP", "HLTHVIS", "NURSERY", "FAITH", "YOUTH", "PROF", "ORG"]);

// The drawing is in CSS pixels: it is drawn for the width it is shown at, so
// its labels keep the size app.scss gives them (at least 13 px) on a phone as
// on a desktop, and wrap onto more lines rather than being cut short.
const MAP_WIDTH = { least: 260, most: 640 };
const TEXT_SIZE = { person: 15, organisation: 14, edge: 13 }; // as app.scss sets them
const LINE_HEIGHT = 1.2;
const LABEL_WIDTH = { person: 96, organisation: 104, edge: 112, least: 60 }; // the widest line of a label (and the narrowest)
const MIN_NODE_WIDTH = 36;
const BOX_PADDING = { person: { x: 10, y: 7 }, organisation: { x: 8, y: 6 } };
const GAP = { node: 14, row: 30, band: 56, edge: 6 }; // between nodes, rows of a group, groups; round the drawing
const DETOUR = 10; // how far above or below its row a line between two nodes of one row runs

// --- who and what is on the map -----------------------------------------------------

function organisationKey(relationship) {
  return `${(relationship.organisation_kind || "").toLowerCase()}|${relationship.to_organisation.trim().toLowerCase()}`;
}

/** Return the map's nodes (people and organisations, each in its group: ring) and its edges. */
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
  // People the map names who are not of the family (a looked-after child's foster
  // carers, in their own home): drawn with the network, never listed as its people.
  const known = new Set(members.map(({ person }) => person.id));
  for (const relationship of relationships) {
    const person = relationship.to_person_id && !known.has(relationship.to_person_id) ? data.get("person", relationship.to_person_id) : null;
    if (person) {
      known.add(person.id);
      people.push({
        key: `person:${person.id}`,
        kind: "person",
        person,
        role: relationship.support_role || "",
        unsynced: false,
        ring: "outer",
        name: fullName(person),
        short: person.known_as || person.given_name || fullName(person),
      });
    }
  }
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

// --- the drawing ----------------------------------------------------------------------

let measure = null;

/** Return how wide a text is drawn, in px (the canvas measures it; without one, an estimate). */
function textWidth(text, size) {
  measure ??= globalThis.document?.createElement("canvas").getContext("2d") || false;
  if (!measure) {
    return text.length * size * 0.6;
  }
  measure.font = `${size}px arial, sans-serif`;
  return measure.measureText(text).width;
}

/**
 * Split a label into lines no wider than width: between words, and inside a
 * word only when it is wider on its own. Each line says whether a space
 * follows it, so the label reads as written (its accessible name matches it).
 */
export function wrapLabel(text, size, width) {
  const lines = [];
  let line = "";
  for (const word of text.trim().split(/\s+/)) {
    const longer = line ? `${line} ${word}` : word;
    if (textWidth(longer, size) <= width) {
      line = longer;
      continue;
    }
    if (line) {
      lines.push({ text: line, space: true });
    }
    line = word;
    while (line.length > 1 && textWidth(line, size) > width) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(line.slice(0, cut), size) > width) {
        cut -= 1;
      }
      lines.push({ text: line.slice(0, cut), space: false });
      line = line.slice(cut);
    }
  }
  if (line) {
    lines.push({ text: line, space: false });
  }
  return lines;
}

/**
 * Return a node's shape: a box round its label (wrapped to lines no wider
 * than labelWidth), rounded for a person and square-cornered for an
 * organisation, and how far it reaches from its centre.
 */
function nodeShape(node, labelWidth) {
  const organisation = node.kind === "organisation";
  const size = organisation ? TEXT_SIZE.organisation : TEXT_SIZE.person;
  const lines = wrapLabel(organisation ? node.name : node.short, size, labelWidth);
  const padding = organisation ? BOX_PADDING.organisation : BOX_PADDING.person;
  const width = Math.max(MIN_NODE_WIDTH, ...lines.map((line) => textWidth(line.text, size))) + 2 * padding.x;
  const height = lines.length * size * LINE_HEIGHT + 2 * padding.y;
  const corner = organisation ? 4 : Math.min(height / 2, 16);
  return { lines, size, width, height, corner, left: width / 2 + 6, right: width / 2 + 6, top: height / 2 + 6, bottom: height / 2 + 6 };
}

/**
 * Split a group of nodes into rows no wider than width, and shape each node.
 * As many as can share a row do, their labels wrapped narrower (down to
 * LABEL_WIDTH.least): a line to a second row has to find its way through the first.
 */
function rowsOf(group, width) {
  for (let count = group.length; count > 1; count -= 1) {
    const room = (width - GAP.node * (count - 1)) / count - 2 * BOX_PADDING.person.x;
    if (room < LABEL_WIDTH.least) {
      continue;
    }
    const shapes = group.map((node) => [node.key, nodeShape(node, Math.min(room, LABEL_WIDTH[node.kind]))]);
    const rows = [];
    for (let start = 0; start < group.length; start += count) {
      rows.push(group.slice(start, start + count));
    }
    const widest = Math.max(...rows.map((row) => row.reduce((sum, node) => sum + new Map(shapes).get(node.key).width, 0) + GAP.node * (row.length - 1)));
    if (widest <= width) {
      return { rows, shapes };
    }
  }
  return { rows: group.map((node) => [node]), shapes: group.map((node) => [node.key, nodeShape(node, Math.min(width - 2 * BOX_PADDING.person.x, LABEL_WIDTH[node.kind]))]) };
}

/**
 * Place the nodes in rows, as a genogram does: the adults of the family
 * above, the children in the middle, friends, professionals and organisations
 * below. Each group wraps onto more rows within the width, and the room
 * between two groups grows with the lines (and their labels) that cross it.
 */
function layOut(network, width) {
  const groups = ["family", "centre", "outer"]
    .map((ring) => network.nodes.filter((node) => node.ring === ring))
    .filter((group) => group.length);
  const groupOf = new Map(groups.flatMap((group, index) => group.map((node) => [node.key, index])));
  const crossing = (band) =>
    network.edges.filter(({ from, to }) => {
      const ends = [groupOf.get(from.key), groupOf.get(to.key)];
      return Math.min(...ends) <= band && Math.max(...ends) > band;
    }).length;
  const positions = new Map();
  const shapes = new Map();
  const places = new Map(); // node key -> [row, place in the row]
  const rows = []; // each {top, bottom, nodes: [{left, right}]}, from the top
  let y = 0;
  let rowNumber = 0;
  groups.forEach((group, index) => {
    if (index) {
      y += Math.min(220, Math.max(GAP.band, 24 + 24 * crossing(index - 1)));
    }
    const wrapped = rowsOf(group, width - 2 * GAP.edge);
    wrapped.shapes.forEach(([key, shape]) => shapes.set(key, shape));
    wrapped.rows.forEach((row, number) => {
      const tallest = Math.max(...row.map((node) => shapes.get(node.key).height));
      const wide = row.reduce((sum, node) => sum + shapes.get(node.key).width, 0) + GAP.node * (row.length - 1);
      let x = (width - wide) / 2;
      y += number ? GAP.row : 0;
      const spans = [];
      row.forEach((node, place) => {
        const shape = shapes.get(node.key);
        positions.set(node.key, { x: round(x + shape.width / 2), y: round(y + tallest / 2) });
        places.set(node.key, [rowNumber, place]);
        spans.push({ left: x, right: x + shape.width });
        x += shape.width + GAP.node;
      });
      rows.push({ top: y, bottom: y + tallest, spans });
      y += tallest;
      rowNumber += 1;
    });
  });
  return { positions, shapes, places, rows, width };
}

/**
 * Return the points a line between two nodes runs through. Straight when
 * nothing is in its way; otherwise it goes down (or up) through the gaps
 * between the nodes of each row it crosses, and between two nodes of one row
 * with others between them it runs just above the row (below, for the children).
 */
function edgeRoute(edge, layout) {
  const a = layout.positions.get(edge.from.key);
  const b = layout.positions.get(edge.to.key);
  const [rowA, placeA] = layout.places.get(edge.from.key);
  const [rowB, placeB] = layout.places.get(edge.to.key);
  if (rowA === rowB) {
    if (Math.abs(placeA - placeB) <= 1) {
      return [a, b];
    }
    const row = layout.rows[rowA];
    const below = edge.from.ring === "centre" || rowA === 0;
    const y = below ? row.bottom + DETOUR : row.top - DETOUR;
    return [a, { x: a.x, y }, { x: b.x, y }, b];
  }
  const step = rowB > rowA ? 1 : -1;
  const points = [a];
  for (let number = rowA + step; number !== rowB; number += step) {
    const row = layout.rows[number];
    const from = points.at(-1);
    const middle = (row.top + row.bottom) / 2;
    const x = from.x + ((b.x - from.x) * (middle - from.y)) / (b.y - from.y);
    if (!row.spans.some((span) => x > span.left - 3 && x < span.right + 3)) {
      continue; // it passes between two nodes, or beside the row
    }
    const gaps = [row.spans[0].left - GAP.node / 2, ...row.spans.map((span) => span.right + GAP.node / 2)].filter(
      (gap) => gap > 2 && gap < layout.width - 2,
    );
    const gap = gaps.reduce((best, candidate) => (Math.abs(candidate - x) < Math.abs(best - x) ? candidate : best), gaps[0] ?? x);
    const [enter, leave] = step > 0 ? [row.top, row.bottom] : [row.bottom, row.top];
    points.push({ x: round(gap), y: round(enter - 4 * step) }, { x: round(gap), y: round(leave + 4 * step) });
  }
  points.push(b);
  return points;
}

/** Return the point at a share t of the way along a route, and the route's direction there. */
function along(points, fraction) {
  const lengths = points.slice(1).map((point, index) => Math.hypot(point.x - points[index].x, point.y - points[index].y));
  let left = fraction * lengths.reduce((sum, length) => sum + length, 0);
  for (const [index, length] of lengths.entries()) {
    if (left <= length || index === lengths.length - 1) {
      const [from, to] = [points[index], points[index + 1]];
      const share = length ? Math.min(1, left / length) : 0;
      return {
        point: { x: from.x + (to.x - from.x) * share, y: from.y + (to.y - from.y) * share },
        direction: { x: (to.x - from.x) / (length || 1), y: (to.y - from.y) / (length || 1) },
      };
    }
    left -= length;
  }
  return { point: points[0], direction: { x: 1, y: 0 } };
}

function routeLength(points) {
  return points.slice(1).reduce((sum, point, index) => sum + Math.hypot(point.x - points[index].x, point.y - points[index].y), 0);
}

/** The box a node's drawing covers, its label included. */
function nodeBox(shape, { x, y }, margin = 0) {
  return { left: x - shape.left - margin, right: x + shape.right + margin, top: y - shape.top - margin, bottom: y + shape.bottom + margin };
}

function overlap(a, b) {
  const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return across > 0 && down > 0 ? across * down : 0;
}

/**
 * Put each line's label where it covers the least of the nodes and of the
 * labels already placed: along the line near its middle, or beside it. The
 * shortest lines, with the fewest places to choose from, choose first.
 */
// Where along a line its label may go: the middle first, then out towards the ends.
const ALONG = Array.from({ length: 17 }, (_, step) => 0.5 + (step % 2 ? 1 : -1) * Math.ceil(step / 2) * 0.045);

function placeEdgeLabels(edges, boxes, width) {
  const placed = [];
  const length = ({ route }) => routeLength(route);
  const at = new Map();
  for (const edge of [...edges].sort((one, other) => length(one) - length(other))) {
    const { lines, size } = edge.label;
    const wide = Math.max(...lines.map((line) => textWidth(line.text, size))) + 4;
    const high = lines.length * size * LINE_HEIGHT;
    let best = null;
    for (const share of ALONG) {
      const { point: middle, direction } = along(edge.route, share);
      const across = { x: -direction.y, y: direction.x };
      for (const aside of [0, 1, -1, 2, -2, 3, -3]) {
        const shift = aside * (high / 2 + 4);
        const x = Math.min(width - wide / 2, Math.max(wide / 2, middle.x + across.x * shift));
        const y = middle.y + across.y * shift;
        const box = { left: x - wide / 2, right: x + wide / 2, top: y - high / 2, bottom: y + high / 2 };
        // Writing over another label is worse than over the edge of a node.
        const covered =
          boxes.reduce((sum, other) => sum + overlap(box, other), 0) + 3 * placed.reduce((sum, other) => sum + overlap(box, other), 0);
        if (!best || covered < best.covered - 0.5) {
          best = { x, y, box, covered };
        }
      }
    }
    placed.push(best.box);
    at.set(edge, { x: best.x, y: best.y - high / 2 + (size * LINE_HEIGHT) / 2, box: best.box });
  }
  return edges.map((edge) => ({ ...edge, at: at.get(edge) }));
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** Draw a label's lines centred on x, the first line's middle at y. */
function labelText(lines, x, y, size, classes = "") {
  const step = round(size * LINE_HEIGHT);
  return html`<text${classes ? html` class="${classes}"` : ""} x="${round(x)}" y="${round(y + size * 0.35)}" text-anchor="middle">${lines.map(
    (line, index) => html`<tspan x="${round(x)}" dy="${index ? step : 0}">${line.text}</tspan>${line.space ? " " : ""}`,
  )}</text>`;
}

function nodeLabel(node, context) {
  if (node.kind === "organisation") {
    const kind = node.organisationKind ? context.label("organisation_kind", node.organisationKind) : t("organisation");
    return `${node.name}, ${kind}.`;
  }
  const what = node.person.is_child ? t("child") : node.ring === "outer" ? t("in the wider network") : t("adult in the family");
  // No brackets: the name shown on the map must be found in the spoken name (WCAG 2.5.3).
  const known = node.person.known_as && node.person.known_as !== node.person.given_name ? t(", known as {name}", { name: node.person.known_as }) : "";
  return `${node.name}${known}, ${what}${node.role ? `, ${node.role}` : ""}.`;
}

function nodeDrawing(node, shape, position, selected, index, context) {
  const { x, y } = position;
  const isSelected = selected === node.key;
  const action = node.kind === "person" ? t("Choose to add a relationship from them") : t("Choose to add a relationship with it");
  const { lines, size, width, height, corner } = shape;
  // The selection's outline (shown when chosen), the node, and its name.
  const drawing = html`<rect class="app-network__selection" x="${round(x - width / 2 - 5)}" y="${round(y - height / 2 - 5)}" width="${round(width + 10)}" height="${round(height + 10)}" rx="${round(corner + 4)}"></rect>
    <rect x="${round(x - width / 2)}" y="${round(y - height / 2)}" width="${round(width)}" height="${round(height)}" rx="${round(corner)}"></rect>
    ${labelText(lines, x, y - ((lines.length - 1) * size * LINE_HEIGHT) / 2, size)}`;
  const classes = [
    "app-network__node",
    node.kind === "organisation" ? "app-network__node--organisation" : "",
    node.kind === "person" && node.person.is_child ? "app-network__node--child" : "",
    isSelected ? "app-network__node--selected" : "",
  ].filter(Boolean).join(" ");
  return html`<g class="${classes}" id="node-${index}" tabindex="0" role="button" data-node="${node.key}"
      aria-pressed="${isSelected ? "true" : "false"}" aria-label="${nodeLabel(node, context)} ${action}">${drawing}</g>`;
}

/** Return the words a line is labelled with (its relationship and quality), wrapped. */
function edgeLabel({ relationship }, context) {
  const quality = QUALITIES.some(([code]) => code === relationship.quality) ? relationship.quality : "";
  const words = [context.label("relationship_type", relationship.type), quality ? qualityLabel(context, quality).toLowerCase() : ""]
    .filter(Boolean)
    .join(", ");
  return { quality, size: TEXT_SIZE.edge, lines: wrapLabel(words, TEXT_SIZE.edge, LABEL_WIDTH.edge) };
}

function edgeLine({ route, label }) {
  const classes = `app-network__edge${label.quality ? ` app-network__edge--${label.quality}` : ""}`;
  return route.length === 2
    ? html`<line class="${classes}" x1="${route[0].x}" y1="${route[0].y}" x2="${route[1].x}" y2="${route[1].y}"></line>`
    : html`<polyline class="${classes}" points="${route.map((point) => `${point.x},${point.y}`).join(" ")}"></polyline>`;
}

function qualityLabel(context, quality) {
  const known = context.vocabulary("relationship_quality");
  if (!known.length && QUALITY_WORDS[quality]) return QUALITY_WORDS[quality]();
  return (known.length ? known : QUALITIES).find(([code]) => code === quality)?.[1] || quality || t("Not recorded");
}

/** Return the width the map is drawn at: the width it has on the screen. */
function mapWidth(main) {
  const available = (main?.clientWidth || MAP_WIDTH.most) - 2; // inside its border
  return Math.round(Math.min(MAP_WIDTH.most, Math.max(MAP_WIDTH.least, available)));
}

function mapDrawing(context, family, network, selected) {
  const width = mapWidth(context.main);
  const layout = layOut(network, width);
  const { shapes } = layout;
  const boxes = network.nodes.map((node) => nodeBox(shapes.get(node.key), layout.positions.get(node.key), 4)); // a little room round each
  const drawn = placeEdgeLabels(
    network.edges.filter((edge) => edge.from && edge.to).map((edge) => ({ ...edge, label: edgeLabel(edge, context), route: edgeRoute(edge, layout) })),
    boxes,
    width,
  );
  // The drawing reaches from its highest node, label or line to its lowest.
  const reaches = [...boxes, ...drawn.map((edge) => edge.at.box), ...drawn.flatMap(({ route }) => route.map(({ y }) => ({ top: y, bottom: y })))];
  const top = Math.floor(Math.min(...reaches.map((box) => box.top), 0)) - GAP.edge;
  const height = Math.ceil(Math.max(...reaches.map((box) => box.bottom), 0)) + GAP.edge - top;
  const people = network.nodes.filter((node) => node.kind === "person").length;
  const organisations = network.nodes.length - people;
  // The lines, then the nodes over them, then the lines' labels over both.
  return html`<div class="app-network">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 ${top} ${width} ${height}" width="${width}" height="${height}" role="group" aria-labelledby="network-map-title network-map-desc" focusable="false">
      <title id="network-map-title">${t("Network map: {family}", { family: family.display_name })}</title>
      <desc id="network-map-desc">${t("{people} and {organisations}, joined by {relationships}. The children are in the middle. The table after the map lists every relationship.", {
        people: tn("{count} person", "{count} people", people),
        organisations: tn("{count} organisation", "{count} organisations", organisations),
        relationships: tn("{count} relationship", "{count} relationships", drawn.length),
      })}</desc>
      ${drawn.map((edge) => edgeLine(edge))}
      ${network.nodes.map((node, index) => nodeDrawing(node, shapes.get(node.key), layout.positions.get(node.key), selected, index, context))}
      ${drawn.map((edge) => labelText(edge.label.lines, edge.at.x, edge.at.y, edge.label.size, "app-network__edge-label"))}
    </svg>
  </div>`;
}

function legend() {
  const sample = (quality, text) => html`<li class="app-network-legend__item">
    <svg class="app-network-legend__sample" viewBox="0 0 60 12" aria-hidden="true" focusable="false">
      <line class="app-network__edge${quality ? ` app-network__edge--${quality}` : ""}" x1="2" y1="6" x2="58" y2="6"></line>
    </svg>${text}</li>`;
  return html`<h2 class="govuk-heading-s">${t("Key to the lines")}</h2>
    <ul class="govuk-list app-network-legend">
      ${sample("strong", t("Strong: a thick line"))}
      ${sample("tenuous", t("Tenuous: a dashed line"))}
      ${sample("stressful", t("Stressful: a dotted orange line"))}
      ${sample("conflicted", t("Conflicted: a red line"))}
    </ul>
    <p class="govuk-body-s">${t("Each line is labelled with the relationship and its quality. Choose a person on the map to add a relationship from them.")}</p>`;
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
    return html`<p class="govuk-body">${t("No relationships recorded yet.")}</p>`;
  }
  return responsiveTable({
    caption: t("Relationships"),
    captionClass: "govuk-table__caption--m",
    classes: "app-network-table",
    columns: [t("From"), t("To"), t("Relationship"), t("Quality"), t("Support role"), t("Whose account"), { text: t("Actions"), hidden: true }],
    rows: network.edges.map(({ relationship, from, to }) => {
      const fromName = endName(from, t("Someone not on this device"));
      const toName = endName(to, relationship.to_organisation || t("Someone not on this device"));
      const pending = relationship.unsynced || data.pending("relationship", relationship.id);
      const what = t("the relationship from {from} to {to}", { from: fromName, to: toName });
      return [
        fromName,
        html`${toName}${to?.kind === "organisation" && to.organisationKind ? html`<br><span class="govuk-body-s">${label("organisation_kind", to.organisationKind)}</span>` : ""}`,
        html`${label("relationship_type", relationship.type)} ${pending ? unsyncedTag() : ""}`,
        qualityLabel(context, relationship.quality),
        html`${relationship.support_role || t("None")}${relationship.contact_restrictions ? html`<br><span class="govuk-body-s app-pre-wrap">${t("Contact restrictions:")} ${relationship.contact_restrictions}</span>` : ""}`,
        relationship.account_of === "professional" ? t("Professional's") : t("Family's"),
        html`<button type="button" class="app-link-button" data-change="${relationship.id}">${t("Change")}<span class="govuk-visually-hidden"> ${what}</span></button>
          <button type="button" class="app-link-button" data-remove="${relationship.id}">${t("Remove")}<span class="govuk-visually-hidden"> ${what}</span></button>`,
      ];
    }),
  });
}

function describe(context, network, relationship) {
  const edge = network.edges.find((candidate) => candidate.relationship.id === relationship.id);
  return t("{first} and {second}", { first: endName(edge?.from, t("someone")), second: endName(edge?.to, relationship.to_organisation || t("someone")) });
}

function changeForm(context, network, relationship, errors) {
  return html`<form id="change-form" novalidate class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m" id="change-heading" tabindex="-1">${t("Change the relationship between {who}", { who: describe(context, network, relationship) })}</h2>
    <input type="hidden" name="relationship_id" value="${relationship.id}">
    ${radios({ name: "change_quality", legend: t("How is the relationship?"), options: QUALITIES.map(([code]) => [code, qualityLabel(context, code)]), value: relationship.quality || "", error: errors.change_quality, inline: true })}
    ${textInput({ name: "change_support_role", label: t("Support role (optional)"), hint: t("For example, safety network member"), value: relationship.support_role || "", error: errors.change_support_role, width: 20 })}
    ${textarea({ name: "change_contact_restrictions", label: t("Contact restrictions (optional)"), hint: t("For example, supervised contact only"), value: relationship.contact_restrictions || "", error: errors.change_contact_restrictions, rows: 3 })}
    <p class="app-draft-saved" id="change-draft" aria-live="polite"></p>
    <div class="govuk-button-group">
      ${button(t("Save the change"))}
      <button type="button" class="app-link-button" data-network-action="cancel-change">${t("Cancel")}</button>
    </div>
  </form>`;
}

function removeConfirmation(context, network, relationship) {
  return html`<div class="govuk-!-margin-bottom-8" id="remove-confirmation">
    <h2 class="govuk-heading-m" id="remove-heading" tabindex="-1">${t("Remove the relationship between {who}?", { who: describe(context, network, relationship) })}</h2>
    <p class="govuk-body">${t("It will no longer show on the map or in the list. Its history is kept.")}</p>
    <div class="govuk-button-group">
      <button type="button" class="govuk-button govuk-button--warning" data-module="govuk-button" data-network-action="confirm-remove">${t("Yes, remove it")}</button>
      <button type="button" class="app-link-button" data-network-action="cancel-remove">${t("No, keep it")}</button>
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
    <h2 class="govuk-heading-m">${t("Add someone to the network")}</h2>
    ${select({ name: "from_person_id", label: t("Whose relationship is it?"), hint: t("You can also choose a person on the map."), options: people, error: errors.from_person_id })}
    <div class="govuk-form-group${errors.to_kind ? " govuk-form-group--error" : ""}">
      <fieldset class="govuk-fieldset" ${errors.to_kind ? html`aria-describedby="to_kind-error"` : ""}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${t("Who is it with?")}</legend>
        ${errors.to_kind ? html`<p id="to_kind-error" class="govuk-error-message"><span class="govuk-visually-hidden">${t("Error:")}</span> ${errors.to_kind}</p>` : ""}
        <div class="govuk-radios" data-network-radios>
          ${choice("member", t("Someone already in the family"), "to-member", 0)}
          ${conditional("to-member", select({ name: "to_person_id", label: t("Who in the family?"), options: people, error: errors.to_person_id }))}
          ${choice("new", t("Someone new"), "to-new", 1)}
          ${conditional(
            "to-new",
            html`${textInput({ name: "new_given_name", label: t("Given name"), error: errors.new_given_name, width: 20, autocomplete: "off", spellcheck: false })}
              ${textInput({ name: "new_family_name", label: t("Family name"), error: errors.new_family_name, width: 20, autocomplete: "off", spellcheck: false })}
              ${textInput({ name: "new_role_in_family", label: t("Who they are to the family (optional)"), hint: t("For example, family friend, neighbour, uncle"), error: errors.new_role_in_family, width: 20 })}
              <p class="govuk-body-s">${t("They are added to the family's people. Leave the relationship below blank to add them without one.")}</p>`,
          )}
          ${choice("organisation", t("An organisation"), "to-organisation", 2)}
          ${conditional(
            "to-organisation",
            html`${textInput({ name: "org_name", label: t("Name of the organisation"), hint: t("For example, Hillside Primary School"), error: errors.org_name, width: 20 })}
              ${select({ name: "org_kind", label: t("Kind of organisation (optional)"), options: vocabulary("organisation_kind"), error: errors.org_kind, placeholder: t("Not recorded") })}`,
          )}
        </div>
      </fieldset>
    </div>
    ${select({ name: "type", label: t("What are they to the first person?"), hint: t("For example, Mother, Friend, Teacher or school"), options: vocabulary("relationship_type"), error: errors.type })}
    ${radios({ name: "quality", legend: t("How is the relationship?"), options: QUALITIES.map(([code]) => [code, qualityLabel(context, code)]), error: errors.quality, inline: true })}
    ${textInput({ name: "support_role", label: t("Support role (optional)"), hint: t("For example, safety network member"), error: errors.support_role, width: 20 })}
    ${textarea({ name: "contact_restrictions", label: t("Contact restrictions (optional)"), error: errors.contact_restrictions, rows: 2 })}
    ${radios({ name: "account_of", legend: t("Whose account of the relationship is this?"), options: accounts(), error: errors.account_of, inline: true })}
    <p class="app-draft-saved" id="add-draft" aria-live="polite"></p>
    ${button(t("Add to the network"))}
  </form>`;
}

function checkAdd(values) {
  const errors = {};
  const kind = values.to_kind;
  const relating = kind !== "new" || values.type || values.quality;
  if (!kind) {
    errors.to_kind = t("Select who the relationship is with");
  }
  if (kind === "member") {
    if (!values.to_person_id) {
      errors.to_person_id = t("Select who in the family");
    } else if (values.to_person_id === values.from_person_id) {
      errors.to_person_id = t("Select someone other than the first person");
    }
  }
  if (kind === "new") {
    if (!values.new_given_name.trim()) errors.new_given_name = t("Enter their given name");
    if (!values.new_family_name.trim()) errors.new_family_name = t("Enter their family name");
    if (values.new_given_name.trim().length > 120) errors.new_given_name = t("The given name must be 120 characters or fewer");
    if (values.new_family_name.trim().length > 120) errors.new_family_name = t("The family name must be 120 characters or fewer");
    if (values.new_role_in_family.trim().length > 40) errors.new_role_in_family = t("Who they are to the family must be 40 characters or fewer");
  }
  if (kind === "organisation") {
    if (!values.org_name.trim()) errors.org_name = t("Enter the name of the organisation");
    else if (values.org_name.trim().length > 200) errors.org_name = t("The name must be 200 characters or fewer");
  }
  if (relating) {
    if (!values.from_person_id) errors.from_person_id = t("Select whose relationship it is");
    if (!values.type) errors.type = t("Select what they are to the first person");
    if (!values.quality) errors.quality = t("Select how the relationship is");
    if (!values.account_of) errors.account_of = t("Select whose account of the relationship this is");
  }
  if (values.support_role.trim().length > 80) {
    errors.support_role = t("The support role must be 80 characters or fewer");
  }
  // Keep the error summary in the order of the form.
  const order = ["from_person_id", "to_kind", "to_person_id", "new_given_name", "new_family_name", "new_role_in_family", "org_name", "type", "quality", "support_role", "account_of"];
  return Object.fromEntries(order.filter((field) => errors[field]).map((field) => [field, errors[field]]));
}

function checkChange(values) {
  const errors = {};
  if (!values.change_quality) {
    errors.change_quality = t("Select how the relationship is");
  }
  if (values.change_support_role.trim().length > 80) {
    errors.change_support_role = t("The support role must be 80 characters or fewer");
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
      return html`<div id="network-page">${backLink("#/", t("Back to your caseload"))}
        <h1 class="govuk-heading-l">${t("Family not found")}</h1>
        <p class="govuk-body">${t("This family is not on this device.")}</p></div>`;
    }
    const network = networkOf(data, familyId);
    const changing = state.changing && data.get("relationship", state.changing);
    const removing = state.removing && data.get("relationship", state.removing);
    const errors = state.errors;
    return html`<div id="network-page">
      ${backLink(`#/family/${familyId}`, t("Back to {family}", { family: family.display_name }))}
      ${errorSummary(errors)}
      ${successBanner(state.message)}
      <span class="govuk-caption-l">${family.display_name}</span>
      <h1 class="govuk-heading-l">${t("Network map")}</h1>
      <p class="govuk-body">${t("The children are in the middle, the adults of their family above them, and friends, professionals and organisations below.")}</p>
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
      highlight(nodeKey, person ? t("{name} chosen: the form below adds a relationship from them.", { name: fullName(person) }) : t("They chosen: the form below adds a relationship from them."));
    } else {
      const network = networkOf(data, familyId);
      const node = network.nodes.find((candidate) => candidate.key === nodeKey);
      if (!node) return;
      form.querySelector('input[name="to_kind"][value="organisation"]').checked = true;
      form.querySelector("#org_name").value = node.name;
      form.querySelector("#org_kind").value = node.organisationKind;
      form.querySelector("#org_kind").dispatchEvent(new Event("change", { bubbles: true }));
      showChosenReveal(screen.root());
      highlight(nodeKey, t("{name} chosen: the form below adds a relationship with it.", { name: node.name }));
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
        message = t("{name} added to the network.", { name: `${person.given_name} ${person.family_name}` });
        if (values.type) {
          await session.sync.enqueue("relationship", "create", newId(), { ...relationship, to_person_id: personId });
        }
      } else if (values.to_kind === "member") {
        await session.sync.enqueue("relationship", "create", newId(), { ...relationship, to_person_id: values.to_person_id });
        message = t("Relationship added to the network.");
      } else {
        await session.sync.enqueue("relationship", "create", newId(), {
          ...relationship,
          to_organisation: values.org_name.trim(),
          organisation_kind: values.org_kind || null,
        });
        message = t("{name} added to the network.", { name: values.org_name.trim() });
      }
    } catch (error) {
      return failed("add-form", values, { from_person_id: t("Not saved: {why}", { why: storageMessage(error) }) });
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
      return done("change-form", t("That relationship has been removed, so there was nothing to change."));
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
        return failed("change-form", values, { change_quality: t("Not saved: {why}", { why: storageMessage(error) }) });
      }
    }
    state.changing = null;
    return done("change-form", Object.keys(changes).length ? t("Relationship changed.") : t("Nothing was changed in the relationship."));
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
        screen.root().querySelector("#network-status").textContent = t("Not removed: {why}", { why: storageMessage(error) });
        return;
      }
      return done(null, t("Relationship removed."));
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
  window.addEventListener("resize", onChange); // the map is drawn for the width it has
  return () => {
    data.removeEventListener("change", onChange);
    window.removeEventListener("resize", onChange);
    screen.stop();
  };
}
