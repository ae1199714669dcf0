"""Forms of the calendar settings pages. Hours are typed as text, one field per weekday ("08:00–12:00, 13:00–17:00"),
and checked by `business_time.parse_windows`, so a mistake is shown on the day it was made."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import ActionForm
from opsdesk.sla import actions
from opsdesk.sla.business_time import InvalidWindows, Window, format_windows, parse_windows
from opsdesk.sla.models import WEEKDAYS, BusinessCalendar

ICAL_LIMIT = 1024 * 1024  # bytes; a year of a country's holidays is a few kilobytes
HOURS_PLACEHOLDER = "08:00–12:00, 13:00–17:00"


def _zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class HoursField(forms.CharField):
    """One day's windows as text; cleans to a sorted list of (start, end) minutes, an empty text to []."""

    def __init__(self, *, placeholder: Any = HOURS_PLACEHOLDER, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": placeholder, "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value: Any) -> list[Window]:
        text = super().clean(value)
        try:
            return parse_windows(text or "")
        except InvalidWindows as error:
            raise forms.ValidationError(actions.windows_error(error), code=error.code)


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    always_open = forms.BooleanField(
        label=_("Open 24/7"),
        required=False,
        help_text=_("Every hour counts; the hours and holidays below are ignored."),
    )

    def __init__(self, *args: Any, calendar: BusinessCalendar | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]
        for number, label in WEEKDAYS:
            self.fields[f"weekday_{number}"] = HoursField(label=label, placeholder=_("closed"))
        if calendar is not None and not self.is_bound:
            week: list[list[Window]] = [[] for _ in range(7)]
            for row in calendar.windows.filter(weekday__isnull=False).order_by("start_minute"):
                week[row.weekday or 0].append((row.start_minute, row.end_minute))
            self.initial.update(
                {"name": calendar.name, "time_zone": calendar.time_zone, "always_open": calendar.always_open}
            )
            self.initial.update({f"weekday_{n}": format_windows(day) for n, day in enumerate(week)})

    def weekday_fields(self) -> list[forms.BoundField]:
        return [self[f"weekday_{number}"] for number, _label in WEEKDAYS]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "time_zone", "always_open")]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        weekly = [data[f"weekday_{number}"] for number, _label in WEEKDAYS]
        return {
            "name": data["name"],
            "time_zone": data["time_zone"],
            "always_open": data["always_open"],
            "weekly": weekly,
        }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class HolidayForm(ActionForm):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=200)


class HolidayImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > ICAL_LIMIT:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return bytes(upload.read())


class FeedForm(forms.Form):
    url = forms.CharField(label=_("Holiday feed (iCalendar address)"), required=False, max_length=500)


def country_choices() -> list[tuple[str, str]]:
    try:
        names = Locale.parse((get_language() or "en").replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    choices = [(code, f"{names.get(code, code)} ({code})") for code in actions.supported_countries()]
    return sorted(choices, key=lambda choice: choice[1].casefold())


class HolidayGenerateForm(ActionForm):
    country = forms.ChoiceField(label=_("Country"), choices=())
    year = forms.IntegerField(label=_("Year"), min_value=actions.FIRST_YEAR, max_value=actions.LAST_YEAR)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]


class ExceptionForm(ActionForm):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    windows = HoursField(label=_("Open hours that day"), required=True)


class LocalDateTimeField(forms.CharField):
    """A wall-clock date and time, kept naive: the calendar's own zone gives it meaning (business_time.local_to_utc),
    not the reader's, and a time in a DST gap is not an error there."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")

    def clean(self, value: Any) -> datetime:
        text = (super().clean(value) or "").strip()
        for pattern in self.FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 (a local wall time)
            except ValueError:
                continue
            if actions.FIRST_YEAR <= parsed.year <= actions.LAST_YEAR:
                return parsed
        raise forms.ValidationError(_("Enter a date and time, such as 2027-01-08 16:30."), code="invalid")


class CheckForm(forms.Form):
    """The check tool: a start in the calendar's own local time and a number of business minutes."""

    start = LocalDateTimeField(label=_("Start (calendar's local time)"))
    minutes = forms.IntegerField(label=_("Business minutes"), min_value=0, max_value=366 * 24 * 60)
