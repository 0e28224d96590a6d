"""A service summary in the formats analysts download: CSV, XLSX, JSON and a printable report.

Every renderer reads the summary as :func:`server.reports.summary.build_summary`
returns it, already disclosure-controlled; none of them computes a figure.
Text that a spreadsheet would run as a formula is escaped in CSV and XLSX;
all text is escaped in HTML, which makes no external requests and runs no
script. The report reflows to a phone's width: tables stack, row by row, and
charts are bars drawn in HTML whose labels wrap.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..domain.plain_dates import date_and_time
from .definitions import definitions_for

FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
}

# A spreadsheet runs a cell starting with one of these as a formula (or DDE).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
KEY_TO_SYMBOLS = (
    ("c", "Suppressed to protect privacy: a count from 1 to 5, or a figure that would reveal one."),
    ("x", "Not applicable: nothing to count a share or a median of."),
)


def render(summary: dict[str, Any], fmt: str) -> bytes:
    """Render a summary as CSV, XLSX, JSON, or a printable HTML report with SVG charts."""
    renderers: dict[str, Callable[[dict[str, Any]], bytes]] = {
        "csv": _csv,
        "xlsx": _xlsx,
        "json": _json,
        "html": _html,
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderers[fmt](summary)


def spreadsheet_safe(value: Any) -> Any:
    """Return a cell value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _table_lines(table: dict[str, Any]) -> Iterator[list[Any]]:
    """Yield a table as lines of cells: header, each row, then the total."""
    yield [table["row_header"], *table["columns"]]
    for row in table["rows"]:
        yield [row["label"], *row["cells"]]
    if table.get("total"):
        yield [table["total"]["label"], *table["total"]["cells"]]


def produced(summary: dict[str, Any]) -> str:
    """Return when the summary was produced, in words: "5 December 2026 at 2:30pm"."""
    return date_and_time(datetime.fromisoformat(summary["generated_at"]))


def definitions(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the summary's definitions; one made before they were kept gets today's."""
    found: dict[str, Any] | None = summary.get("definitions")
    return found if found else definitions_for(summary["tables"])


def _about_lines(summary: dict[str, Any]) -> list[list[Any]]:
    return [
        [summary["title"]],
        ["Period", summary["period"]["label"]],
        ["Produced", produced(summary)],
        *[[symbol, meaning] for symbol, meaning in KEY_TO_SYMBOLS],
    ]


def _definition_lines(summary: dict[str, Any]) -> list[list[Any]]:
    """Return the definitions as lines of cells: the common rules, then each measure."""
    words = definitions(summary)
    lines: list[list[Any]] = [["What the figures count"]]
    lines += [["All measures", rule] for rule in words["common"]]
    for measure in words["measures"]:
        lines += [[measure["title"], text] for text in measure["text"]]
    return lines


def _csv(summary: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def write(cells: Sequence[Any]) -> None:
        writer.writerow(["" if cell is None else spreadsheet_safe(cell) for cell in cells])

    for line in _about_lines(summary):
        write(line)
    for table in summary["tables"]:
        write([])
        write([table["title"]])
        for line in _table_lines(table):
            write(line)
    write([])
    for line in _definition_lines(summary):
        write(line)
    # A byte order mark, so spreadsheet programs read the file as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "", title).strip()[:28] or "Table"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:26]} {n}"
        n += 1
    taken.add(name.lower())
    return name


def _xlsx(summary: dict[str, Any]) -> bytes:
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "About"
    taken = {"about"}
    for line in _about_lines(summary):
        about.append([spreadsheet_safe(cell) for cell in line])
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 90
    for table in summary["tables"]:
        sheet = workbook.create_sheet(_sheet_title(table["title"], taken))
        sheet.append([spreadsheet_safe(table["title"])])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([spreadsheet_safe(table["description"])])
        sheet.append([])
        for number, line in enumerate(_table_lines(table)):
            sheet.append([spreadsheet_safe(cell) for cell in line])
            if number == 0 or (table.get("total") and number == len(table["rows"]) + 1):
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        for cell in sheet[4]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions["A"].width = 28
        sheet.freeze_panes = "B5"
    defined = workbook.create_sheet(_sheet_title("Definitions", taken))
    for line in _definition_lines(summary):
        defined.append([spreadsheet_safe(cell) for cell in line])
    defined["A1"].font = Font(bold=True, size=13)
    defined.column_dimensions["A"].width = 40
    defined.column_dimensions["B"].width = 120
    for row in defined.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _json(summary: dict[str, Any]) -> bytes:
    return json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8")


# --- the printable report ------------------------------------------------------------------

STYLE = """
:root { color-scheme: light; }
*, *::before, *::after { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: #0b0c0c;
  background: #fff; margin: 0; line-height: 1.32; font-size: 19px; overflow-wrap: break-word; }
header.banner { background: #0b0c0c; color: #fff; padding: 10px 30px; font-weight: 700; }
main { max-width: 1020px; margin: 0 auto; padding: 20px 30px 60px; }
h1 { font-size: 48px; line-height: 1.04; margin: 30px 0 15px; }
h2 { font-size: 27px; margin: 45px 0 10px; padding-top: 10px; border-top: 1px solid #b1b4b6; }
h3 { font-size: 21px; margin: 30px 0 10px; }
p.lead { font-size: 24px; }
.caption { color: #505a5f; font-size: 19px; display: block; margin-bottom: 5px; }
dl.key { display: grid; grid-template-columns: 3em 1fr; gap: 5px 10px; }
dl.key dt { font-weight: 700; } dl.key dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 15px 0 30px; font-size: 16px; }
caption { text-align: left; font-weight: 700; font-size: 19px; margin-bottom: 10px; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 8px 10px 8px 0; text-align: left;
  vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid #0b0c0c; }
figure { margin: 20px 0 5px; }
figcaption { font-size: 16px; color: #0b0c0c; margin-top: 10px; }
.bars { max-width: 760px; }
.bar-row { display: grid; grid-template-columns: minmax(7em, 14em) 1fr; gap: 2px 10px;
  align-items: center; margin-bottom: 6px; font-size: 16px; }
.bar-track { display: flex; align-items: center; gap: 8px; min-width: 0; }
.bar-plot { flex: 1 1 auto; min-width: 0; }
.bar { display: block; height: 20px; background: #1d70b8; }
.bar-value { flex: none; font-variant-numeric: tabular-nums; }
.appendix li, .appendix p { max-width: 40em; }
ol.contents li { margin-bottom: 10px; }
footer.report-footer { max-width: 1020px; margin: 0 auto; padding: 0 30px 30px;
  font-size: 16px; color: #0b0c0c; }
footer.report-footer p { border-top: 1px solid #b1b4b6; padding-top: 15px; margin: 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
a { color: #1d70b8; }
@media screen and (max-width: 40em) {
  body { font-size: 16px; }
  header.banner { padding: 10px 15px; }
  main { padding: 10px 15px 40px; }
  footer.report-footer { padding: 0 15px 20px; }
  h1 { font-size: 32px; } h2 { font-size: 24px; } h3 { font-size: 19px; }
  p.lead { font-size: 19px; }
  .bar-row { grid-template-columns: 1fr; margin-bottom: 10px; }
  /* Each row of a table becomes a block: its name, then each figure beside its column's name. */
  table.stack, table.stack caption, table.stack tbody, table.stack tfoot, table.stack tr,
  table.stack th, table.stack td { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; margin: 0; overflow: hidden;
    clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
  table.stack tr { border-bottom: 1px solid #b1b4b6; padding: 10px 0; }
  table.stack tfoot tr { border-top: 2px solid #0b0c0c; border-bottom: 0; }
  table.stack th, table.stack td { border: 0; padding: 2px 0; }
  table.stack th[scope="row"] { font-size: 19px; padding-bottom: 5px; }
  table.stack td { display: flex; justify-content: space-between; gap: 15px; }
  table.stack td::before { content: attr(data-label); text-align: left; font-weight: 400; }
}
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 11pt; }
  header.banner { background: none; color: #000; border-bottom: 2pt solid #000; padding: 0; }
  main, footer.report-footer { max-width: none; padding: 0; }
  h1 { font-size: 24pt; } h2 { font-size: 16pt; break-after: avoid; } h3 { font-size: 13pt; }
  table { font-size: 9pt; }
  section.measure, figure, table { break-inside: avoid; }
  thead { display: table-header-group; }
  .bar { background: #1d70b8; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _html_table(table: dict[str, Any]) -> str:
    # Explicit roles keep the table a table for screen readers when a phone's
    # styles stack its rows; data-label names each figure's column there.
    columns = table["columns"]

    def cells(values: list[Any]) -> str:
        return "".join(
            f'<td role="cell" class="number" data-label="{_e(column)}">{_e(_shown(cell))}</td>'
            for column, cell in zip(columns, values, strict=True)
        )

    head = "".join(
        f'<th role="columnheader" scope="col" class="number">{_e(c)}</th>' for c in columns
    )
    body = "".join(
        f'<tr role="row"><th role="rowheader" scope="row">{_e(row["label"])}</th>'
        f"{cells(row['cells'])}</tr>"
        for row in table["rows"]
    )
    foot = ""
    if table.get("total"):
        total = table["total"]
        foot = (
            f'<tfoot role="rowgroup"><tr role="row"><th role="rowheader" scope="row">'
            f"{_e(total['label'])}</th>{cells(total['cells'])}</tr></tfoot>"
        )
    return (
        f'<table class="stack" role="table" id="table-{_e(table["id"])}">'
        f"<caption>{_e(table['title'])}</caption>"
        f'<thead role="rowgroup"><tr role="row">'
        f'<th role="columnheader" scope="col">{_e(table["row_header"])}</th>{head}</tr></thead>'
        f'<tbody role="rowgroup">{body}</tbody>{foot}</table>'
    )


def _bar_chart(chart: dict[str, Any]) -> str:
    """Return a horizontal bar chart in HTML, one image to screen readers, with its description."""
    values = chart["values"]
    top = chart.get("maximum") or max([*(v for v in values if _is_number(v)), 1])
    ident = _e(chart["id"])
    rows = []
    for label, value in zip(chart["categories"], values, strict=True):
        share = 0.0
        if _is_number(value) and top:
            share = max(0.0, min(1.0, float(value) / float(top))) * 100
        bar = f'<span class="bar" style="width: {share:.1f}%"></span>' if share else ""
        rows.append(
            f'<div class="bar-row"><span class="bar-label">{_e(label)}</span>'
            f'<span class="bar-track"><span class="bar-plot">{bar}</span>'
            f'<span class="bar-value">{_e(_shown(value))}</span></span></div>'
        )
    return (
        f'<div class="bars" role="img" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-desc">' + "".join(rows) + "</div>"
    )


def _figure(chart: dict[str, Any]) -> str:
    ident = _e(chart["id"])
    return (
        f'<figure id="chart-{ident}">{_bar_chart(chart)}'
        f'<figcaption><strong id="{ident}-title">{_e(chart["title"])}</strong>. '
        f'<span id="{ident}-desc">{_e(chart["alt_text"])}</span> '
        f'<a href="#table-{_e(chart["table_id"])}">The figures are in the table below.</a>'
        "</figcaption></figure>"
    )


def _appendix(summary: dict[str, Any]) -> str:
    words = definitions(summary)
    rules = "".join(f"<li>{_e(rule)}</li>" for rule in words["common"])
    measures = "".join(
        f'<h3 id="definition-{_e(measure["id"])}">{_e(measure["title"])}</h3>'
        + "".join(f"<p>{_e(text)}</p>" for text in measure["text"])
        for measure in words["measures"]
    )
    return (
        '<section class="appendix" id="appendix" aria-labelledby="appendix-heading">'
        '<h2 id="appendix-heading">Appendix: what each measure counts</h2>'
        "<h3>Rules for every measure</h3>"
        f"<ul>{rules}</ul>{measures}</section>"
    )


def _html(summary: dict[str, Any]) -> bytes:
    charts_by_table: dict[str, list[dict[str, Any]]] = {}
    for chart in summary["charts"]:
        charts_by_table.setdefault(chart["table_id"], []).append(chart)
    defined = {measure["id"] for measure in definitions(summary)["measures"]}
    contents = "".join(
        f'<li><a href="#section-{_e(t["id"])}">{_e(t["title"])}</a></li>' for t in summary["tables"]
    )
    sections = []
    for table in summary["tables"]:
        figures = "".join(_figure(chart) for chart in charts_by_table.get(table["id"], []))
        how = (
            f' <a href="#definition-{_e(table["id"])}">How this is counted'
            f'<span class="visually-hidden"> for {_e(table["title"])}</span></a>'
            if table["id"] in defined
            else ""
        )
        sections.append(
            f'<section class="measure" id="section-{_e(table["id"])}" '
            f'aria-labelledby="heading-{_e(table["id"])}">'
            f'<h2 id="heading-{_e(table["id"])}">{_e(table["title"])}</h2>'
            f"<p>{_e(table['description'])}{how}</p>"
            f"{figures}{_html_table(table)}</section>"
        )
    key = "".join(f"<dt>{_e(s)}</dt><dd>{_e(m)}</dd>" for s, m in KEY_TO_SYMBOLS)
    document = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(summary['title'])}: {_e(summary['period']['label'])}</title>"
        f"<style>{STYLE}</style></head><body>"
        '<header class="banner">Family Fieldwork: council service summary</header>'
        f'<main><span class="caption">{_e(summary["period"]["label"])}</span>'
        f"<h1>{_e(summary['title'])}</h1>"
        f'<p class="lead">Figures for each team and the whole council, from '
        f"{_e(summary['period']['label'])}. Produced on {_e(produced(summary))}.</p>"
        "<h2>How to read these figures</h2>"
        "<p>Small numbers are hidden so that no child or family can be identified, as the "
        "Department for Education does in its statistics. Percentages are rounded to one "
        "decimal place. A 0 is a true zero.</p>"
        f'<dl class="key">{key}</dl>'
        '<p>What each measure counts is set out in the <a href="#appendix">appendix</a> at '
        "the end of this report.</p>"
        f'<h2>Contents</h2><ol class="contents">{contents}'
        '<li><a href="#appendix">Appendix: what each measure counts</a></li></ol>'
        + "".join(sections)
        + _appendix(summary)
        + "</main>"
        '<footer class="report-footer"><p>'
        "This summary holds figures for teams and the whole council only: no names, dates "
        "of birth, notes or record numbers. Counts from 1 to 5 are hidden.</p>"
        "</footer></body></html>"
    )
    return document.encode("utf-8")
