"""Survey forms: the configuration page's, and the customer's answer page's. The rules are the actions'
(quality/actions.py); these forms parse what was typed and show the actions' refusals on their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import TranslatedForm, TranslatedTextField
from opsdesk.quality import actions, fatigue
from opsdesk.quality.models import Survey


def _cooldown_choices() -> list[tuple[str, Any]]:
    return [("", _("Off")), *((str(days), _("%(n)d days") % {"n": days}) for days in fatigue.COOLDOWN_CHOICES)]


class SurveyForm(TranslatedForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Survey.Kind.choices)
    scale = forms.TypedChoiceField(
        label=_("CSAT scale"),
        choices=[(n, _("%(n)d points") % {"n": n}) for n in actions.CSAT_SCALES],
        coerce=int,
        initial=5,
        help_text=_("NPS always asks 0–10 and CES 1–7."),
    )
    style = forms.ChoiceField(label=_("Answer buttons"), choices=Survey.Style.choices)
    question = TranslatedTextField(label=_("Question"), max_length=300)
    delay_minutes = forms.IntegerField(
        label=_("Send this many minutes after the ticket is solved"), min_value=0, max_value=actions.MAX_DELAY_MINUTES
    )
    cooldown_days = forms.TypedChoiceField(
        label=_("Send to the same customer at most once per"),
        choices=_cooldown_choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Any two surveys to the same customer are at least 24 hours apart in any case."),
    )
    sample_every = forms.IntegerField(
        label=_("Send to one in this many solved tickets"), min_value=1, max_value=actions.MAX_SAMPLE_EVERY
    )
    excluded_tags = forms.CharField(
        label=_("Never for tickets tagged"),
        required=False,
        help_text=_("Tags separated by commas."),
        max_length=1000,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def clean_excluded_tags(self) -> list[str]:
        return [tag for tag in self.cleaned_data.get("excluded_tags", "").split(",") if tag.strip()]


class AnswerForm(forms.Form):
    """The survey page: the rating (changeable until the window ends), a reason with a negative one, a comment."""

    rating = forms.TypedChoiceField(label=_("Your answer"), coerce=int, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("What went wrong?"), required=False)
    comment = forms.CharField(
        label=_("Anything you would like to add?"),
        required=False,
        max_length=actions.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rating, reason = self.fields["rating"], self.fields["reason"]
        assert isinstance(rating, forms.TypedChoiceField) and isinstance(reason, forms.ChoiceField)
        # numbers on the page: a face needs an emoji font the customer's device may lack (the mail shows faces)
        rating.choices = [(n, str(n)) for n in actions.answer_choices(survey)]
        reason.choices = [("", "—"), *((code, text) for code, text in actions.NEGATIVE_REASONS.items())]
