"""Forms of the phone and web-form channels: logging a call, the telephony systems, web form settings, and the
public web form a visitor fills in."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.forms import (
    MomentField,
    TranslatedForm,
    TranslatedModelChoiceField,
    TranslatedTextField,
    submission_field,
)
from opsdesk.fields.forms import custom_field_formfield, custom_field_values
from opsdesk.fields.models import CustomField
from opsdesk.messaging.models import CallRecord, WebForm
from opsdesk.people.models import Team
from opsdesk.tickets.forms import MultipleFileField

DURATION = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):(\d{2})|(\d{1,4})")  # "4:12", "1:04:12", or minutes "12"


class CallLogForm(forms.Form):
    """A finished call, as an agent remembers it: when it started, and either its times or its length."""

    LINK_CHOICES = (
        ("ticket", _("This ticket")),
        ("new", _("A new ticket")),
        ("none", _("No ticket")),
    )

    direction = forms.ChoiceField(label=_("Direction"), choices=CallRecord.Direction.choices)
    number = forms.CharField(
        label=_("Customer's number"), max_length=40, help_text=_("With the country code, e.g. +358 40 123 4567.")
    )
    our_number = forms.CharField(label=_("Our number (line)"), max_length=40, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallRecord.Outcome.choices)
    offered_at = MomentField(label=_("Started"))
    duration = forms.CharField(
        label=_("Length"),
        max_length=10,
        required=False,
        help_text=_("Minutes, or minutes:seconds such as 4:12. Or enter the times below."),
    )
    answered_at = MomentField(label=_("Answered at"), required=False)
    ended_at = MomentField(label=_("Ended at"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10_000
    )
    link = forms.ChoiceField(label=_("Link the call to"), choices=LINK_CHOICES, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject of the new ticket"), max_length=250, required=False)
    submission = submission_field()

    def __init__(self, *args: Any, on_ticket: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = self.LINK_CHOICES if on_ticket else self.LINK_CHOICES[1:]
        link = self.fields["link"]
        assert isinstance(link, forms.ChoiceField)
        link.choices = choices
        link.initial = choices[0][0]
        if not self.is_bound:
            self.fields["offered_at"].initial = timezone.localtime().replace(microsecond=0) - timedelta(minutes=5)

    def clean_duration(self) -> timedelta | None:
        text = self.cleaned_data.get("duration", "").strip()
        if not text:
            return None
        match = DURATION.fullmatch(text)
        if match is None:
            raise forms.ValidationError(_("Enter minutes, or minutes:seconds such as 4:12."))
        hours, minutes, seconds, whole_minutes = match.groups()
        if whole_minutes is not None:
            return timedelta(minutes=int(whole_minutes))
        if int(seconds) >= 60:
            raise forms.ValidationError(_("Enter minutes, or minutes:seconds such as 4:12."))
        return timedelta(hours=int(hours or 0), minutes=int(minutes), seconds=int(seconds))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        offered, outcome = data.get("offered_at"), data.get("outcome")
        if offered is None or not outcome:
            return data
        if outcome == CallRecord.Outcome.ANSWERED and data.get("answered_at") is None:
            data["answered_at"] = offered  # answered at once, unless the agent says otherwise
        if data.get("ended_at") is None:
            length = data.get("duration")
            if length is None:
                if "duration" not in self.errors:
                    self.add_error("duration", _("Enter the length of the call, or when it ended."))
            else:
                data["ended_at"] = (data.get("answered_at") or offered) + length
        return data


class TelephonyProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=pgettext_lazy("identifier", "Key"),
        max_length=40,
        help_text=_("In the webhook's address: lower-case letters, digits and dashes."),
    )
    team = TranslatedModelChoiceField(
        label=_("Team of its calls"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )


class WebFormConfigForm(TranslatedForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Shown to staff only."))
    title = TranslatedTextField(label=_("Title"), max_length=200)
    success_message = TranslatedTextField(label=_("Message after sending"), max_length=2000, multiline=True)
    team = TranslatedModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The visitor's language")), *settings.LANGUAGES],
        required=False,
    )
    allowed_origins = forms.CharField(
        label=_("Websites allowed to embed it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("One origin a line, such as https://www.example.com. Other websites cannot show the form."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields = list(CustomField.objects.filter(target=CustomField.Target.TICKET))
        for definition in self.custom_fields:
            self.fields[f"use_{definition.key}"] = forms.ChoiceField(
                label=definition.display_label,
                choices=[("", _("Not asked")), ("optional", _("Optional")), ("required", _("Required"))],
                required=False,
            )
            self.fields[f"order_{definition.key}"] = forms.IntegerField(
                label=_("Position"), min_value=0, max_value=99, required=False
            )

    def field_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"use_{d.key}"], self[f"order_{d.key}"]) for d in self.custom_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = []
        for index, definition in enumerate(self.custom_fields):
            use = data.pop(f"use_{definition.key}", "")
            order = data.pop(f"order_{definition.key}", None)
            if use:
                chosen.append((order if order is not None else 50, index, definition.key, use == "required"))
        data["fields"] = [{"key": key, "required": required} for _o, _i, key, required in sorted(chosen)]
        data["allowed_origins"] = (data.get("allowed_origins") or "").split()
        return data

    @staticmethod
    def initial_for(form: WebForm) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": form.name,
            "title": form.texts("title"),
            "success_message": form.texts("success_message"),
            "team": form.team_id,
            "language": form.language,
            "allowed_origins": "\n".join(form.allowed_origins),
            "active": form.active,
        }
        for position, spec in enumerate(form.field_specs()):
            initial[f"use_{spec['key']}"] = "required" if spec.get("required") else "optional"
            initial[f"order_{spec['key']}"] = position
        return initial


class PublicWebForm(forms.Form):
    """What a visitor fills in: name, email, subject, description, the form's custom fields, attachments. `token`
    is the signed, time-limited form token (views.webforms); `website` a honeypot people never see."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50_000)

    def __init__(self, *args: Any, webform: WebForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        definitions = {d.key: d for d in CustomField.objects.filter(target=CustomField.Target.TICKET)}
        self.definitions: list[CustomField] = []
        for spec in webform.field_specs():
            definition = definitions.get(spec["key"])
            if definition is None:
                continue  # deleted since the form was configured
            field = custom_field_formfield(definition, portal=True)
            field.required = bool(spec.get("required"))
            self.fields[f"cf_{definition.key}"] = field
            self.definitions.append(definition)
        self.fields["attachments"] = MultipleFileField(label=_("Attachments"))
        self.fields["token"] = forms.CharField(widget=forms.HiddenInput, max_length=300)
        self.fields["website"] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def custom_values(self) -> dict[str, Any]:
        return custom_field_values(self.cleaned_data, self.definitions)
