"""Workforce forms: they read typed values; every rule about them (ranges, combinations) is in the actions and in the
staffing arithmetic, whose refusals land on the field they name (core.forms.ActionForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import ActionForm, DayInput
from opsdesk.people.models import Team
from opsdesk.sla.models import BusinessCalendar
from opsdesk.tickets.channels import ChannelGroup
from opsdesk.workforce.models import INTERVALS, StaffingPlan


def _number(label: Any, *, required: bool = True, help_text: Any = "", decimals: int = 0) -> forms.Field:
    if decimals:
        return forms.DecimalField(
            label=label, required=required, help_text=help_text, max_digits=9, decimal_places=decimals
        )
    return forms.IntegerField(label=label, required=required, help_text=help_text, min_value=0, max_value=10**7)


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
    concurrency = forms.IntegerField(label=_("Chats at once"), min_value=0, max_value=100, initial=1)


class PlanForm(StaffingFields, ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    field_order = ["name"]


class WhatIfForm(StaffingFields):
    volume = _number(_("Contacts in the interval"), decimals=2)
    interval_minutes = forms.TypedChoiceField(label=_("Interval"), choices=INTERVALS, coerce=int, initial=30)
    field_order = ["volume", "interval_minutes"]
