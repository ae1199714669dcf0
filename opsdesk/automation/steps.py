"""The one vocabulary of what rules and macros do to a ticket (docs/automation.md): set fields, assign, tag, reply
or note from a text with placeholders in the ticket's language, notify staff, escalate, call a webhook, post to
Slack or Teams.

A step is stored as JSON, `{"type": "set_priority", "priority": "urgent"}`. `parse` checks a list of them against
the database (the status, team, user exist; the texts' placeholders are known) and returns typed `Step`s, or raises
`StepError` naming the step and its input, which forms show beside that input and the API returns as the field.
`describe` says what a step does in the reader's language. Running steps is `automation.actions.running`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import User
from opsdesk.automation import targets
from opsdesk.core.errors import ActionError
from opsdesk.core.translations import default_language
from opsdesk.fields.actions import clean_custom_fields
from opsdesk.fields.models import CustomField
from opsdesk.people.models import Team
from opsdesk.tickets import placeholders
from opsdesk.tickets.actions import clean_tags
from opsdesk.tickets.models import Ticket, TicketStatus

MAX_STEPS = 20
MAX_TAGS = 20
NOTIFY_CHOICES = ("assignee", "team_leads", "managers")
PRIORITY_ORDER = ("low", "normal", "high", "urgent")
ASSIGN_KEYWORDS = ("nobody", "route", "me")  # "me": the agent applying a macro
TEAM_CHANNEL = "team"  # a chat step's channel: the ticket's team's Slack or Teams channel


class StepError(ValueError):
    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.field = field
        self.message = message

    @property
    def name(self) -> str:
        """The form input it belongs to: `step_2_priority`."""
        return f"step_{self.index}_{self.field}"


@dataclass(frozen=True)
class Step:
    type: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, **self.params}


@dataclass(frozen=True)
class StepType:
    name: str
    label: str | Promise
    inputs: tuple[str, ...]  # what its form row shows: value, text, tags, notify, email
    macro: bool = True  # offered to macros
    rule: bool = True  # offered to rules


TYPES: dict[str, StepType] = {
    t.name: t
    for t in (
        StepType("set_status", _("Set the status"), ("value",)),
        StepType("set_priority", _("Set the priority"), ("value",)),
        StepType("set_type", _("Set the type"), ("value",)),
        StepType("set_team", _("Move to a team"), ("value",)),
        StepType("assign", _("Assign"), ("value",)),
        StepType("add_tags", _("Add tags"), ("tags",)),
        StepType("remove_tags", _("Remove tags"), ("tags",)),
        StepType("set_field", _("Set a custom field"), ("value", "text")),
        StepType("reply", _("Reply to the customer"), ("text",)),
        StepType("note", _("Add an internal note"), ("text",)),
        StepType("notify", _("Notify staff"), ("notify", "email", "text"), macro=False),
        StepType("escalate", _("Escalate"), ("notify", "email"), macro=False),
        StepType("webhook", _("Call a webhook"), ("value",), macro=False),
        StepType("chat", _("Post to Slack or Teams"), ("value", "text"), macro=False),
    )
}


def type_choices(*, macro: bool = False) -> list[tuple[str, str]]:
    return [(t.name, str(t.label)) for t in TYPES.values() if (t.macro if macro else t.rule)]


# --- parsing ---------------------------------------------------------------------------------------------------------


class Lookups:
    """The rows steps may name, each read once (when a step first needs it) for all the steps parsed with it."""

    def __init__(self) -> None:
        self._statuses: set[int] | None = None
        self._teams: set[int] | None = None
        self._assignable: set[int] | None = None
        self._webhooks: dict[int, Any] | None = None
        self._channels: dict[int, Any] | None = None

    @property
    def statuses(self) -> set[int]:
        if self._statuses is None:
            self._statuses = set(TicketStatus.objects.filter(is_active=True).values_list("pk", flat=True))
        return self._statuses

    @property
    def teams(self) -> set[int]:
        if self._teams is None:
            self._teams = set(Team.objects.values_list("pk", flat=True))
        return self._teams

    @property
    def assignable(self) -> set[int]:
        if self._assignable is None:
            self._assignable = {u.pk for u in User.objects.filter(is_active=True) if can(u, Capability.BE_ASSIGNED)}
        return self._assignable

    @property
    def webhooks(self) -> dict[int, Any]:
        if self._webhooks is None:
            self._webhooks = targets.webhooks()
        return self._webhooks

    @property
    def channels(self) -> dict[int, Any]:
        if self._channels is None:
            self._channels = targets.channels()
        return self._channels


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        return int(value.strip())
    return None


def _texts(index: int, raw: Any, *, required: bool = True) -> dict[str, str]:
    """A text per language: {"en": ..., "fi": ...}; the default language's is required (it is the fallback)."""
    if raw is None or raw == "":
        raw = {}
    if isinstance(raw, str):
        raw = {default_language(): raw}
    if not isinstance(raw, dict):
        raise StepError(index, "text", gettext("Write the text."))
    known = {code for code, _name in settings.LANGUAGES}
    texts: dict[str, str] = {}
    for code, text in raw.items():
        if code not in known or not isinstance(text, str):
            raise StepError(index, "text", gettext("Texts are given per language: en, fi, sv, ru, el."))
        text = text.strip()
        if "\x00" in text:
            raise StepError(index, "text", gettext("The text contains a character that cannot be stored."))
        if len(text) > placeholders.MAX_TEXT_CHARS:
            raise StepError(
                index, "text", gettext("A text is at most %(n)d characters.") % {"n": placeholders.MAX_TEXT_CHARS}
            )
        bad = placeholders.unknown(text)
        if bad:
            raise StepError(
                index, f"text_{code}", gettext("Unknown placeholder: %(names)s.") % {"names": ", ".join(bad)}
            )
        if text:
            texts[code] = text
    if required and not texts.get(default_language()):
        raise StepError(index, f"text_{default_language()}", gettext("Write the text in English; it is the fallback."))
    return texts


def _tags(index: int, raw: Any) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise StepError(index, "tags", gettext("Give the tags as a list of words."))
    try:
        tags = clean_tags(items)
    except ActionError as error:
        raise StepError(index, "tags", str(error.message)) from error
    if not tags:
        raise StepError(index, "tags", gettext("Give at least one tag."))
    if len(tags) > MAX_TAGS:
        raise StepError(index, "tags", gettext("At most %(n)d tags.") % {"n": MAX_TAGS})
    return tags


def _notify(index: int, raw: Any, *, required: bool) -> list[str]:
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list) or not all(isinstance(v, str) and v in NOTIFY_CHOICES for v in raw):
        raise StepError(index, "notify", gettext("Choose whom to notify: assignee, team_leads or managers."))
    if required and not raw:
        raise StepError(index, "notify", gettext("Choose whom to notify."))
    return [v for v in NOTIFY_CHOICES if v in raw]


def _choice(index: int, value: Any, allowed: Mapping[str, Any], message: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise StepError(index, "value", message)
    return value


def _one(index: int, raw: Any, look: Lookups, *, macro: bool) -> Step:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str) or raw["type"] not in TYPES:
        raise StepError(index, "type", gettext("Choose what the step does."))
    kind = raw["type"]
    step_type = TYPES[kind]
    if not (step_type.macro if macro else step_type.rule):
        raise StepError(index, "type", gettext("A macro cannot do this; a rule can."))
    if kind == "set_status":
        status = _int(raw.get("status"))
        if status not in look.statuses:
            raise StepError(index, "value", gettext("Choose a status."))
        return Step(kind, {"status": status})
    if kind == "set_priority":
        return Step(
            kind,
            {
                "priority": _choice(
                    index, raw.get("priority"), dict(Ticket.Priority.choices), gettext("Choose a priority.")
                )
            },
        )
    if kind == "set_type":
        return Step(
            kind, {"value": _choice(index, raw.get("value"), dict(Ticket.Type.choices), gettext("Choose a type."))}
        )
    if kind == "set_team":
        team = _int(raw.get("team"))
        if raw.get("team") is not None and team not in look.teams:
            raise StepError(index, "value", gettext("Choose a team."))
        return Step(kind, {"team": team})
    if kind == "assign":
        to = raw.get("to")
        if to in ASSIGN_KEYWORDS:
            if to == "me" and not macro:
                raise StepError(index, "value", gettext("Only a macro can assign to the agent applying it."))
            return Step(kind, {"to": to})
        user = _int(to)
        if user not in look.assignable:
            raise StepError(index, "value", gettext("Choose someone who can be assigned tickets."))
        return Step(kind, {"to": user})
    if kind in ("add_tags", "remove_tags"):
        return Step(kind, {"tags": _tags(index, raw.get("tags"))})
    if kind == "set_field":
        return _custom_field(index, raw)
    if kind in ("reply", "note"):
        return Step(kind, {"text": _texts(index, raw.get("text"))})
    if kind == "notify":
        return Step(
            kind,
            {
                "to": _notify(index, raw.get("to"), required=True),
                "email": bool(raw.get("email")),
                "text": _texts(index, raw.get("text"), required=False),
            },
        )
    if kind == "escalate":
        return Step(kind, {"to": _notify(index, raw.get("to"), required=False), "email": bool(raw.get("email"))})
    if kind == "webhook":
        webhook = _int(raw.get("webhook"))
        if webhook not in look.webhooks:
            raise StepError(index, "value", gettext("Choose a webhook."))
        return Step(kind, {"webhook": webhook})
    texts = _texts(index, raw.get("text"), required=False)  # chat
    if raw.get("channel") == TEAM_CHANNEL:  # the ticket's team's channel, found when the rule fires
        return Step(kind, {"channel": TEAM_CHANNEL, "text": texts})
    channel = _int(raw.get("channel"))
    if channel not in look.channels:
        raise StepError(index, "value", gettext("Choose a Slack or Teams channel."))
    return Step(kind, {"channel": channel, "text": texts})


def _custom_field(index: int, raw: dict[str, Any]) -> Step:
    key = raw.get("field")
    if not isinstance(key, str) or not CustomField.objects.filter(target=CustomField.Target.TICKET, key=key).exists():
        raise StepError(index, "value", gettext("Choose a custom field."))
    try:
        cleaned = clean_custom_fields({key: raw.get("value")})
    except ActionError as error:
        raise StepError(index, "text", str(error.message)) from error
    return Step("set_field", {"field": key, "value": cleaned.get(key)})


def parse(data: Any, *, macro: bool = False, lookups: Lookups | None = None) -> list[Step]:
    """Typed, checked steps from their JSON; StepError for the first wrong one. Parsing many lists (every rule)
    shares one `Lookups`."""
    if not isinstance(data, list) or not data:
        raise StepError(0, "type", gettext("Add at least one action."))
    if len(data) > MAX_STEPS:
        raise StepError(MAX_STEPS, "type", gettext("At most %(n)d actions.") % {"n": MAX_STEPS})
    look = lookups or Lookups()
    return [_one(i, raw, look, macro=macro) for i, raw in enumerate(data)]


def as_json(steps: list[Step]) -> list[dict[str, Any]]:
    return [s.as_json() for s in steps]


# --- in words --------------------------------------------------------------------------------------------------------


def raised(priority: str) -> str:
    """The next priority up (urgent stays urgent)."""
    index = PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else 1
    return PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]


def notify_label(value: str) -> str:
    return {
        "assignee": gettext("the assignee"),
        "team_leads": gettext("the team's leads"),
        "managers": gettext("the managers"),
    }.get(value, value)


Describer = Callable[[Mapping[str, Any]], str]


class Names:
    """The names steps show (statuses, teams, people, webhooks, channels), each read once (one query) when a step
    first needs it: a page describing many rules shares one."""

    def __init__(self) -> None:
        self._found: dict[str, dict[int, str]] = {}

    def _read(self, kind: str) -> dict[int, str]:
        if kind not in self._found:
            if kind == "status":
                self._found[kind] = {s.pk: str(s.display_name) for s in TicketStatus.objects.all()}
            elif kind == "team":
                self._found[kind] = {t.pk: str(t.display_name) for t in Team.objects.all()}
            elif kind == "user":
                self._found[kind] = dict(User.objects.values_list("pk", "name"))
            elif kind == "webhook":
                self._found[kind] = {pk: str(w) for pk, w in targets.webhooks().items()}
            else:
                self._found[kind] = {pk: str(c) for pk, c in targets.channels().items()}
        return self._found[kind]

    def get(self, kind: str, pk: Any, default: str = "?") -> str:
        return self._read(kind).get(_int(pk) or 0, default)


def describe(step: Step | Mapping[str, Any], names: Names | None = None) -> str:
    """What the step does, in the reader's language: "Set the priority: Urgent"."""
    names = names or Names()
    data = step.as_json() if isinstance(step, Step) else dict(step)
    kind = data.get("type", "")
    label = str(TYPES[kind].label) if kind in TYPES else kind
    if kind == "set_status":
        detail = names.get("status", data.get("status"))
    elif kind == "set_priority":
        detail = str(dict(Ticket.Priority.choices).get(str(data.get("priority")), "?"))
    elif kind == "set_type":
        detail = str(dict(Ticket.Type.choices).get(str(data.get("value")), "?"))
    elif kind == "set_team":
        detail = names.get("team", data.get("team"), gettext("no team"))
    elif kind == "assign":
        to = data.get("to")
        if to == "nobody":
            detail = gettext("nobody")
        elif to == "route":
            detail = gettext("by the team's routing")
        elif to == "me":
            detail = gettext("the agent applying the macro")
        else:
            detail = names.get("user", to)
    elif kind in ("add_tags", "remove_tags"):
        detail = ", ".join(data.get("tags") or [])
    elif kind == "set_field":
        detail = f"{data.get('field')} = {data.get('value')}"
    elif kind in ("reply", "note"):
        text = " ".join(placeholders.pick(data.get("text") or {}, default_language()).split())
        detail = f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
    elif kind in ("notify", "escalate"):
        people = ", ".join(notify_label(v) for v in data.get("to") or [])
        detail = people + (" " + gettext("(and by email)") if data.get("email") else "")
        if kind == "escalate":
            detail = gettext("priority one step up; notify: %(people)s") % {"people": people or "—"}
    elif kind == "webhook":
        detail = names.get("webhook", data.get("webhook"))
    elif kind == "chat":
        channel = data.get("channel")
        detail = gettext("the ticket's team's channel") if channel == TEAM_CHANNEL else names.get("channel", channel)
    else:
        detail = ""
    return f"{label}: {detail}" if detail else label
