"""The rule and macro forms: conditions as rows of field, operator and value (turned into the filter language here),
and steps as rows of the one vocabulary (automation/steps.py). The actions check everything again; these forms
only turn inputs into the JSON the actions take and put each refusal beside its input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.accounts.models import User
from opsdesk.automation import steps as vocabulary
from opsdesk.automation import targets, triggers
from opsdesk.automation.actions.rules import RuleInput
from opsdesk.automation.models import Rule
from opsdesk.core.forms import TranslatedModelChoiceField, TranslatedTextField
from opsdesk.customers.models import CustomerOrganization
from opsdesk.fields.models import CustomField
from opsdesk.people.models import Team
from opsdesk.sla.forms import DurationField
from opsdesk.sla.models import BusinessCalendar
from opsdesk.tickets import filters
from opsdesk.tickets.models import Ticket, TicketStatus

CONDITION_ROWS = 6
PREVIEW_SIZES = (50, 200, 500)
STEP_ROWS = 5
OPERATOR_LABELS = {
    filters.IS: _("is"),
    filters.IS_NOT: _("is not"),
    filters.IN: _("is one of"),
    filters.NOT_IN: _("is none of"),
    filters.LT: _("is less than"),
    filters.LTE: _("is at most"),
    filters.GT: _("is more than"),
    filters.GTE: _("is at least"),
    filters.CONTAINS: _("contains"),
    filters.NOT_CONTAINS: _("does not contain"),
    filters.PRESENT: _("is set (yes or no)"),
}
CONDITION_FIELDS = (
    "status_category",
    "priority",
    "type",
    "channel",
    "language",
    "detected_language",
    "team_id",
    "assignee_id",
    "organization_id",
    "tags",
)
ASSIGN_CHOICES = (("route", _("By the team's routing")), ("nobody", _("Nobody (unassign)")))


def _field_choices() -> list[tuple[str, str]]:
    found = [("", "—")] + [(name, str(filters.FIELDS[name].label)) for name in CONDITION_FIELDS]
    found += [
        (filters.CUSTOM_PREFIX + f.key, str(f.display_label))
        for f in CustomField.objects.filter(target=CustomField.Target.TICKET).order_by("key")
    ]
    return found


def _named_ids(field: str) -> dict[str, int]:
    """Names (lower case) and ids as text, to ids, for the id fields a condition row may name."""
    if field == "team_id":
        rows = [(str(t.display_name), t.pk) for t in Team.objects.all()] + [(t.name, t.pk) for t in Team.objects.all()]
    elif field == "assignee_id":
        rows = [(u.name, u.pk) for u in User.objects.filter(is_active=True)]
        rows += [(u.email, u.pk) for u in User.objects.filter(is_active=True)]
    elif field == "organization_id":
        rows = list(CustomerOrganization.objects.values_list("name", "pk"))
    else:
        rows = []
    found = {name.lower(): pk for name, pk in rows}
    found.update({str(pk): pk for _name, pk in rows})
    return found


def condition_value(field: str, op: str, text: str) -> Any:
    """A row's typed value: a list for list operators, yes/no for "is set", names and labels turned into what the
    filter language stores. An unknown name stays as typed, and the filter language refuses it by name."""
    if op == filters.PRESENT:
        return text.strip().lower() in ("yes", "true", "1", gettext("yes").lower())
    parts = [p.strip() for p in text.split(",") if p.strip()] if op in filters.LIST_OPERATORS else [text.strip()]
    spec = filters.FIELDS.get(field)
    if spec is not None and spec.kind == "id":
        named = _named_ids(field)
        values: list[Any] = [named.get(p.lower(), None if p.lower() in ("none", "—") else p) for p in parts]
    elif spec is not None and spec.kind in ("choice", "ordered"):
        labels = {str(label).lower(): key for key, label in spec.choice_map().items()}
        values = [labels.get(p.lower(), p) for p in parts]
    else:
        values = parts
    return values if op in filters.LIST_OPERATORS else values[0]


def conditions_to_rows(data: Any) -> tuple[str, list[dict[str, Any]]] | None:
    """The rows a stored filter shows as (one level, no search words), or None when it has more than rows can show."""
    if not data:
        return "all", []
    if not isinstance(data, dict) or data.get("q") or not isinstance(data.get("conditions"), list):
        return None
    rows = []
    for item in data["conditions"]:
        if not isinstance(item, dict) or "field" not in item:
            return None
        value = item.get("value")
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            text = gettext("yes") if value else gettext("no")
        else:
            text = "" if value is None else str(value)
        rows.append({"field": item["field"], "op": item.get("op", "is"), "value": text})
    return str(data.get("match", "all")), rows


class StepRows:
    """The step rows' fields, added to a form: `step_<i>_type` and the inputs each type reads."""

    def __init__(self, form: forms.Form, *, macro: bool, count: int) -> None:
        self.form, self.macro, self.count = form, macro, count
        statuses = [(str(s.pk), str(s.display_name)) for s in TicketStatus.objects.filter(is_active=True)]
        teams = [(str(t.pk), str(t.display_name)) for t in Team.objects.all()]
        people = [
            (str(u.pk), u.name)
            for u in User.objects.filter(is_active=True).order_by("name")
            if can(u, Capability.BE_ASSIGNED)
        ]
        assign = [
            *((k, str(v)) for k, v in ASSIGN_CHOICES),
            *(([("me", gettext("Me (the agent applying it)"))]) if macro else []),
            *people,
        ]
        fields_ = [(f.key, str(f.display_label)) for f in CustomField.objects.filter(target=CustomField.Target.TICKET)]
        webhooks = [(str(pk), str(v)) for pk, v in targets.webhooks().items()]
        channels = [
            ("team", gettext("The ticket's team's channel")),
            *((str(pk), str(v)) for pk, v in targets.channels().items()),
        ]
        blank = [("", "—")]
        for i in range(count):
            add = form.fields.__setitem__
            add(
                f"step_{i}_type",
                forms.ChoiceField(
                    label=_("Action"),
                    choices=blank + vocabulary.type_choices(macro=macro),
                    required=False,
                    widget=forms.Select(attrs={"data-step-type": ""}),
                ),
            )
            add(f"step_{i}_status", forms.ChoiceField(label=_("Status"), choices=blank + statuses, required=False))
            add(
                f"step_{i}_priority",
                forms.ChoiceField(label=_("Priority"), choices=blank + list(Ticket.Priority.choices), required=False),
            )
            add(
                f"step_{i}_ticket_type",
                forms.ChoiceField(label=_("Type"), choices=blank + list(Ticket.Type.choices), required=False),
            )
            add(
                f"step_{i}_team",
                forms.ChoiceField(label=_("Team"), choices=[("", gettext("No team")), *teams], required=False),
            )
            add(f"step_{i}_assignee", forms.ChoiceField(label=_("Assignee"), choices=blank + assign, required=False))
            add(f"step_{i}_field", forms.ChoiceField(label=_("Custom field"), choices=blank + fields_, required=False))
            add(f"step_{i}_webhook", forms.ChoiceField(label=_("Webhook"), choices=blank + webhooks, required=False))
            add(
                f"step_{i}_channel",
                forms.ChoiceField(label=_("Slack or Teams channel"), choices=blank + channels, required=False),
            )
            add(
                f"step_{i}_tags",
                forms.CharField(label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas.")),
            )
            add(f"step_{i}_value", forms.CharField(label=_("Value"), required=False, max_length=1000))
            add(
                f"step_{i}_notify",
                forms.MultipleChoiceField(
                    label=_("Notify"),
                    choices=[(v, vocabulary.notify_label(v)) for v in vocabulary.NOTIFY_CHOICES],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                ),
            )
            add(f"step_{i}_email", forms.BooleanField(label=_("Also by email"), required=False))
            add(
                f"step_{i}_text",
                TranslatedTextField(
                    label=_("Text"),
                    required=False,
                    multiline=True,
                    max_length=10_000,
                    help_text=_("Placeholders such as {{ticket.number}} or {{requester.first_name}} are filled in."),
                ),
            )

    INPUTS = {
        "set_status": ("status",),
        "set_priority": ("priority",),
        "set_type": ("ticket_type",),
        "set_team": ("team",),
        "assign": ("assignee",),
        "add_tags": ("tags",),
        "remove_tags": ("tags",),
        "set_field": ("field", "value"),
        "reply": ("text",),
        "note": ("text",),
        "notify": ("notify", "email", "text"),
        "escalate": ("notify", "email"),
        "webhook": ("webhook",),
        "chat": ("channel", "text"),
    }
    VALUE_INPUT = {
        "set_status": "status",
        "set_priority": "priority",
        "set_type": "ticket_type",
        "set_team": "team",
        "assign": "assignee",
        "set_field": "field",
        "webhook": "webhook",
        "chat": "channel",
    }

    def rows(self) -> list[dict[str, Any]]:
        f = self.form
        found = []
        for i in range(self.count):
            names = (
                "status",
                "priority",
                "ticket_type",
                "team",
                "assignee",
                "field",
                "value",
                "webhook",
                "channel",
                "tags",
                "notify",
                "email",
                "text",
            )
            found.append({"index": i, "type": f[f"step_{i}_type"], "inputs": {n: f[f"step_{i}_{n}"] for n in names}})
        return found

    def initial_from(self, stored: list[dict[str, Any]]) -> None:
        init = self.form.initial
        for i, step in enumerate(stored[: self.count]):
            kind = step.get("type", "")
            init[f"step_{i}_type"] = kind
            if kind == "set_status":
                init[f"step_{i}_status"] = str(step.get("status"))
            elif kind == "set_priority":
                init[f"step_{i}_priority"] = step.get("priority")
            elif kind == "set_type":
                init[f"step_{i}_ticket_type"] = step.get("value")
            elif kind == "set_team":
                init[f"step_{i}_team"] = str(step.get("team") or "")
            elif kind == "assign":
                init[f"step_{i}_assignee"] = str(step.get("to"))
            elif kind in ("add_tags", "remove_tags"):
                init[f"step_{i}_tags"] = ", ".join(step.get("tags") or [])
            elif kind == "set_field":
                init[f"step_{i}_field"] = step.get("field")
                init[f"step_{i}_value"] = "" if step.get("value") is None else str(step.get("value"))
            elif kind in ("notify", "escalate"):
                init[f"step_{i}_notify"] = step.get("to") or []
                init[f"step_{i}_email"] = bool(step.get("email"))
            elif kind == "webhook":
                init[f"step_{i}_webhook"] = str(step.get("webhook"))
            elif kind == "chat":
                init[f"step_{i}_channel"] = str(step.get("channel"))
            if step.get("text"):
                init[f"step_{i}_text"] = step["text"]

    def steps(self) -> list[dict[str, Any]]:
        """The steps as the vocabulary's JSON, from the rows whose action is chosen."""
        data = self.form.cleaned_data
        found: list[dict[str, Any]] = []
        for i in range(self.count):
            kind = data.get(f"step_{i}_type") or ""
            if not kind:
                continue
            get = lambda name, i=i: data.get(f"step_{i}_{name}")  # noqa: E731
            step: dict[str, Any] = {"type": kind}
            if kind == "set_status":
                step["status"] = get("status") or None
            elif kind == "set_priority":
                step["priority"] = get("priority")
            elif kind == "set_type":
                step["value"] = get("ticket_type")
            elif kind == "set_team":
                step["team"] = get("team") or None
            elif kind == "assign":
                step["to"] = get("assignee")
            elif kind in ("add_tags", "remove_tags"):
                step["tags"] = get("tags") or ""
            elif kind == "set_field":
                step["field"], step["value"] = get("field"), get("value")
            elif kind in ("reply", "note"):
                step["text"] = get("text") or {}
            elif kind == "notify":
                step.update(to=list(get("notify") or []), email=bool(get("email")), text=get("text") or {})
            elif kind == "escalate":
                step.update(to=list(get("notify") or []), email=bool(get("email")))
            elif kind == "webhook":
                step["webhook"] = get("webhook")
            elif kind == "chat":
                step.update(channel=get("channel"), text=get("text") or {})
            found.append(step)
        return found

    def field_for(self, error: vocabulary.StepError | str) -> str | None:
        """The form input a step error belongs to: `step_2_value` is the type's own input."""
        name = error.name if isinstance(error, vocabulary.StepError) else error
        if not name.startswith("step_"):
            return None
        _step, index, rest = name.split("_", 2)
        chosen = [i for i in range(self.count) if self.form.cleaned_data.get(f"step_{i}_type")]
        row = chosen[int(index)] if int(index) < len(chosen) else 0
        kind = self.form.cleaned_data.get(f"step_{row}_type") or ""
        if rest == "value":
            rest = self.VALUE_INPUT.get(kind, "value")
        elif rest.startswith("text_"):
            return f"step_{row}_text_{rest[5:]}"
        return f"step_{row}_{rest}"


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    events = forms.MultipleChoiceField(label=_("When"), required=False, widget=forms.CheckboxSelectMultiple)
    match = forms.ChoiceField(
        label=_("Conditions"), choices=(("all", _("All of these")), ("any", _("Any of these"))), initial="all"
    )
    agent_replied = forms.ChoiceField(label=_("Agent reply"), choices=Rule.Replied.choices, initial=Rule.Replied.ANY)
    business_hours = forms.ChoiceField(label=_("Business hours"), choices=Rule.Hours.choices, initial=Rule.Hours.ANY)
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"), queryset=BusinessCalendar.objects.all(), required=False
    )
    anchor = forms.ChoiceField(label=_("Since"), choices=[("", "—"), *Rule.Anchor.choices], required=False)
    after = DurationField(label=_("After"), required=False, help_text=_("A time such as 30m, 4h or 4d."))
    business_time = forms.BooleanField(label=_("Count business hours only"), required=False)
    preview_size = forms.TypedChoiceField(
        label=_("Tickets to preview on"),
        choices=[(n, str(n)) for n in PREVIEW_SIZES],
        coerce=int,
        initial=PREVIEW_SIZES[0],
        required=False,
    )

    def __init__(self, *args: Any, kind: str, rule: Rule | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.rule = kind, rule
        events = self.fields["events"]
        assert isinstance(events, forms.MultipleChoiceField)
        events.choices = triggers.choices()
        calendar = self.fields["calendar"]
        assert isinstance(calendar, forms.ModelChoiceField)
        calendar.empty_label = gettext("The default calendar")
        choices = _field_choices()
        operators = [("", "—"), *((op, str(label)) for op, label in OPERATOR_LABELS.items())]
        self.kept_conditions: dict[str, Any] | None = None
        for i in range(CONDITION_ROWS):
            self.fields[f"cond_{i}_field"] = forms.ChoiceField(label=_("Field"), choices=choices, required=False)
            self.fields[f"cond_{i}_op"] = forms.ChoiceField(label=_("Operator"), choices=operators, required=False)
            self.fields[f"cond_{i}_value"] = forms.CharField(label=_("Value"), required=False, max_length=1000)
        self.step_rows = StepRows(self, macro=False, count=max(STEP_ROWS, len(rule.actions) + 1 if rule else 0))
        if rule is not None:
            self._initial_from(rule)

    def _initial_from(self, rule: Rule) -> None:
        self.initial.update(
            name=rule.name,
            description=rule.description,
            is_active=rule.is_active,
            events=rule.events,
            agent_replied=rule.agent_replied,
            business_hours=rule.business_hours,
            calendar=rule.calendar_id,
            anchor=rule.anchor,
            after=rule.after_seconds,
            business_time=rule.business_time,
        )
        shown = conditions_to_rows(rule.conditions)
        if shown is None:
            self.kept_conditions = rule.conditions
        else:
            self.initial["match"] = shown[0]
            for i, row in enumerate(shown[1][:CONDITION_ROWS]):
                self.initial.update(
                    {f"cond_{i}_field": row["field"], f"cond_{i}_op": row["op"], f"cond_{i}_value": row["value"]}
                )
        self.step_rows.initial_from(rule.actions)

    def condition_rows(self) -> list[dict[str, Any]]:
        return [
            {"field": self[f"cond_{i}_field"], "op": self[f"cond_{i}_op"], "value": self[f"cond_{i}_value"]}
            for i in range(CONDITION_ROWS)
        ]

    def conditions(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = []
        for i in range(CONDITION_ROWS):
            field, op = data.get(f"cond_{i}_field") or "", data.get(f"cond_{i}_op") or ""
            if not field:
                continue
            if not op:
                self.add_error(f"cond_{i}_op", gettext("Choose an operator."))
                continue
            found.append(
                {"field": field, "op": op, "value": condition_value(field, op, data.get(f"cond_{i}_value") or "")}
            )
        if not found and self.kept_conditions is not None:
            return self.kept_conditions
        return {"match": data.get("match") or "all", "conditions": found} if found else {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            filters.from_json(self.conditions(), personal=False)
        except filters.InvalidParameter as error:
            where = next(
                (
                    f"cond_{i}_value"
                    for i in range(CONDITION_ROWS)
                    if error.field and cleaned.get(f"cond_{i}_field") == error.field.split("[")[0]
                ),
                None,
            )
            self.add_error(where, error.message)
        return cleaned

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        return RuleInput(
            name=data.get("name") or "",
            kind=self.kind,
            description=data.get("description") or "",
            is_active=bool(data.get("is_active")),
            events=list(data.get("events") or []),
            conditions=self.conditions(),
            business_hours=data.get("business_hours") or Rule.Hours.ANY,
            calendar=data.get("calendar"),
            agent_replied=data.get("agent_replied") or Rule.Replied.ANY,
            anchor=data.get("anchor") or "",
            after_seconds=data.get("after"),
            business_time=bool(data.get("business_time")),
            actions=self.step_rows.steps(),
        )

    def show_error(self, field: str | None, message: str) -> None:
        """An action's refusal beside its input."""
        mapping = {"after_seconds": "after", "conditions": None}
        target = (
            self.step_rows.field_for(field) if field and field.startswith("step_") else mapping.get(field or "", field)
        )
        if target and target.startswith("step_") and "_text_" in target:
            base, code = target.rsplit("_", 1)
            self.add_error(base, f"{code}: {message}")
            return
        self.add_error(target if target in self.fields else None, message)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared = forms.BooleanField(label=_("Shared with every agent"), required=False)
    team = TranslatedModelChoiceField(
        label=_("Only for this team"), queryset=Team.objects.all(), required=False, empty_label=_("Every team")
    )

    def __init__(self, *args: Any, may_share: bool, macro: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["shared"]
            del self.fields["team"]
        self.step_rows = StepRows(self, macro=True, count=max(STEP_ROWS, len(macro.actions) + 1 if macro else 0))
        if macro is not None:
            self.initial.update(
                name=macro.name, description=macro.description, shared=macro.owner_id is None, team=macro.team_id
            )
            self.step_rows.initial_from(macro.actions)

    def show_error(self, field: str | None, message: str) -> None:
        target = self.step_rows.field_for(field) if field and field.startswith("step_") else field
        if target and target.startswith("step_") and "_text_" in target:
            base, code = target.rsplit("_", 1)
            self.add_error(base, f"{code}: {message}")
            return
        self.add_error(target if target in self.fields else None, message)
