"""Template filters of the report e-mail and pages: one cell of a report table as people read it."""

from __future__ import annotations

from typing import Any

from django import template

from opsdesk.analytics import report

register = template.Library()


@register.filter
def report_cell(values: dict[str, Any], column: report.Column) -> str:
    """`{{ values|report_cell:column }}`: the value of `column` in a row of a report table, in the active
    language ("1 h 5 min", "87.5 %", "1,204"; "—" for none)."""
    return report.value_text(column.unit, values.get(column.key))
