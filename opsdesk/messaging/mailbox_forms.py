"""The mailbox settings form: its cleaned fields are `create_mailbox` / `update_mailbox`'s keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import ActionForm
from opsdesk.core.translations import sort_translated
from opsdesk.messaging.models import Mailbox
from opsdesk.people.models import Team


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class MailboxForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Shown to customers as the sender's name."))
    address = forms.EmailField(label=_("Address"), max_length=254)
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("New tickets from this mailbox go to this team."),
    )
    language = forms.ChoiceField(
        label=_("Default language"),
        choices=settings.LANGUAGES,
        help_text=_("Assumed when a message's own language cannot be told."),
    )
    signature = forms.CharField(
        label=_("Signature"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added at the end of every mail sent from this mailbox."),
    )
    imap_host = forms.CharField(
        label=_("IMAP server"),
        required=False,
        max_length=200,
        help_text=_("Leave empty when your mail server delivers to OpsDesk (LMTP) or mail is posted to the API."),
    )
    imap_port = forms.IntegerField(
        label=_("IMAP port"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=_("Empty: 993 for SSL/TLS, 143 otherwise."),
    )
    imap_security = forms.ChoiceField(label=_("IMAP security"), choices=Mailbox.Security.choices)
    imap_username = forms.CharField(label=_("IMAP user name"), required=False, max_length=200)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        max_length=200,
        strip=False,
        # Rendered back only what was typed in this very POST (a form with errors: retyping it is easy to miss); the
        # stored password is never in `initial`, so it never reaches a page. The view sends that page no-store.
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
    )
    imap_folder = forms.CharField(label=_("Folder to read"), required=False, max_length=200, initial="INBOX")
    imap_processed_folder = forms.CharField(
        label=_("Folder for processed mail"),
        required=False,
        max_length=200,
        help_text=_("Fetched messages are moved here (it is created if missing). Empty: they are marked as read."),
    )

    def __init__(self, *args: Any, mailbox: Mailbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, TeamChoiceField)
        team.queryset = Team.objects.all()
        choices = sort_translated(Team.objects.all(), lambda t: t.display_name)
        team.choices = [("", "—"), *[(t.pk, t.display_name) for t in choices]]
        password = self.fields["imap_password"]
        password.initial = None  # never from the database, whatever a caller passes
        self.initial.pop("imap_password", None)
        if mailbox is not None and mailbox.imap_password:
            password.help_text = _("A password is stored. Leave this empty to keep it.")
        else:
            password.help_text = _("Stored encrypted with the server's secret key.")
