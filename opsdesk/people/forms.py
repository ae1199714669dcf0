from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.models import Role, User
from opsdesk.core.forms import TranslatedForm, TranslatedTextField
from opsdesk.people.models import TeamMembership


class TeamForm(TranslatedForm):
    name = TranslatedTextField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages this team answers customers in."),
    )
    skills = forms.CharField(label=_("Skills"), required=False, help_text=_("Separate skills with commas."))

    def clean_skills(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER).order_by("name"),
        empty_label=_("Choose a person"),
    )
    is_lead = forms.BooleanField(label=_("Team lead"), required=False)
    access = forms.ChoiceField(label=_("Access"), choices=TeamMembership.Access.choices)
    member = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)
