"""Analytics forms: a goal (its target typed as a duration, a percentage or a count, by the KPI's kind), and the
scheduled report forms, whose fields are the keyword arguments of analytics/actions/reports.py, which checks
everything again (a refusal is shown beside its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.analytics import goals, kpis, periods
from opsdesk.analytics.models import Goal, ReportSubscription
from opsdesk.core.forms import ActionForm, DayInput, TranslatedModelChoiceField
from opsdesk.people.models import Team
from opsdesk.sla.durations import InvalidDuration, format_duration, parse_duration


class _TeamField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def _team_field() -> _TeamField:
    return _TeamField(queryset=Team.objects.all(), required=False, label=_("Team"), empty_label=_("Whole desk"))


LANGUAGE_HELP = _("For an outside address. A person receives the report in their own language.")


class SubscriptionForm(ActionForm):
    """A new subscription (or its preview): a person who may see reports, or an outside address."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Person"),
        empty_label=_("Someone outside OpsDesk"),
    )
    email = forms.EmailField(required=False, max_length=254, label=_("Or an outside address"))
    language = forms.ChoiceField(
        choices=[("", "—"), *settings.LANGUAGES], required=False, label=_("Language"), help_text=LANGUAGE_HELP
    )
    frequency = forms.ChoiceField(choices=ReportSubscription.Frequency.choices, label=_("How often"))
    team = _team_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True, role__in=roles_with(Capability.VIEW_REPORTS)).order_by("name")
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class SubscriptionEditForm(ActionForm):
    frequency = forms.ChoiceField(choices=ReportSubscription.Frequency.choices, label=_("How often"))
    language = forms.ChoiceField(
        choices=[("", "—"), *settings.LANGUAGES], required=False, label=_("Language"), help_text=LANGUAGE_HELP
    )
    team = _team_field()
    is_active = forms.BooleanField(required=False, label=_("Send it"))


class GoalForm(ActionForm):
    kpi = forms.ChoiceField(label=gettext_lazy("KPI"))
    team = TranslatedModelChoiceField(
        queryset=Team.objects.all(), required=False, label=gettext_lazy("Team"), empty_label=gettext_lazy("Whole desk")
    )
    start = forms.DateField(label=gettext_lazy("From"), widget=DayInput())
    end = forms.DateField(label=gettext_lazy("Until"), widget=DayInput())
    statistic = forms.ChoiceField(
        label=gettext_lazy("For times, compare the"), choices=list(goals.STATISTICS.items()), initial="median"
    )
    target = forms.CharField(
        label=gettext_lazy("Target"),
        max_length=40,
        help_text=gettext_lazy("A time such as 1h or 30m, a percentage such as 90, or a number of tickets."),
    )
    business_hours = forms.BooleanField(label=gettext_lazy("Count business hours only"), required=False)

    def __init__(self, *args: Any, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kpi_field = self.fields["kpi"]
        assert isinstance(kpi_field, forms.ChoiceField)
        kpi_field.choices = [(k.key, k.label) for k in kpis.CATALOGUE]
        if goal is not None and not self.is_bound:
            kpi = kpis.BY_KEY[goal.kpi]
            self.initial.update(
                kpi=goal.kpi,
                team=goal.team_id,
                start=goal.start,
                end=goal.end,
                statistic=goal.statistic,
                business_hours=goal.business_hours,
                target=format_duration(int(goal.target)) if kpi.kind == kpis.DURATION else f"{goal.target:g}",
            )
        elif not self.is_bound:
            quarter = periods.quarter_of(periods.today())
            self.initial.update(start=quarter.start, end=quarter.end)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kpi = kpis.get(data.get("kpi") or "")
        raw = (data.get("target") or "").strip().replace(",", ".").rstrip("%").strip()
        if kpi is None or not raw:
            return data
        if kpi.kind == kpis.DURATION:
            try:
                data["target"] = float(parse_duration(raw))
            except InvalidDuration:
                self.add_error("target", gettext("Enter a time such as 1h, 30m or 1d 4h."))
        else:
            try:
                data["target"] = float(raw)
            except ValueError:
                self.add_error("target", gettext("Enter a number such as 90 or 250."))
        return data
