import { describe, expect, it } from "vitest";
import { html } from "../src/ui/html.js";
import { responsiveTable } from "../src/ui/tables.js";

const table = (rows, columns = ["Worker", "Why it changed", { text: "Actions", hidden: true }]) =>
  String(responsiveTable({ caption: "Workers", columns, rows }));

describe("a table whose rows stack on a phone", () => {
  it("gives each cell its column's heading to show on a phone", () => {
    const markup = table([[{ content: "Amara <Okafor>", header: true }, "Worker left", html`<button>Change</button>`]]);
    expect(markup).toContain('<th scope="row" role="rowheader" class="govuk-table__header" data-heading="Worker">Amara &lt;Okafor&gt;</th>');
    expect(markup).toContain('<td role="cell" class="govuk-table__cell" data-heading="Why it changed">Worker left</td>');
    // A heading for screen readers only is not repeated over the buttons it names.
    expect(markup).toContain('<td role="cell" class="govuk-table__cell"><button>Change</button></td>');
    expect(markup).toContain('<th scope="col" role="columnheader" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>');
  });

  it("leaves an empty cell out of the stacked row", () => {
    const markup = table([["Amara", "", html``]]);
    expect(markup).toContain('class="govuk-table__cell app-responsive-table__cell--empty" data-heading="Why it changed"></td>');
  });

  it("keeps the table's meaning for screen readers and each row's attributes", () => {
    const markup = table([{ attributes: html`data-family="f-1"`, cells: ["Amara", "Worker left", ""] }]);
    expect(markup).toMatch(/^<table class="govuk-table app-responsive-table" role="table"/);
    expect(markup).toContain('<caption class="govuk-table__caption govuk-visually-hidden">Workers</caption>');
    expect(markup).toContain('<tr class="govuk-table__row" role="row" data-family="f-1">');
    expect(markup.match(/role="rowgroup"/g)).toHaveLength(2);
  });
});
