from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.forms import COMMON_ZONES
from opsdesk.core.forms import ActionForm, FilePicker
from opsdesk.customers.models import CustomerOrganization


def _lines(value: str) -> list[str]:
    return [v.strip() for v in value.replace(",", "\n").replace(";", "\n").splitlines() if v.strip()]


class CustomerForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary address."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=CustomerOrganization.objects.all(), required=False, empty_label=_("None")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in COMMON_ZONES])
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, addresses_editable: bool = True, organization_editable: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not organization_editable:  # it decides whose shared tickets the customer's login sees
            self.fields["organization"].disabled = True
            self.fields["organization"].help_text = _(
                "Only managers and administrators change a customer's organization."
            )
        self.fields["time_zone"].initial = settings.OPSDESK_DEFAULT_TIME_ZONE
        if not addresses_editable:  # shown, not changed: the address decides who can sign in as the customer
            self.fields["emails"].disabled = True
            self.fields["emails"].help_text = _("Only managers and administrators change a customer's addresses.")

    def clean_emails(self) -> list[str]:
        return _lines(self.cleaned_data["emails"])

    def clean_phones(self) -> list[str]:
        return _lines(self.cleaned_data["phones"])


class CustomerNoteForm(ActionForm):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class CustomerMergeForm(forms.Form):
    target = forms.IntegerField(label=_("Merge into customer number"), min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), widget=FilePicker())


class OrganizationForm(ActionForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    domains = forms.CharField(
        label=_("Email domains"), required=False, help_text=_("New customers with these domains join the organization.")
    )
    shared_tickets = forms.BooleanField(label=_("Members see each other's tickets"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_domains(self) -> list[str]:
        return _lines(self.cleaned_data["domains"])
