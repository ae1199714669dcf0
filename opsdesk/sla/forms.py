"""Forms of the SLA settings pages. Calendar hours are typed as text, one field per weekday ("08:00–12:00,
13:00–17:00"), and checked by `business_time.parse_windows`, so a mistake is shown on the day it was made. Policy
targets and escalation delays are typed as durations ("2h", "1d 4h"), read by `durations.parse_duration`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from opsdesk.core.dates import moment_example, moment_formats
from opsdesk.core.forms import (
    MOMENT_INVALID,
    ActionForm,
    DayInput,
    FilePicker,
    MomentInput,
    TranslatedModelChoiceField,
    TranslatedModelMultipleChoiceField,
)
from opsdesk.core.params import InvalidParameter
from opsdesk.customers.models import CustomerOrganization
from opsdesk.people.models import Team
from opsdesk.sla import actions
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.business_time import InvalidWindows, Window, format_windows, parse_windows
from opsdesk.sla.durations import InvalidDuration, format_duration, parse_duration
from opsdesk.sla.models import (
    METRICS,
    PAUSE_CATEGORIES,
    PRIORITIES,
    WEEKDAYS,
    BusinessCalendar,
    Escalation,
    SlaPolicy,
)
from opsdesk.tickets import filters
from opsdesk.tickets.models import Ticket

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


class HolidayForm(ActionForm):
    day = forms.DateField(label=_("Date"), widget=DayInput())
    name = forms.CharField(label=_("Name"), max_length=200)


class HolidayImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"), widget=FilePicker())

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
    day = forms.DateField(label=_("Date"), widget=DayInput())
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    windows = HoursField(label=_("Open hours that day"), required=True)


class LocalDateTimeField(forms.CharField):
    """A wall-clock date and time, kept naive: the calendar's own zone gives it meaning (business_time.local_to_utc),
    not the reader's, and a time in a DST gap is not an error there. Typed the reader's language's way."""

    widget = MomentInput

    def clean(self, value: Any) -> datetime:
        text = " ".join((super().clean(value) or "").split())
        for pattern in moment_formats():
            try:
                parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 (a local wall time)
            except ValueError:
                continue
            if actions.FIRST_YEAR <= parsed.year <= actions.LAST_YEAR:
                return parsed
        raise forms.ValidationError(MOMENT_INVALID, code="invalid", params={"example": moment_example()})


class CheckForm(forms.Form):
    """The check tool: a start in the calendar's own local time and a number of business minutes."""

    start = LocalDateTimeField(label=_("Start (calendar's local time)"))
    minutes = forms.IntegerField(label=_("Business minutes"), min_value=0, max_value=366 * 24 * 60)


# --- SLA policies and escalations ------------------------------------------------------------------------------------

# The form's condition inputs and the filter-language fields they become (tickets/filters.py).
CONDITION_FIELDS = {
    "priority": "priority",
    "channel": "channel",
    "type": "type",
    "team": "team_id",
    "organization": "organization_id",
    "tags": "tags",
}
SEVERAL = _("Hold Ctrl (Cmd on a Mac) to choose several.")
# Columns of the targets grid: the five metrics every desk uses, then the two optional ones (METRICS.md §2.2).
GRID_METRICS = ("first_reply", "next_reply", "periodic_update", "requester_wait", "agent_work")
OPTIONAL_METRICS = ("pausable_update", "total_resolution")
DEFAULT_WARN_SECONDS = 900


class DurationField(forms.CharField):
    """A time typed as "2h", "30m", "1d 4h" or a number of minutes (opsdesk.sla.durations); cleans to seconds, an
    empty optional field to None."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.allow_zero = allow_zero
        self.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "inputmode": "text", "size": 8, "class": "duration"}
        )

    def prepare_value(self, value: Any) -> Any:
        return format_duration(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def clean(self, value: Any) -> int | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_duration(text, allow_zero=self.allow_zero)
        except InvalidDuration as error:
            raise forms.ValidationError(duration_error(error), code=error.code) from None


def duration_error(error: InvalidDuration) -> str:
    if error.code == "zero":
        return gettext("Enter a time longer than zero.")
    if error.code == "repeated":
        return gettext("Give each unit once, such as 1d 4h.")
    if error.code == "too_long":
        return gettext("That is longer than any time a rule can use.")
    return gettext("Write a time such as 30m, 2h or 1d 4h; a number alone is minutes.")


def conditions_from_json(data: Any) -> dict[str, list[Any]] | None:
    """The form's condition inputs for stored conditions ({} for none), or None when they use more than the form
    can show (groups, other operators: written through the API)."""
    if not data:
        return {}
    if not isinstance(data, dict) or data.get("q") or not isinstance(data.get("conditions"), list):
        return None
    items = data["conditions"]
    if data.get("match", "all") != "all" and len(items) > 1:
        return None
    by_filter = {value: key for key, value in CONDITION_FIELDS.items()}
    found: dict[str, list[Any]] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("field") not in by_filter or item.get("field") in found:
            return None
        op, value = item.get("op"), item.get("value")
        if op == "in" and isinstance(value, list):
            found[by_filter[item["field"]]] = list(value)
        elif op == "is" or (op == "contains" and item["field"] == "tags"):
            found[by_filter[item["field"]]] = [value]
        else:
            return None
    return found


def _split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in (text or "").split(",") if t.strip()))


class PolicyForm(forms.Form):
    """A policy: its name, conditions as simple multiple choices (turned into the filter language here), calendar,
    pause statuses and the targets grid, one duration per priority and metric (`target_<priority>_<metric>`, the
    field names save_policy's errors use) with its own business-hours box."""

    name = forms.CharField(label=_("Name"), max_length=100)
    priority = forms.MultipleChoiceField(
        label=_("Priority"), choices=PRIORITIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    team = TranslatedModelMultipleChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, help_text=SEVERAL
    )
    channel = forms.MultipleChoiceField(
        label=_("Channel"), choices=Ticket.Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    type = forms.MultipleChoiceField(
        label=_("Type"), choices=Ticket.Type.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    organization = forms.ModelMultipleChoiceField(
        label=_("Customer organization"),
        queryset=CustomerOrganization.objects.order_by("name"),
        required=False,
        help_text=SEVERAL,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas; a ticket with any of them matches."),
    )
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"),
        queryset=BusinessCalendar.objects.all(),
        required=False,
        empty_label=_("Open 24/7"),  # no calendar: every hour counts (sla.policies)
    )
    pause_categories = forms.MultipleChoiceField(
        label=_("Paused in"),
        choices=PAUSE_CATEGORIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Requester wait time and pausable updates stop counting while a ticket has these statuses."),
    )
    warn_before = DurationField(
        label=_("Warn before the deadline"),
        allow_zero=True,
        initial=DEFAULT_WARN_SECONDS,
        help_text=_("How long before a deadline the clock warns: 15m, or 15."),
    )

    def __init__(self, *args: Any, policy: SlaPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.is_default = policy is not None and policy.is_default
        self.kept_conditions: dict[str, Any] | None = None  # stored conditions the form cannot show: kept as they are
        default = BusinessCalendar.objects.filter(is_default=True).first()
        calendar = self.fields["calendar"]
        assert isinstance(calendar, forms.ModelChoiceField)
        calendar.empty_label = (
            _("The default calendar (%(name)s)") % {"name": default.name} if default else _("The default calendar")
        )
        if self.is_default:
            for name in CONDITION_FIELDS:
                del self.fields[name]
        for priority, _label in PRIORITIES:
            for metric in (*GRID_METRICS, *OPTIONAL_METRICS):
                self.fields[f"target_{priority}_{metric}"] = DurationField(
                    label=f"{dict(PRIORITIES)[priority]}: {dict(METRICS)[metric]}", required=False
                )
                self.fields[f"target_{priority}_{metric}"].widget.attrs["placeholder"] = "—"
                self.fields[f"business_{priority}_{metric}"] = forms.BooleanField(
                    label=_("Business hours"), required=False, initial=True
                )
        if policy is not None:
            self._initial_from(policy)

    def _initial_from(self, policy: SlaPolicy) -> None:
        targets = list(policy.targets.all())
        warns = Counter(t.warn_before for t in targets)
        self.initial.update(
            {
                "name": policy.name,
                "calendar": policy.calendar_id,
                "pause_categories": list(policy.pause_categories or []),
                "warn_before": warns.most_common(1)[0][0] if warns else DEFAULT_WARN_SECONDS,
            }
        )
        for target in targets:
            self.initial[f"target_{target.priority}_{target.metric}"] = target.seconds
            self.initial[f"business_{target.priority}_{target.metric}"] = target.business_hours
        if self.is_default:
            return
        shown = conditions_from_json(policy.conditions)
        if shown is None:
            self.kept_conditions = policy.conditions
            return
        for name, values in shown.items():
            self.initial[name] = ", ".join(str(v) for v in values) if name == "tags" else values

    # what the template draws

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CONDITION_FIELDS if name in self.fields]

    def settings_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("calendar", "pause_categories", "warn_before")]

    def grid_metrics(self) -> list[tuple[str, str, bool]]:
        labels = dict(METRICS)
        return [(m, str(labels[m]), m in OPTIONAL_METRICS) for m in (*GRID_METRICS, *OPTIONAL_METRICS)]

    def target_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "priority": priority,
                "label": label,
                "cells": [
                    {
                        "metric": metric,
                        "label": metric_label,
                        "optional": optional,
                        "field": self[f"target_{priority}_{metric}"],
                        "business": self[f"business_{priority}_{metric}"],
                    }
                    for metric, metric_label, optional in self.grid_metrics()
                ],
            }
            for priority, label in PRIORITIES
        ]

    # cleaning

    def conditions(self) -> dict[str, Any]:
        """The chosen conditions in the filter language: every chosen field must match (`in` its values)."""
        data = self.cleaned_data
        found: list[dict[str, Any]] = []
        for name, field in CONDITION_FIELDS.items():
            if name not in self.fields:
                continue
            if name == "tags":
                values: list[Any] = _split_tags(data.get("tags") or "")
            elif name in ("team", "organization"):
                values = sorted(row.pk for row in data.get(name) or [])
            else:
                values = list(data.get(name) or [])
            if values:
                found.append({"field": field, "op": "in", "value": values})
        if not found and self.kept_conditions is not None:
            return self.kept_conditions
        return {"match": "all", "conditions": found} if found else {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_default or any(name in self.errors for name in CONDITION_FIELDS):
            return cleaned
        try:  # a bad value is shown on its own input, not only as "the conditions"
            filters.from_json(self.conditions(), personal=False)
        except InvalidParameter as error:
            by_filter = {value: key for key, value in CONDITION_FIELDS.items()}
            self.add_error(by_filter.get(error.field), error.message)
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        warn = data.get("warn_before")
        targets = [
            TargetInput(
                priority=priority,
                metric=metric,
                seconds=seconds,
                business_hours=bool(data.get(f"business_{priority}_{metric}")),
                warn_before=DEFAULT_WARN_SECONDS if warn is None else warn,
            )
            for priority, _label in PRIORITIES
            for metric in (*GRID_METRICS, *OPTIONAL_METRICS)
            if (seconds := data.get(f"target_{priority}_{metric}")) is not None
        ]
        return {
            "name": data["name"],
            "conditions": self.policy.conditions if self.is_default and self.policy else self.conditions(),
            "calendar": data.get("calendar"),
            "pause_categories": list(data.get("pause_categories") or []),
            "targets": targets,
        }


class EscalationForm(ActionForm):
    """One escalation; the cleaned fields are save_escalation's keyword arguments."""

    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=9, initial=1)
    trigger = forms.ChoiceField(
        label=pgettext_lazy("escalation", "Fires on"),
        choices=Escalation.Trigger.choices,
        initial=Escalation.Trigger.BREACHED,
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=(), required=False)
    delay = DurationField(
        label=_("After"),
        allow_zero=True,
        required=False,
        initial=0,
        help_text=_("From the warning or breach: 0 for at once, 1h, 1d."),
    )
    notify = forms.MultipleChoiceField(
        label=_("Notify"), choices=Escalation.Notify.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    by_email = forms.BooleanField(label=_("Also by email"), required=False)
    raise_priority = forms.BooleanField(label=_("Raise the priority one step"), required=False)
    move_to_team = TranslatedModelChoiceField(
        label=_("Move to team"), queryset=Team.objects.all(), required=False, empty_label=_("(do not move)")
    )
    add_tag = forms.CharField(label=_("Add tag"), max_length=60, required=False)

    def __init__(self, *args: Any, escalation: Escalation | None = None, **kwargs: Any) -> None:
        bound = (args[0] if args else kwargs.get("data")) is not None
        if escalation is not None and not bound:
            kwargs["initial"] = {
                "level": escalation.level,
                "trigger": escalation.trigger,
                "metric": escalation.metric,
                "delay": escalation.delay,
                "notify": list(escalation.notify or []),
                "by_email": escalation.by_email,
                "raise_priority": escalation.raise_priority,
                "move_to_team": escalation.move_to_team_id,
                "add_tag": escalation.add_tag,
            }
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = [("", _("Any metric")), *METRICS]

    def clean_delay(self) -> int:
        return self.cleaned_data.get("delay") or 0
