"""Workforce forms: they read typed values; every rule about them (ranges, combinations) is in the actions and in the
staffing arithmetic, whose refusals land on the field they name (core.forms.ActionForm)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import ActionForm, DayInput, MomentField
from opsdesk.people.models import Team
from opsdesk.sla.models import BusinessCalendar
from opsdesk.tickets.channels import ChannelGroup
from opsdesk.workforce.models import INTERVALS, BudgetLine, CostCentre, Rotation, ShiftTemplate, StaffingPlan


def _number(label: Any, *, required: bool = True, help_text: Any = "", decimals: int = 0) -> forms.Field:
    if decimals:
        return forms.DecimalField(
            label=label, required=required, help_text=help_text, max_digits=9, decimal_places=decimals
        )
    return forms.IntegerField(label=label, required=required, help_text=help_text, min_value=0, max_value=10**7)


class DeferredForm(forms.Form):
    """Deferred work (METRICS §6.4): email and tickets answered within days, not seconds."""

    backlog = _number(_("Open tickets now"), decimals=1)
    target_days = _number(_("Answered within (days)"), decimals=2)
    daily_inflow = _number(_("New tickets a day"), decimals=1)
    on_task_hours = _number(
        _("Hours on tickets per agent-day"), decimals=2, help_text=_("Breaks and meetings already taken out.")
    )
    aht_seconds = _number(_("Average handle time (s)"))
    absence = _number(_("Absence (%)"), decimals=2, help_text=_("Leave and sickness only."))


class QueueForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    channel_group = forms.ChoiceField(label=_("Channels"), choices=ChannelGroup.choices)
    calendar = forms.ModelChoiceField(
        label=_("Calendar"),
        queryset=BusinessCalendar.objects.all(),
        required=False,
        empty_label=_("The default calendar"),
        help_text=_("Its time zone is the queue's; its holidays are left out of the history."),
    )
    interval_minutes = forms.TypedChoiceField(label=_("Interval"), choices=INTERVALS, coerce=int, initial=30)


class ForecastForm(ActionForm):
    first_day = forms.DateField(label=_("First day"), widget=DayInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=10**4, initial=30)
    history_weeks = forms.IntegerField(
        label=_("Weeks of history"),
        min_value=0,
        max_value=10**4,
        initial=16,
        help_text=_("Eight weeks or more let the fitted models compete."),
    )


class AdjustmentForm(ActionForm):
    first_day = forms.DateField(label=_("From"), widget=DayInput())
    last_day = forms.DateField(label=_("To"), widget=DayInput())
    percent = forms.DecimalField(
        label=_("Change (%)"), max_digits=7, decimal_places=1, help_text=_("For example 20 or -10.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class StaffingFields(forms.Form):
    """The Erlang inputs shared by a staffing plan and the what-if page."""

    method = forms.ChoiceField(label=_("Model"), choices=StaffingPlan.Method.choices, initial="erlang_c")
    aht_seconds = _number(_("Average handle time (s)"))
    service_level = _number(_("Service level (%)"), decimals=2)
    target_seconds = _number(_("Answered within (s)"))
    shrinkage = _number(
        _("Shrinkage (%)"), decimals=2, help_text=_("Paid time not available for contacts: leave, breaks, training.")
    )
    asa_seconds = _number(_("Average speed of answer at most (s)"), required=False)
    max_occupancy = _number(_("Occupancy at most (%)"), required=False, decimals=2)
    patience_seconds = _number(_("Mean patience (s)"), required=False, help_text=_("Erlang A only."))
    concurrency = forms.IntegerField(label=_("Chats at once"), min_value=0, max_value=100, initial=1, required=False)

    def clean_concurrency(self) -> int:
        return self.cleaned_data.get("concurrency") or 1  # left empty: one at a time


class PlanForm(StaffingFields, ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    field_order = ["name"]


class WhatIfForm(StaffingFields):
    volume = _number(_("Contacts in the interval"), decimals=2)
    interval_minutes = forms.TypedChoiceField(label=_("Interval"), choices=INTERVALS, coerce=int, initial=30)
    field_order = ["volume", "interval_minutes"]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=0, max_value=10**4, initial=480)
    activities = forms.CharField(
        label=_("Activities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the activity, its start from the shift's start and its minutes, e.g. “lunch 4:00 30”."
        ),
    )

    def clean_activities(self) -> list[dict[str, Any]]:
        found = []
        for number, line in enumerate(self.cleaned_data.get("activities", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                kind, offset, length = parts[0].lower(), parts[1], int(parts[2])
                hours, minutes = offset.split(":") if ":" in offset else ("0", offset)
                found.append({"activity": kind, "offset": int(hours) * 60 + int(minutes), "minutes": length})
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Line %(n)d: write the activity, its start and its minutes, e.g. “break 2:00 15”.")
                    % {"n": number}
                ) from None
        return found

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "start_minute": data["start"].hour * 60 + data["start"].minute,
            "minutes": data["minutes"],
            "activities": data["activities"],
        }


class RotationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    weeks = forms.CharField(
        label=_("Weeks"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One week a line, Monday first: seven template names separated by commas, “-” for a day off."),
    )

    def clean_weeks(self) -> list[list[int | None]]:
        names = {t.name.casefold(): t.pk for t in ShiftTemplate.objects.all()}
        weeks = []
        for number, line in enumerate(self.cleaned_data["weeks"].splitlines(), start=1):
            if not line.strip():
                continue
            days = [part.strip() for part in line.split(",")]
            week: list[int | None] = []
            for day in days:
                if day in ("", "-"):
                    week.append(None)
                elif day.casefold() in names:
                    week.append(names[day.casefold()])
                else:
                    raise forms.ValidationError(
                        _("Line %(n)d: no template is called “%(name)s”.") % {"n": number, "name": day[:100]}
                    )
            weeks.append(week)
        return weeks

    def action_data(self) -> dict[str, Any]:
        return {"name": self.cleaned_data["name"], "weeks": self.cleaned_data["weeks"]}


class RotationApplyForm(forms.Form):
    rotation = forms.ModelChoiceField(label=_("Rotation"), queryset=Rotation.objects.all(), empty_label=None)
    first_monday = forms.DateField(label=_("From the week of"), widget=DayInput())
    weeks = forms.IntegerField(label=_("Weeks"), min_value=0, max_value=10**4, initial=4)


class TimeOffForm(forms.Form):
    start = MomentField(label=_("From"))
    end = MomentField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CostCentreForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)


class BudgetForm(forms.Form):
    cost_centre = forms.ModelChoiceField(label=_("Cost centre"), queryset=CostCentre.objects.all(), empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=0, max_value=10**4)
    name = forms.CharField(label=_("Name"), max_length=100)
    plan = forms.ModelChoiceField(
        label=_("Staffing plan"), queryset=StaffingPlan.objects.select_related("forecast__queue"), empty_label=None
    )
    salary = forms.DecimalField(label=_("Salary per FTE-year"), max_digits=12, decimal_places=2, initial=42000)
    loading = forms.DecimalField(label=_("Benefits and taxes (%)"), max_digits=5, decimal_places=2, initial=25)
    seat_cost = forms.DecimalField(label=_("Per-seat cost per FTE-year"), max_digits=12, decimal_places=2, initial=4000)
    paid_hours = forms.DecimalField(label=_("Paid hours per FTE-year"), max_digits=6, decimal_places=1, initial=1960)
    attrition = forms.DecimalField(label=_("Attrition per month (%)"), max_digits=5, decimal_places=2, initial=1.5)
    ramp_weeks = forms.IntegerField(label=_("New-hire ramp (weeks)"), min_value=0, max_value=10**3, initial=6)
    starting_fte = forms.DecimalField(label=_("FTE at the start"), max_digits=8, decimal_places=2, initial=10)
    gap_threshold = forms.DecimalField(label=_("Flag a gap above (%)"), max_digits=5, decimal_places=2, initial=5)
    volume_index = forms.CharField(
        label=_("Volume per month"),
        required=False,
        help_text=_("Twelve factors, January first, separated by spaces: 1 is the plan's workload, 1.2 is 20 % more."),
    )

    def clean_volume_index(self) -> list[Decimal] | None:
        raw = self.cleaned_data.get("volume_index", "").split()
        if not raw:
            return None
        try:
            return [Decimal(part.replace(",", ".")) for part in raw]
        except ArithmeticError:
            raise forms.ValidationError(_("Write twelve numbers such as 1 or 1.15.")) from None


class BudgetLineForm(ActionForm):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetLine.Category.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    basis = forms.ChoiceField(label=_("Counted"), choices=BudgetLine.Basis.choices)
    rate = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)


def _categories() -> list[tuple[str, Any]]:
    return [("labour", _("Labour")), *BudgetLine.Category.choices]


class ActualForm(forms.Form):
    """A month's actual entered by hand; the values are checked as a file's row is (actions.budgets.check_row)."""

    cost_centre = forms.ModelChoiceField(label=_("Cost centre"), queryset=CostCentre.objects.all(), empty_label=None)
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("For example 2027-01."))
    category = forms.ChoiceField(label=_("Category"), choices=_categories)
    amount = forms.CharField(label=_("Amount"), max_length=20)
    contacts = forms.CharField(label=_("Contacts"), max_length=20, required=False)
    aht_seconds = forms.CharField(label=_("Average handle time (s)"), max_length=20, required=False)
    occupancy = forms.CharField(label=_("Occupancy (%)"), max_length=20, required=False)
    shrinkage = forms.CharField(label=_("Shrinkage (%)"), max_length=20, required=False)
    rate = forms.CharField(label=_("Cost per paid hour"), max_length=20, required=False)

    def row(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.cleaned_data.items() if k != "cost_centre"}


class ActualsForm(forms.Form):
    cost_centre = forms.ModelChoiceField(label=_("Cost centre"), queryset=CostCentre.objects.all(), empty_label=None)
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: month, category, amount, and for labour contacts, aht_seconds, occupancy, shrinkage, rate."
        ),
    )
