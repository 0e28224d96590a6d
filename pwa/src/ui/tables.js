// Tables that fit a phone. Below the tablet breakpoint a responsive table
// stacks each row into a block, every cell under its column's heading (the
// responsive table pattern of HMRC's design system, on GOV.UK's table). The
// style sheet draws the headings repeated in the cells, with no text for
// screen readers, which hear the table's own headers; the ARIA roles keep it
// a table for screen readers in browsers that drop a table's meaning once its
// display changes.

import { html } from "./html.js";

function isCell(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value) && "content" in value;
}

function isBlank(content) {
  return content === null || content === undefined || content === false || String(content).trim() === "";
}

/**
 * A GOV.UK table whose rows stack on a phone.
 *
 * columns: the headings, each text or {text, hidden}: a hidden heading (such
 *   as "Actions" over buttons that name what they do) is for screen readers
 *   only and is not repeated in its cells.
 * rows: each an array of cells, or {cells, attributes} with attributes as html.
 *   A cell is its content, or {content, classes, header}; header makes it the
 *   row's header (a th with scope row). An empty cell is left out of the
 *   stacked row rather than showing a heading over nothing.
 * caption: the table's name; captionClass its size, or "govuk-visually-hidden".
 */
export function responsiveTable({ caption, captionClass = "govuk-visually-hidden", columns, rows, id = "", classes = "" }) {
  const headings = columns.map((column) => (typeof column === "object" && column !== null && "text" in column ? column : { text: column }));
  const cell = (value, index) => {
    const { content, classes: cellClasses = "", header = false } = isCell(value) ? value : { content: value };
    const heading = headings[index];
    const blank = isBlank(content);
    const names = [header ? "govuk-table__header" : "govuk-table__cell", cellClasses, blank ? "app-responsive-table__cell--empty" : ""]
      .filter(Boolean)
      .join(" ");
    const label = heading && !heading.hidden ? html` data-heading="${heading.text}"` : "";
    return header
      ? html`<th scope="row" role="rowheader" class="${names}"${label}>${content}</th>`
      : html`<td role="cell" class="${names}"${label}>${content}</td>`;
  };
  return html`<table class="govuk-table app-responsive-table${classes ? ` ${classes}` : ""}" role="table" ${id ? html`id="${id}"` : ""}>
    <caption class="govuk-table__caption${captionClass ? ` ${captionClass}` : ""}">${caption}</caption>
    <thead class="govuk-table__head" role="rowgroup"><tr class="govuk-table__row" role="row">
      ${headings.map(
        (heading) => html`<th scope="col" role="columnheader" class="govuk-table__header">${heading.hidden ? html`<span class="govuk-visually-hidden">${heading.text}</span>` : heading.text}</th>`,
      )}
    </tr></thead>
    <tbody class="govuk-table__body" role="rowgroup">
      ${rows.map((row) => {
        const { cells, attributes = "" } = Array.isArray(row) ? { cells: row } : row;
        return html`<tr class="govuk-table__row" role="row" ${attributes}>${cells.map(cell)}</tr>`;
      })}
    </tbody>
  </table>`;
}
