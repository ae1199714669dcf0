"""Forms for the agent workspace and the customer portal; their field names match the actions' keywords."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.core.forms import (
    ActionForm,
    ChoiceTranslationsField,
    FilePicker,
    RowChoiceField,
    TranslatedForm,
    TranslatedModelChoiceField,
    TranslatedTextField,
    submission_field,
)
from opsdesk.core.translations import default_language, language_name
from opsdesk.fields.models import CustomField
from opsdesk.people.models import Team
from opsdesk.tickets.models import Ticket, TicketStatus


class MultipleFileInput(FilePicker):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def active_agents() -> forms.ModelChoiceField[User]:
    return RowChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(is_active=True, role__in=roles_with(Capability.BE_ASSIGNED)).order_by("name"),
        required=False,
        empty_label=_("Unassigned"),
    )


class StatusChoiceField(RowChoiceField):
    def label_from_instance(self, obj: TicketStatus) -> str:
        from opsdesk.core.templatetags.opsdesk import status_label

        return status_label(obj)


def choosable_statuses() -> QuerySet[TicketStatus]:
    """The statuses a ticket can be set to: active ones, not "New"."""
    return TicketStatus.objects.filter(is_active=True).exclude(category=TicketStatus.Category.NEW)


def status_choice(label: Any = None, *, required: bool = True) -> forms.ModelChoiceField[TicketStatus]:
    return StatusChoiceField(
        label=label or _("Status"),
        queryset=choosable_statuses(),
        required=required,
        empty_label=_("Keep the status") if not required else None,  # required: one of the statuses, no blank
    )


class ReplyForm(ActionForm):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = status_choice(_("Submit as"), required=False)


class NoteForm(ActionForm):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()


class CustomerReplyForm(ActionForm):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()


class FollowReplyForm(ActionForm):
    """A reply through a follow link (tickets/views/follow.py): text only, with the one-time submission token."""

    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    submission = submission_field()


class StatusForm(ActionForm):
    def __init__(self, *args: Any, current: TicketStatus | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = status_choice()
        if current is not None and current.category == TicketStatus.Category.NEW:
            # A new ticket shows "New" as its current value; choosing it again changes nothing.
            field = self.fields["status"]
            field.queryset = TicketStatus.objects.filter(pk=current.pk) | field.queryset  # type: ignore[attr-defined]


class AssignForm(ActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = active_agents()


class TeamForm(ActionForm):
    team = TranslatedModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )


class PriorityForm(ActionForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)


class TypeForm(ActionForm):
    type = forms.ChoiceField(label=_("Type"), choices=Ticket.Type.choices)


class TagsForm(ActionForm):
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))

    def clean_tags(self) -> list[str]:
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]


class MergeForm(ActionForm):
    target = forms.IntegerField(label=_("Merge into ticket number"), min_value=1)


class LinkForm(ActionForm):
    other = forms.IntegerField(label=_("Link to ticket number"), min_value=1)


class NewTicketForm(forms.Form):
    """An agent logs a ticket on a customer's behalf."""

    requester_email = forms.EmailField(label=_("Requester email"))
    requester_name = forms.CharField(label=_("Requester name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=200_000)
    public = forms.BooleanField(
        label=_("Send the description to the customer as a reply"),
        required=False,
        initial=False,  # a phone ticket's description is the agent's notes of the call
        help_text=_("Leave it off when the description is your own notes, as for a phone call."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices, initial="normal")
    type = forms.ChoiceField(label=_("Type"), choices=Ticket.Type.choices)
    team = TranslatedModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = active_agents()

    ROUTING = ("channel", "priority", "type", "team", "assignee", "language")

    def conversation_fields(self) -> list[forms.BoundField]:
        """Who and what: the left column of the page."""
        return [field for field in self if field.name not in self.ROUTING]

    def routing_fields(self) -> list[forms.BoundField]:
        """How it is handled: the right column."""
        return [self[name] for name in self.ROUTING]


class PortalTicketForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("How can we help?"), widget=forms.Textarea(attrs={"rows": 8}), max_length=200_000)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()


class ContactForm(forms.Form):
    """The public contact form; `website` is a honeypot that people never see or fill in."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000)
    attachments = MultipleFileField(label=_("Attachments"))
    submission = submission_field()
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with everyone"), required=False)


class StatusConfigForm(TranslatedForm):
    name = TranslatedTextField(label=_("Name"), max_length=60)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=TicketStatus.Category.choices,
        help_text=_("Rules and reports read only the category."),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=0)
    is_default = forms.BooleanField(label=_("Default for its category"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CustomFieldConfigForm(TranslatedForm):
    label = TranslatedTextField(label=_("Label"), max_length=100)
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("Used in the API and imports; made from the label when empty."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=CustomField.Type.choices)
    target = forms.ChoiceField(label=_("Applies to"), choices=CustomField.Target.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visible_in_portal = forms.BooleanField(label=_("Shown in the portal"), required=False)
    required_in_portal = forms.BooleanField(label=_("Required in the portal"), required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = language_name(default_language())
        self.fields["choices"].help_text = _(
            "For a drop-down: one choice per line, in %(language)s. Each line is the value tickets store; "
            "after saving, give each choice its label in the other languages."
        ) % {"language": default}
        if field is not None and field.choices:
            # Right under the choices they label.
            labels = ChoiceTranslationsField(
                field.choices,
                label=_("Choice labels in other languages"),
                help_text=_("A language left empty shows the value itself."),
            )
            names = list(self.fields)
            self.fields = {
                **{name: self.fields[name] for name in names[: names.index("choices") + 1]},
                "choice_translations": labels,
                **{name: self.fields[name] for name in names[names.index("choices") + 1 :]},
            }

    def clean_choices(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["choices"].splitlines() if c.strip()]


class CannedResponseForm(TranslatedForm):
    title = TranslatedTextField(label=_("Title"), max_length=100)
    body = TranslatedTextField(
        label=_("Text"),
        multiline=True,
        help_text=format_lazy(
            _(
                "Agents read the title in their own language and insert the text in the ticket's language; "
                "a language left empty inserts the {language} text."
            ),
            language=language_name(default_language()),
        ),
    )
    team = TranslatedModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Every team")
    )


class PropertiesForm(ActionForm):
    """The ticket sidebar: every property at once, saved with one "Update"."""

    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)
    type = forms.ChoiceField(label=_("Type"), choices=Ticket.Type.choices)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))

    def __init__(self, *args: Any, current: TicketStatus | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status_form = StatusForm(current=current)
        self.fields = {
            "status": status_form.fields["status"],
            "assignee": active_agents(),
            "team": TranslatedModelChoiceField(
                label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
            ),
            **self.fields,
        }

    def clean_tags(self) -> list[str]:
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]
