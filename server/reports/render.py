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
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import jinja2
from flask_babel import format_date, gettext

from .. import i18n
from ..domain.errors import translatable
from ..domain.languages import ENGLISH, WELSH
from ..domain.plain_dates import date_and_time
from . import summary as words_of
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
    (
        "c",
        translatable(
            "Suppressed to protect privacy: a count from 1 to 5, or a figure that would reveal one."
        ),
    ),
    ("x", translatable("Not applicable: nothing to count a share or a median of.")),
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


def _about_lines(summary: dict[str, Any], stored: dict[str, Any]) -> list[list[Any]]:
    return [
        [summary["title"]],
        [gettext("Period"), summary["period"]["label"]],
        [gettext("Produced"), produced_in_reader_language(stored)],
        *[[symbol, gettext(meaning)] for symbol, meaning in KEY_TO_SYMBOLS],
    ]


def _definition_lines(summary: dict[str, Any]) -> list[list[Any]]:
    """Return the definitions as lines of cells: the common rules, then each measure."""
    words = definitions(summary)
    lines: list[list[Any]] = [[gettext("What the figures count")]]
    lines += [[gettext("All measures"), rule] for rule in words["common"]]
    for measure in words["measures"]:
        lines += [[measure["title"], text] for text in measure["text"]]
    return lines


def _csv(stored: dict[str, Any]) -> bytes:
    """The summary as CSV, in the reader's language, like the printable report."""
    summary = in_reader_language(stored)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def write(cells: Sequence[Any]) -> None:
        writer.writerow(["" if cell is None else spreadsheet_safe(cell) for cell in cells])

    for line in _about_lines(summary, stored):
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


def _xlsx(stored: dict[str, Any]) -> bytes:
    """The summary as a workbook, in the reader's language, like the printable report."""
    # Imported here: openpyxl takes most of a second to import, which every
    # process paid on start for the rare summary downloaded as a spreadsheet.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    summary = in_reader_language(stored)
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    taken: set[str] = set()
    about.title = _sheet_title(gettext("About"), taken)
    for line in _about_lines(summary, stored):
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
    defined = workbook.create_sheet(_sheet_title(gettext("Definitions"), taken))
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

# Its own environment rather than Flask's: reports are rendered in background
# jobs as well as requests, and autoescaping is never left to a file's name.
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("server", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)


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


def _bars(chart: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each bar's label, value and length as a share (0 to 100) of the chart's top."""
    values = chart["values"]
    top = chart.get("maximum") or max([*(v for v in values if _is_number(v)), 1])
    bars = []
    for label, value in zip(chart["categories"], values, strict=True):
        share = 0.0
        if _is_number(value) and top:
            share = max(0.0, min(1.0, float(value) / float(top))) * 100
        bars.append({"label": label, "value": value, "share": share})
    return bars


i18n.install_in(TEMPLATES)  # the chronology's print speaks the printing person's language
TEMPLATES.filters["shown"] = _shown
TEMPLATES.globals.update(zip=lambda *rows: zip(*rows, strict=True), bars=_bars)


# --- the printable report in the reader's language ----------------------------------------


def _month_labels(summary: dict[str, Any]) -> dict[str, str]:
    """Return the contact table's month rows, "October 2026", in the current language.

    The months are the 12 to the end of the period, so they are worked out
    again from the period rather than read back from the English.
    """
    last = date.fromisoformat(summary["period"]["end"]) - timedelta(days=1)
    first = words_of._add_months(date(last.year, last.month, 1), 1 - words_of.CONTACT_CHART_MONTHS)
    months = [words_of._add_months(first, n) for n in range(words_of.CONTACT_CHART_MONTHS)]
    return {f"{m:%B %Y}": format_date(m, format="LLLL y") for m in months}


def in_reader_language(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the summary with its words in the current language; English is returned as stored.

    A summary is kept in English (a scheduled one has no one asking for it),
    so its fixed words are looked up in the catalogue as they are shown, and
    those with a date or a number are made again from the period. Team names
    and the council's own decision categories are its own words, shown as written.
    """
    if i18n.current_language() == ENGLISH:
        return summary
    period = summary["period"]
    first = date.fromisoformat(period["start"])
    last = date.fromisoformat(period["end"]) - timedelta(days=1)
    months = _month_labels(summary)

    def label(text: Any) -> Any:
        # Rows and bars are teams (their own names) or fixed words: only the latter change.
        if not isinstance(text, str):
            return text
        return months.get(text) or gettext(text)

    made_again = {
        "continuity": {
            "description": gettext(words_of.CONTINUITY_DESCRIPTION).format(day=i18n.long_date(last))
        },
        "contacts_by_month": {
            "description": gettext(words_of.CONTACTS_BY_MONTH_DESCRIPTION).format(
                months=words_of.CONTACT_CHART_MONTHS
            ),
            "total": gettext(words_of.ALL_MONTHS).format(months=words_of.CONTACT_CHART_MONTHS),
        },
    }
    tables = []
    for table in summary["tables"]:
        again = made_again.get(table["id"], {})
        total = table.get("total")
        tables.append(
            {
                **table,
                "title": gettext(table["title"]),
                "description": again.get("description") or gettext(table["description"]),
                "row_header": gettext(table["row_header"]),
                "columns": [label(column) for column in table["columns"]],
                "rows": [{**row, "label": label(row["label"])} for row in table["rows"]],
                "total": (
                    {**total, "label": again.get("total") or label(total["label"])}
                    if total
                    else total
                ),
            }
        )
    table_titles = {table["id"]: table["title"] for table in tables}
    charts = []
    for chart in summary["charts"]:
        categories = [label(category) for category in chart["categories"]]
        described_as = words_of.CHART_WORDS.get(chart["id"])
        charts.append(
            {
                **chart,
                "title": gettext(chart["title"]),
                "series": gettext(chart["series"]),
                "categories": categories,
                # Described again in the reader's words; a chart the app no longer
                # draws keeps its stored description.
                "alt_text": (
                    words_of.describe_chart(
                        described_as, categories, chart["values"], table_titles[chart["table_id"]]
                    )
                    if described_as is not None
                    else chart["alt_text"]
                ),
            }
        )
    words = definitions(summary)
    return {
        **summary,
        "title": gettext(summary["title"]),
        "period": {
            **period,
            "label": gettext(words_of.PERIOD_LABEL).format(
                first=i18n.long_date(first), last=i18n.long_date(last)
            ),
        },
        "tables": tables,
        "charts": charts,
        "definitions": {
            "common": [gettext(rule) for rule in words["common"]],
            "measures": [
                {
                    **measure,
                    "title": gettext(measure["title"]),
                    "text": [gettext(text) for text in measure["text"]],
                }
                for measure in words["measures"]
            ],
        },
    }


def produced_in_reader_language(summary: dict[str, Any]) -> str:
    """Return when the summary was produced, in words of the current language."""
    if i18n.current_language() == ENGLISH:
        return produced(summary)
    return i18n.date_and_time(datetime.fromisoformat(summary["generated_at"]))


def _html(stored: dict[str, Any]) -> bytes:
    summary = in_reader_language(stored)
    charts_by_table: dict[str, list[dict[str, Any]]] = {}
    for chart in summary["charts"]:
        charts_by_table.setdefault(chart["table_id"], []).append(chart)
    words = definitions(summary)
    document = TEMPLATES.get_template("service_summary.html").render(
        summary=summary,
        html_lang="cy" if i18n.current_language() == WELSH else "en-GB",
        produced=produced_in_reader_language(stored),
        key=[(symbol, gettext(meaning)) for symbol, meaning in KEY_TO_SYMBOLS],
        charts_by_table=charts_by_table,
        defined={measure["id"] for measure in words["measures"]},
        words=words,
    )
    return document.encode("utf-8")
