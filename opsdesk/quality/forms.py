"""Survey forms: the configuration page's, and the customer's answer page's. The rules are the actions'
(quality/actions.py); these forms parse what was typed and show the actions' refusals on their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.models import User
from opsdesk.core.forms import DayInput, TranslatedForm, TranslatedModelChoiceField, TranslatedTextField
from opsdesk.people.models import Team
from opsdesk.quality import actions, cards, fatigue
from opsdesk.quality.actions import samples
from opsdesk.quality.models import Scorecard, Survey


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
    moment = forms.ChoiceField(label=_("Send"), choices=Survey.Moment.choices, initial=Survey.Moment.SOLVED)
    delay_minutes = forms.IntegerField(
        label=_("Send this many minutes after that"), min_value=0, max_value=actions.MAX_DELAY_MINUTES
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


# --- QA ------------------------------------------------------------------------------------------------------------

NA_CHOICE = "na"


class ScorecardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = TranslatedModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("Every team"),
        help_text=_("The review page offers a team's own scorecard first."),
    )
    source = forms.CharField(
        label=_("Sections and items"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "mono"}),
        max_length=20000,
        help_text=_(
            "One line per section, and one per item starting with “- ”. Options in square brackets: weight N, "
            "binary, N points (3, 4 or 5), N/A, critical (fails the review), critical: section (zeroes its "
            "section), bonus."
        ),
    )
    na_as_pass = forms.BooleanField(label=_("N/A counts as a pass"), required=False)
    flag_only = forms.BooleanField(
        label=_("A failed critical item only flags the review"),
        required=False,
        help_text=_("Otherwise it sets the review's score to 0."),
    )
    bonus_cap = forms.IntegerField(label=_("Highest score with bonus"), min_value=100, max_value=200, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)


def _rating_choices(item: dict[str, Any]) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]]
    if item["points"] == 2:
        choices = [("2", _("Yes")), ("1", _("No"))]
    else:
        choices = [(str(n), str(n)) for n in range(item["points"], 0, -1)]
    if item["na_allowed"]:
        choices.append((NA_CHOICE, _("N/A")))
    return choices


class _RatingsMixin:
    """A field per scorecard item (`item_<key>`), its answers the item's scale (binary: yes/no) and N/A where
    allowed."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_items(self, version: Any, *, required: bool) -> None:
        self.items = cards.items(version.definition)
        for item in self.items:
            self.fields[f"item_{item['key']}"] = forms.ChoiceField(
                label=item["name"],
                choices=_rating_choices(item) if required else [("", "—"), *_rating_choices(item)],
                widget=forms.RadioSelect if required else forms.Select,
                required=required,
            )

    def ratings(self) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item['key']}")
            if value:
                found[item["key"]] = None if value == NA_CHOICE else int(value)
        return found


class ReviewForm(_RatingsMixin, forms.Form):
    reviewee = forms.ModelChoiceField(
        label=_("Agent reviewed"), queryset=User.objects.none(), empty_label=_("Choose an agent")
    )
    summary = forms.CharField(
        label=_("Summary for the agent"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    share = forms.BooleanField(label=_("Share with the agent now"), required=False)

    def __init__(self, *args: Any, version: Any, messages_list: list[Any], reviewees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewee = self.fields["reviewee"]
        assert isinstance(reviewee, forms.ModelChoiceField)
        reviewee.queryset = reviewees
        self.add_items(version, required=True)
        self.message_ids = [message.pk for message in messages_list]
        for message in messages_list:
            self.fields[f"comment_{message.pk}"] = forms.CharField(
                label=_("Comment on this message"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.definition = version.definition

    def comments(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(f"comment_{pk}", "") for pk in self.message_ids}

    def sections(self) -> list[dict[str, Any]]:
        """The scorecard's sections with their items' bound fields, for the page."""
        return [
            {
                "name": section["name"],
                "weight": section["weight"],
                "items": [(item, self[f"item_{item['key']}"]) for item in section["items"]],
            }
            for section in cards.shares(self.definition)
        ]


class DisputeForm(_RatingsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Why do you dispute this review?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, version: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_items(version, required=False)


class ResolveForm(_RatingsMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accepted", _("Accept: the proposed ratings apply")),
            ("partially_accepted", _("Accept in part: the ratings chosen below apply")),
            ("rejected", _("Reject: the score stays")),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("Your answer to the agent"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, version: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_items(version, required=False)


class SampleForm(forms.Form):
    scorecard = forms.ModelChoiceField(
        label=_("Scorecard"), queryset=Scorecard.objects.filter(is_active=True), empty_label=None
    )
    starts = forms.DateField(label=_("Week starting"), widget=DayInput())
    quota = forms.IntegerField(label=_("Tickets per agent"), min_value=1, max_value=50, initial=4)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        help_text=_(
            "The tickets are shared out so that each reviewer has about as many waiting; nobody reviews their own work."
        ),
    )
    pools = forms.MultipleChoiceField(
        label=_("Targeted pools"),
        choices=[(code, label) for code, label in samples.POOLS.items() if code != samples.TAGGED],
        initial=list(samples.DEFAULT_POOLS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Beside the random tickets, every ticket of the week in these pools, tagged with the reason."),
    )
    tags = forms.CharField(
        label=_("Tickets with these tags"),
        required=False,
        max_length=1000,
        help_text=_("Tags separated by commas, e.g. refund, complaint. Leave empty for none."),
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = reviewers

    def clean_tags(self) -> list[str]:
        return [tag for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]


class CalibrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scorecard = forms.ModelChoiceField(
        label=_("Scorecard"), queryset=Scorecard.objects.filter(is_active=True), empty_label=None
    )
    tickets = forms.CharField(
        label=_("Tickets"), max_length=500, help_text=_("Ticket numbers separated by commas, e.g. 1024, 1031.")
    )
    participants = forms.ModelMultipleChoiceField(label=_("Reviewers"), queryset=User.objects.none())

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = reviewers

    def clean_tickets(self) -> list[int]:
        found = []
        for part in self.cleaned_data["tickets"].replace(";", ",").split(","):
            text = part.strip().lstrip("#")
            if not text:
                continue
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(_("“%(value)s” is not a ticket number.") % {"value": part.strip()})
            found.append(int(text))
        if not found:
            raise forms.ValidationError(_("Enter at least one ticket number."))
        return found


class BlindScoreForm(_RatingsMixin, forms.Form):
    """A calibration's score of one ticket: the scorecard's items only."""

    def __init__(self, *args: Any, version: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_items(version, required=True)
        self.definition = version.definition

    def sections(self) -> list[dict[str, Any]]:
        return [
            {"name": section["name"], "items": [(item, self[f"item_{item['key']}"]) for item in section["items"]]}
            for section in cards.shares(self.definition)
        ]
