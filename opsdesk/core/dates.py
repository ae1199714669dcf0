"""How dates are typed in the active language: its own way first (formats/<lang>/formats.py DATE_INPUT_FORMATS),
ISO understood everywhere. Used by the date inputs (core.forms.DayInput), the template filters and the query
parameters (core.params.parse_day)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.formats import get_format


def day_formats() -> list[str]:
    return list(get_format("DATE_INPUT_FORMATS"))


def day_example() -> str:
    """The last day of 2026 as the active language types dates: the placeholder of every date field."""
    return date(2026, 12, 31).strftime(day_formats()[0])


def time_format() -> str:
    """Hours and minutes as the active language types them (16.30 in Finnish, 16:30 elsewhere)."""
    first = str(get_format("TIME_INPUT_FORMATS")[0])
    return first.replace(":%S", "").replace(".%S", "")


def moment_format() -> str:
    """A date with a time, the active language's way: how a date-time input shows its value."""
    return f"{day_formats()[0]} {time_format()}"


def moment_formats() -> list[str]:
    """Every way a date with a time is understood in the active language: each of its date formats with hours and
    minutes (seconds optional) separated by a colon or, as Finnish writes them, a dot; ISO too."""
    found = []
    for day in [*day_formats(), "%Y-%m-%d"]:
        for clock in ("%H:%M", "%H.%M", "%H:%M:%S", "%H.%M.%S"):
            for pattern in (f"{day} {clock}", f"{day}T{clock}"):
                if pattern not in found:
                    found.append(pattern)
    return found


def moment_example() -> str:
    """The last day of 2026 at half past four in the afternoon, as the active language types it: the placeholder of
    every date-time field and the example its error gives."""
    return datetime(2026, 12, 31, 16, 30).strftime(moment_format())  # noqa: DTZ001 (an example wall time)
