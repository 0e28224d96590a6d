"""A service summary in the formats analysts download: CSV, XLSX, JSON and a printable report.

Every renderer reads the summary as :func:`server.reports.summary.build_summary`
returns it, already disclosure-controlled; none of them computes a figure.
Text that a spreadsheet would run as a formula is escaped in CSV and XLSX;
all text is escaped in HTML, which makes no external requests and runs no
script.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

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


def _about_lines(summary: dict[str, Any]) -> list[list[Any]]:
    return [
        [summary["title"]],
        ["Period", summary["period"]["label"]],
        ["Produced", summary["generated_at"]],
        ["Definitions", summary["definitions_url"]],
        *[[symbol, meaning] for symbol, meaning in KEY_TO_SYMBOLS],
    ]


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
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _json(summary: dict[str, Any]) -> bytes:
    return json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8")


# --- the printable report ------------------------------------------------------------------

STYLE = """
:root { color-scheme: light; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: #0b0c0c;
  background: #fff; margin: 0; line-height: 1.32; font-size: 19px; }
header.banner { background: #0b0c0c; color: #fff; padding: 10px 30px; font-weight: 700; }
main { max-width: 1020px; margin: 0 auto; padding: 20px 30px 60px; }
h1 { font-size: 48px; line-height: 1.04; margin: 30px 0 15px; }
h2 { font-size: 27px; margin: 45px 0 10px; padding-top: 10px; border-top: 1px solid #b1b4b6; }
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
figcaption { font-size: 16px; color: #0b0c0c; margin-top: 5px; }
svg text { font-family: Arial, sans-serif; font-size: 13px; fill: #0b0c0c; }
svg .bar { fill: #1d70b8; }
a { color: #1d70b8; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 11pt; }
  header.banner { background: none; color: #000; border-bottom: 2pt solid #000; padding: 0; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 24pt; } h2 { font-size: 16pt; break-after: avoid; }
  table { font-size: 9pt; }
  section.measure, figure, table { break-inside: avoid; }
  thead { display: table-header-group; }
  svg .bar { fill: #1d70b8; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 210
PLOT_WIDTH = 480
VALUE_WIDTH = 90


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


def _html_table(table: dict[str, Any]) -> str:
    head = "".join(f'<th scope="col" class="number">{_e(c)}</th>' for c in table["columns"])
    body = "".join(
        f'<tr><th scope="row">{_e(row["label"])}</th>'
        + "".join(f'<td class="number">{_e(_shown(cell))}</td>' for cell in row["cells"])
        + "</tr>"
        for row in table["rows"]
    )
    foot = ""
    if table.get("total"):
        total = table["total"]
        foot = (
            f'<tfoot><tr><th scope="row">{_e(total["label"])}</th>'
            + "".join(f'<td class="number">{_e(_shown(cell))}</td>' for cell in total["cells"])
            + "</tr></tfoot>"
        )
    return (
        f'<table id="table-{_e(table["id"])}"><caption>{_e(table["title"])}</caption>'
        f'<thead><tr><th scope="col">{_e(table["row_header"])}</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody>{foot}</table>"
    )


def _svg_chart(chart: dict[str, Any]) -> str:
    """Return a horizontal bar chart as inline SVG, titled and described for screen readers."""
    values = chart["values"]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    top = chart.get("maximum") or max([*numbers, 1])
    height = len(values) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    ident = _e(chart["id"])
    bars = []
    for index, (label, value) in enumerate(zip(chart["categories"], values, strict=True)):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        bars.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">{_e(label)}</text>'
        )
        length = 0.0
        if isinstance(value, int | float) and not isinstance(value, bool) and top:
            length = max(0.0, min(1.0, float(value) / float(top))) * PLOT_WIDTH
            bars.append(
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}"/>'
            )
        bars.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle}">{_e(_shown(value))}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{_e(chart["title"])}</title>'
        f'<desc id="{ident}-desc">{_e(chart["alt_text"])}</desc>'
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" stroke="#0b0c0c"/>'
        + "".join(bars)
        + "</svg>"
    )


def _figure(chart: dict[str, Any]) -> str:
    return (
        f'<figure id="chart-{_e(chart["id"])}">{_svg_chart(chart)}'
        f"<figcaption><strong>{_e(chart['title'])}.</strong> {_e(chart['alt_text'])} "
        f'<a href="#table-{_e(chart["table_id"])}">The figures are in the table below.</a>'
        "</figcaption></figure>"
    )


def _html(summary: dict[str, Any]) -> bytes:
    charts_by_table: dict[str, list[dict[str, Any]]] = {}
    for chart in summary["charts"]:
        charts_by_table.setdefault(chart["table_id"], []).append(chart)
    contents = "".join(
        f'<li><a href="#section-{_e(t["id"])}">{_e(t["title"])}</a></li>' for t in summary["tables"]
    )
    sections = []
    for table in summary["tables"]:
        figures = "".join(_figure(chart) for chart in charts_by_table.get(table["id"], []))
        sections.append(
            f'<section class="measure" id="section-{_e(table["id"])}">'
            f"<h2>{_e(table['title'])}</h2><p>{_e(table['description'])}</p>"
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
        '<header class="banner">Family fieldwork: council service summary</header>'
        f'<main><span class="caption">{_e(summary["period"]["label"])}</span>'
        f"<h1>{_e(summary['title'])}</h1>"
        f'<p class="lead">Figures for each team and the whole council, from '
        f"{_e(summary['period']['label'])}. Produced {_e(summary['generated_at'])}.</p>"
        "<h2>How to read these figures</h2>"
        "<p>Small numbers are hidden so that no child or family can be identified, as the "
        "Department for Education does in its statistics. Percentages are rounded to one "
        "decimal place. A 0 is a true zero.</p>"
        f'<dl class="key">{key}</dl>'
        f"<p>Each measure is defined in {_e(summary['definitions_url'])}.</p>"
        f"<h2>Contents</h2><ol>{contents}</ol>" + "".join(sections) + "</main></body></html>"
    )
    return document.encode("utf-8")
