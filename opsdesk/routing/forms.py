"""Routing forms: a team's strategy and options, an agent's languages, skills and capacities, presence, and a
ticket's routing requirement. Each gives its action's keyword arguments; the action checks the rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core import languages as language_names
from opsdesk.people.models import Skill
from opsdesk.routing.actions import language_codes
from opsdesk.routing.models import MAX_CAPACITY, AgentProfile, ChannelGroup, TeamRouting

LEVELS = [("", _("none"))] + [(str(n), str(n)) for n in range(1, 6)]
MAX_FALLBACK_MINUTES = 7 * 24 * 60


def _language_choices() -> list[tuple[str, str]]:
    return [(code, f"{language_names.name(code)} ({code})") for code in language_codes()]


def _capacity_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_CAPACITY)


class CapacityFields(forms.Form):
    """capacity_tickets, capacity_chat, capacity_phone: blank means the default."""

    def add_capacity(self, initial: dict[str, int]) -> None:
        for group, label in ChannelGroup.choices:
            self.fields[f"capacity_{group}"] = _capacity_field(label)
            if group in initial:
                self.initial[f"capacity_{group}"] = initial[group]

    def capacity_fields(self) -> list[forms.BoundField]:
        return [self[f"capacity_{group}"] for group in ChannelGroup.values]

    def capacity(self) -> dict[str, int | None]:
        return {group: self.cleaned_data.get(f"capacity_{group}") for group in ChannelGroup.values}


class TeamRoutingForm(CapacityFields):
    strategy = forms.ChoiceField(label=_("Strategy"), choices=TeamRouting.Strategy.choices)
    use_language = forms.BooleanField(label=_("Match the ticket's language"), required=False)
    skill_min_level = forms.TypedChoiceField(
        label=_("Minimum level of required skills"), choices=LEVELS[1:], coerce=int, initial=1
    )
    fallback_minutes = forms.IntegerField(
        label=_("Offer to the whole team after (minutes)"),
        min_value=0,
        max_value=MAX_FALLBACK_MINUTES,
        initial=10,
        help_text=_("When nobody who speaks the language or has the skills is free; 0 offers it at once."),
    )

    def __init__(self, *args: Any, config: TeamRouting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if config is not None:
            self.initial.update(
                {
                    "strategy": config.strategy,
                    "use_language": config.use_language,
                    "skill_min_level": config.skill_min_level,
                    "fallback_minutes": config.fallback_seconds // 60,
                }
            )
        self.add_capacity(dict(config.capacity) if config else {})

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("strategy", "use_language", "skill_min_level", "fallback_minutes")]

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "strategy": data["strategy"],
            "use_language": data["use_language"],
            "skill_min_level": data["skill_min_level"],
            "fallback_seconds": data["fallback_minutes"] * 60,
            "capacity": self.capacity(),
        }


class AgentRoutingForm(CapacityFields):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        profile: AgentProfile | None,
        skills: list[Skill],
        levels: dict[int, int],
        capacity: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices()  # type: ignore[attr-defined]
        self.initial["languages"] = list(profile.languages) if profile else []
        self.skills = skills
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name, choices=LEVELS, coerce=int, empty_value=None, required=False
            )
            if skill.pk in levels:
                self.initial[f"skill_{skill.pk}"] = str(levels[skill.pk])
        self.add_capacity(capacity)

    def skill_fields(self) -> list[forms.BoundField]:
        return [self[f"skill_{skill.pk}"] for skill in self.skills]

    def action_kwargs(self) -> dict[str, Any]:
        return {
            "languages": self.cleaned_data["languages"],
            "skills": {skill: self.cleaned_data.get(f"skill_{skill.pk}") for skill in self.skills},
            "capacity": self.capacity(),
        }


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(label=_("Presence"), choices=AgentProfile.Presence.choices)


class RequirementForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Required skills"),
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The ticket's language"))] + _language_choices()  # type: ignore[attr-defined]
