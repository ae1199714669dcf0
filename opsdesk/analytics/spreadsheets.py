"""A report (analytics/report.py) as an XLSX workbook and as CSV, and the cell helpers every export shares.

The XLSX stores numbers as numbers with number formats (durations as Excel time, ratios as percentages, counts as
integers), and writes formulas where a spreadsheet can recompute a value: the change column, each day's ratio,
and the daily table's totals row (sums, Σ numerator ÷ Σ denominator, the mean weighted by n). A period's median
cannot be recomputed from daily medians, so that total is the period's own value.

Text that came from people (a ticket's subject, a team's name) never becomes a formula: in XLSX it is stored as a
string cell whatever it starts with, in CSV a leading =, +, −, @ or control character is quoted with an apostrophe
(the OWASP advice against CSV injection); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from opsdesk.analytics import report as reports
from opsdesk.analytics.report import COUNT, LAST, PERCENT, RATIO, SECONDS, SUM, WEIGHTED, Report, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # so that Excel opens UTF-8 CSV (Greek, Russian) as UTF-8
TIME_FORMAT = "[h]:mm:ss"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
BOLD = Font(bold=True)


# --- cells --------------------------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def csv_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def text_cell(sheet: Worksheet, value: str) -> WriteOnlyCell:
    """A string cell, never a formula, whatever the text starts with."""
    cell = WriteOnlyCell(sheet, value=clean_text(value))
    cell.data_type = "s"
    return cell


def excel_value(unit: str, value: float | None) -> float | int | None:
    """A value as the XLSX stores it: Excel time (days; openpyxl reads it back as a timedelta) for seconds, a
    fraction for percent, else the count."""
    if value is None:
        return None
    if unit == SECONDS:
        return round(value) / 86400  # whole seconds, as METRICS.md stores durations
    if unit == PERCENT:
        return value / 100
    return int(round(value))


def number_format(unit: str) -> str:
    return TIME_FORMAT if unit == SECONDS else PERCENT_FORMAT if unit == PERCENT else COUNT_FORMAT


def change_format(unit: str) -> str:
    if unit == SECONDS:  # Excel cannot show a negative time: the change of a duration is in hours
        h = reports.hours_word()
        return f'+0.00" {h}";-0.00" {h}";0.00" {h}"'
    if unit == PERCENT:
        return "+0.0%;-0.0%;0.0%"
    return "+#,##0;-#,##0;0"


def csv_value(unit: str, value: float | None) -> str:
    """A value as the CSV writes it: whole seconds, a percentage with two decimals, or the count."""
    if value is None:
        return ""
    if unit == PERCENT:
        return f"{value:.2f}"
    return str(int(round(value)))


def unit_word(unit: str) -> str:
    return {SECONDS: _("seconds"), PERCENT: _("percent"), COUNT: _("count")}[unit]


def csv_header(label: str, unit: str) -> str:
    return f"{label} (s)" if unit == SECONDS else f"{label} (%)" if unit == PERCENT else label


# --- XLSX ---------------------------------------------------------------------------------------------------------


def _put(sheet: Worksheet, row: int, col: int, value: Any, fmt: str = "") -> Cell:
    """A value: text always as a string cell (never a formula), numbers and dates with their number format."""
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    if fmt:
        cell.number_format = fmt
    return cell


def _formula(sheet: Worksheet, row: int, col: int, formula: str, fmt: str) -> Cell:
    cell = sheet.cell(row=row, column=col, value=formula)
    cell.number_format = fmt
    return cell


def _widths(sheet: Worksheet, first: float, others: float, count: int) -> None:
    sheet.column_dimensions["A"].width = first
    for col in range(2, count + 1):
        sheet.column_dimensions[get_column_letter(col)].width = others


SUMMARY_HEADER_ROW = 8


def _summary(sheet: Worksheet, report: Report) -> None:
    _put(sheet, 1, 1, report.title).font = Font(bold=True, size=14)
    info = [
        (_("Period"), report.period_text),
        (_("Compared with"), report.compare_text or "—"),
        (_("Showing"), report.scope_text),
        (_("Time zone"), report.zone),
        (_("Durations"), _("Business hours") if report.business_hours else _("Calendar time")),
    ]
    for offset, (label, text) in enumerate(info):
        _put(sheet, 2 + offset, 1, label).font = BOLD
        _put(sheet, 2 + offset, 2, text)
    headers = [
        _("KPI"),
        _("Value"),
        _("Compared with"),
        _("Change"),
        "n",
        _("n before"),
        _("90th percentile"),
        _("Mean"),
        _("Goal"),
        _("Goal status"),
    ]
    top = SUMMARY_HEADER_ROW
    for col, header in enumerate(headers, start=1):
        _put(sheet, top, col, header).font = BOLD
    for index, row in enumerate(report.rows, start=top + 1):
        fmt = number_format(row.unit)
        _put(sheet, index, 1, row.label)
        _put(sheet, index, 2, excel_value(row.unit, row.value), fmt)
        _put(sheet, index, 3, excel_value(row.unit, row.compare), fmt)
        if row.value is not None and row.compare is not None:
            formula = f"=(B{index}-C{index})*24" if row.unit == SECONDS else f"=B{index}-C{index}"
            _formula(sheet, index, 4, formula, change_format(row.unit))
        _put(sheet, index, 5, row.n)
        _put(sheet, index, 6, row.compare_n)
        if row.unit == SECONDS:
            _put(sheet, index, 7, excel_value(SECONDS, row.p90), fmt)
            _put(sheet, index, 8, excel_value(SECONDS, row.mean), fmt)
        if row.goal is not None:
            sign = "≤" if row.kpi.lower_is_better else "≥"
            _put(sheet, index, 9, excel_value(row.unit, row.goal.target), f'"{sign} "{fmt}')
            _put(sheet, index, 10, row.goal.status_label)
    _widths(sheet, 34, 16, len(headers))


def _daily(sheet: Worksheet, table: Table) -> None:
    columns = table.columns
    letter = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=2)}
    _put(sheet, 1, 1, _("Day")).font = BOLD
    for col, column in enumerate(columns, start=2):
        _put(sheet, 1, col, column.label).font = BOLD
    first, last = 2, len(table.rows) + 1
    for r, (day, values) in enumerate(table.rows, start=first):
        _put(sheet, r, 1, day, DATE_FORMAT)
        for col, column in enumerate(columns, start=2):
            if column.total == RATIO:  # each day's ratio is its own numerator ÷ denominator
                top, below = (letter[k] for k in column.sources)
                _formula(sheet, r, col, f'=IF({below}{r}=0,"",{top}{r}/{below}{r})', PERCENT_FORMAT)
            else:
                _put(sheet, r, col, excel_value(column.unit, values.get(column.key)), number_format(column.unit))
    total = last + 1
    _put(sheet, total, 1, _("Total")).font = BOLD
    for col, column in enumerate(columns, start=2):
        x = letter[column.key]
        span = f"{x}{first}:{x}{last}"
        fmt = number_format(column.unit)
        if column.total == SUM:
            cell = _formula(sheet, total, col, f"=SUM({span})", fmt)
        elif column.total == LAST:
            cell = _formula(sheet, total, col, f"={x}{last}", fmt)
        elif column.total == RATIO:
            top, below = (f"{letter[k]}{first}:{letter[k]}{last}" for k in column.sources)
            cell = _formula(sheet, total, col, f'=IF(SUM({below})=0,"",SUM({top})/SUM({below}))', fmt)
        elif column.total == WEIGHTED:
            n = letter[column.sources[0]]
            weights = f"{n}{first}:{n}{last}"
            formula = f'=IF(SUM({weights})=0,"",SUMPRODUCT({span},{weights})/SUM({weights}))'
            cell = _formula(sheet, total, col, formula, fmt)
        else:  # a period's median is no function of the days' medians: the period's own value
            cell = _put(sheet, total, col, excel_value(column.unit, table.totals.get(column.key)), fmt)
        cell.font = BOLD
    sheet.freeze_panes = "B2"
    _widths(sheet, 14, 18, len(columns) + 1)


def _teams(sheet: Worksheet, table: Table) -> None:
    _put(sheet, 1, 1, _("Team")).font = BOLD
    for col, column in enumerate(table.columns, start=2):
        _put(sheet, 1, col, column.label).font = BOLD
    for r, (name, values) in enumerate(table.rows, start=2):
        _put(sheet, r, 1, str(name))
        for col, column in enumerate(table.columns, start=2):
            _put(sheet, r, col, excel_value(column.unit, values.get(column.key)), number_format(column.unit))
    sheet.freeze_panes = "B2"
    _widths(sheet, 24, 16, len(table.columns) + 1)


def to_xlsx(report: Report) -> bytes:
    """The workbook: "Summary", "Daily" and, desk-wide, "Teams" (sheet names stay English: formulas and
    scripts refer to them)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, report)
    _daily(book.create_sheet("Daily"), report.days)
    if report.teams is not None:
        _teams(book.create_sheet("Teams"), report.teams)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------------------------


def csv_line(values: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def csv_rows(rows: Iterable[Sequence[Any]]) -> Iterable[str]:
    for row in rows:
        yield csv_line([_cell(v) for v in row])


def _table_lines(first: str, table: Table, *, totals: bool) -> list[list[Any]]:
    lines: list[list[Any]] = [[first, *(csv_header(c.label, c.unit) for c in table.columns)]]
    for key, values in table.rows:
        lines.append([key, *(csv_value(c.unit, values.get(c.key)) for c in table.columns)])
    if totals:
        lines.append([_("Total"), *(csv_value(c.unit, table.totals.get(c.key)) for c in table.columns)])
    return lines


def _days(period: Any) -> tuple[str, str]:
    return period.start.isoformat(), period.end.isoformat()


def report_lines(report: Report) -> list[list[Any]]:
    """The CSV's rows: the report's facts, then its tables one after the other, each under its own header row."""
    lines: list[list[Any]] = [
        [report.title],
        [_("Period"), report.period.start.isoformat(), report.period.end.isoformat()],
        [_("Compared with"), *(_days(report.compare) if report.compare else ())],
        [_("Showing"), report.scope_text],
        [_("Time zone"), report.zone],
        [_("Durations"), _("Business hours") if report.business_hours else _("Calendar time")],
        [],
        [_("KPI"), _("Unit"), _("Value"), _("Compared with"), _("Change"), "n", _("n before")]
        + [_("90th percentile"), _("Mean"), _("Goal"), _("Goal status")],
    ]
    for row in report.rows:
        lines.append(
            [
                row.label,
                unit_word(row.unit),
                csv_value(row.unit, row.value),
                csv_value(row.unit, row.compare),
                csv_value(row.unit, row.change),
                row.n,
                row.compare_n,
                csv_value(SECONDS, row.p90) if row.unit == SECONDS else "",
                csv_value(SECONDS, row.mean) if row.unit == SECONDS else "",
                csv_value(row.unit, row.goal.target) if row.goal else "",
                row.goal.status_label if row.goal else "",
            ]
        )
    lines.append([])
    lines += _table_lines(_("Day"), report.days, totals=True)
    if report.teams is not None:
        lines.append([])
        lines += _table_lines(_("Team"), report.teams, totals=False)
    return lines


def to_csv(report: Report) -> str:
    return BOM + "".join(csv_rows(report_lines(report)))
