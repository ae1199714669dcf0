"""The scheduled report forms: their fields are the keyword arguments of analytics/actions/reports.py, which
checks everything again (a refusal is shown beside its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.analytics.models import ReportSubscription
from opsdesk.core.forms import ActionForm
from opsdesk.people.models import Team


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
