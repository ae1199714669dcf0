"""How dates are typed in the active language: its own way first (formats/<lang>/formats.py DATE_INPUT_FORMATS),
ISO understood everywhere. Used by the date inputs (core.forms.DayInput), the template filters and the query
parameters (core.params.parse_day)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import get_format


def day_formats() -> list[str]:
    return list(get_format("DATE_INPUT_FORMATS"))


def day_example() -> str:
    """The last day of 2026 as the active language types dates: the placeholder of every date field."""
    return date(2026, 12, 31).strftime(day_formats()[0])
