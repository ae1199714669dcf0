"""Settings forms of webhooks, chat channels and inbound hooks; their cleaned fields are the actions' arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.forms import ActionForm, TranslatedModelChoiceField
from opsdesk.integrations.models import ALL_EVENTS, ChatChannel
from opsdesk.people.models import Team
from opsdesk.tickets import events as event_registry
from opsdesk.tickets.models import Ticket


def _team_field(label: Any) -> TranslatedModelChoiceField:
    return TranslatedModelChoiceField(
        label=label, queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )


def event_choices() -> list[tuple[str, str]]:
    return [(ALL_EVENTS, str(_("Every event"))), *((kind, kind) for kind in sorted(event_registry.KINDS))]


class WebhookForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("An https address that accepts POST requests with JSON."),
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple, initial=[ALL_EVENTS]
    )
    team = _team_field(_("Only tickets of"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ChannelForm(ActionForm):
    kind = forms.ChoiceField(label=_("Service"), choices=ChatChannel.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example the channel's name."))
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Slack: an incoming webhook (https://hooks.slack.com/services/…). Teams: the address of a workflow "
            '"Post to a channel when a webhook request is received". Kept secret; leave empty to keep the stored one.'
        ),
    )
    team = _team_field(_("Team"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class InboundHookForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=pgettext_lazy("identifier", "Key"),
        max_length=50,
        help_text=_("In the hook's address: lower-case letters, digits and dashes."),
    )
    team = TranslatedModelChoiceField(
        label=_("Team of its tickets"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Added to every ticket it opens; separate with commas."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]
