"""One filter language for tickets: conditions (field, operator, value) in groups that match all or any.

The inbox, saved views, bulk changes to "all matching" tickets, the API list and search read filters in this form,
and SLA policies, automation and reports are to read the same (docs/filters.md, ADR 0011).

- **Parse** from query parameters (`priority=high,urgent`, `created_at__gte=2025-01-01`, `filter=<JSON>`) or from
  JSON (`{"match": "all", "conditions": [{"field": "priority", "op": "in", "value": ["high"]}], "q": "refund"}`).
  Every value is typed and bounded (ids within 64 bits, real dates, known choices); anything else raises
  `core.params.InvalidParameter` naming the field, which pages and the API answer with a 400.
- **Compile** to a `Scope`: a Q, the status categories it is limited to (kept apart so the inbox reads one indexed
  keyset query per category), and the full-text words, which `search.py` searches.
- **Evaluate** against one ticket in Python (`matches`), for automation: the same answer as the Q (tested on a
  table of cases on SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core import languages, params
from opsdesk.core.params import InvalidParameter
from opsdesk.fields.models import CustomField
from opsdesk.tickets import categories, search
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

# Operators
IS, IS_NOT, IN, NOT_IN = "is", "is_not", "in", "not_in"
LT, LTE, GT, GTE, BETWEEN = "lt", "lte", "gt", "gte", "between"
CONTAINS, NOT_CONTAINS, PRESENT = "contains", "not_contains", "present"
OPERATORS = (IS, IS_NOT, IN, NOT_IN, LT, LTE, GT, GTE, BETWEEN, CONTAINS, NOT_CONTAINS, PRESENT)
LIST_OPERATORS = (IN, NOT_IN)
EQUALITY = (IS, IS_NOT, IN, NOT_IN)
ORDERED = (LT, LTE, GT, GTE, BETWEEN)

MAX_CONDITIONS = 50  # in one filter, all groups together
MAX_DEPTH = 3  # groups inside groups
MAX_VALUES = 200  # in one `in` list
MAX_JSON_CHARS = 20_000
MAX_TAG_CHARS = 60
MAX_TEXT_CHARS = 1000
CUSTOM_PREFIX = "custom_fields."
Match = Literal["all", "any"]


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field: its name in filters, label, value kind and the operators it allows.

    Kinds: `choice` (one of fixed values), `ordered` (a choice with an order: priority), `id` (a row's id; with
    `nullable`, also none/null; `keywords` such as "me"), `tags`, `datetime`; custom fields add `text`, `number`,
    `date`, `checkbox` and `select`."""

    name: str
    label: str | Promise
    kind: str
    operators: tuple[str, ...]
    choices: Callable[[], dict[str, str]] | None = None
    nullable: bool = False
    keywords: tuple[str, ...] = ()

    def choice_map(self) -> dict[str, str]:
        return self.choices() if self.choices else {}


PRIORITIES = Ticket.Priority.choices  # in order, low to urgent: `lt` and `gt` compare by it


def _choices(pairs: Iterable[tuple[Any, Any]]) -> Callable[[], dict[str, str]]:
    listed = list(pairs)
    return lambda: {str(value): str(label) for value, label in listed}


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in [
        FieldSpec("status_category", gettext_lazy("Status"), "choice", EQUALITY, _choices(categories.Category.choices)),
        FieldSpec("status_id", gettext_lazy("Status"), "id", EQUALITY),
        FieldSpec("priority", gettext_lazy("Priority"), "ordered", (*EQUALITY, *ORDERED), _choices(PRIORITIES)),
        FieldSpec("type", gettext_lazy("Type"), "choice", EQUALITY, _choices(Ticket.Type.choices)),
        FieldSpec("channel", gettext_lazy("Channel"), "choice", EQUALITY, _choices(Ticket.Channel.choices)),
        FieldSpec("language", gettext_lazy("Language"), "choice", EQUALITY, _choices(settings.LANGUAGES)),
        FieldSpec(
            "detected_language",
            gettext_lazy("Detected language"),
            "choice",
            (*EQUALITY, PRESENT),
            languages.choices,  # every configured detectable language, also those the interface lacks
            nullable=True,
        ),
        FieldSpec("team_id", gettext_lazy("Team"), "id", (*EQUALITY, PRESENT), nullable=True, keywords=("mine",)),
        FieldSpec("assignee_id", gettext_lazy("Assignee"), "id", (*EQUALITY, PRESENT), nullable=True, keywords=("me",)),
        FieldSpec("requester_id", gettext_lazy("Requester"), "id", EQUALITY),
        FieldSpec("organization_id", gettext_lazy("Organization"), "id", (*EQUALITY, PRESENT), nullable=True),
        FieldSpec("tags", gettext_lazy("Tags"), "tags", (CONTAINS, NOT_CONTAINS, IN, NOT_IN, PRESENT)),
        FieldSpec("created_at", gettext_lazy("Created"), "datetime", ORDERED),
        FieldSpec("updated_at", gettext_lazy("Updated"), "datetime", ORDERED),
        FieldSpec("solved_at", gettext_lazy("Solved"), "datetime", (*ORDERED, PRESENT), nullable=True),
        FieldSpec("sla_deadline_at", gettext_lazy("SLA due"), "datetime", (*ORDERED, PRESENT), nullable=True),
    ]
}
CUSTOM_OPERATORS: dict[str, tuple[str, ...]] = {
    CustomField.Type.TEXT: (IS, IS_NOT, CONTAINS, NOT_CONTAINS, PRESENT),
    CustomField.Type.NUMBER: (IS, IS_NOT, *ORDERED, PRESENT),
    CustomField.Type.DATE: (IS, IS_NOT, *ORDERED, PRESENT),
    CustomField.Type.CHECKBOX: (IS,),
    CustomField.Type.SELECT: (*EQUALITY, PRESENT),
}
CUSTOM_KINDS = {"text": "text", "number": "number", "date": "date", "checkbox": "checkbox", "select": "select"}

# Query-parameter names kept from the first inbox and API (bookmarks, scripts): name -> (field, operator or None).
ALIASES: dict[str, tuple[str, str | None]] = {
    "status": ("status_category", None),
    "team": ("team_id", None),
    "assignee": ("assignee_id", None),
    "requester": ("requester_id", None),
    "organization": ("organization_id", None),
    "tag": ("tags", CONTAINS),
    "created_after": ("created_at", GTE),
    "created_before": ("created_at", LT),
    "updated_since": ("updated_at", GTE),
    "updated_before": ("updated_at", LT),
}
TEXT_PARAM = "q"
JSON_PARAM = "filter"
# What a customer may filter by: what the portal and the API show them (no team, assignee, tags or custom fields;
# "on hold" is "open" to them).
CUSTOMER_FIELDS = frozenset(
    {"status_category", "status_id", "priority", "type", "channel", "language", "requester_id", "organization_id"}
    | {"created_at", "updated_at", "solved_at"}
)


# --- the structure ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # typed: str, int, None, a keyword, bool, datetime, date, float, or a tuple of these


@dataclass(frozen=True)
class Group:
    match: Match = "all"
    conditions: tuple[Condition | Group, ...] = ()


@dataclass(frozen=True)
class TicketFilter:
    """A group of conditions, and the words to search for (`q`, searched by search.py, not a condition)."""

    root: Group = field(default_factory=Group)
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.root.conditions or self.text)

    def and_(self, other: TicketFilter) -> TicketFilter:
        """Both filters; `other`'s words replace these when it has some."""
        parts = [p for p in (self.root, other.root) if p.conditions]
        if all(p.match == "all" for p in parts):
            root = Group("all", tuple(c for p in parts for c in p.conditions))
        else:
            root = Group("all", tuple(parts))
        return TicketFilter(root, other.text or self.text)

    def replaced_by(self, other: TicketFilter) -> TicketFilter:
        """These conditions, except the top-level ones on a field `other` sets, and `other`'s: how a request's
        filters change a saved view's."""
        overridden = {c.field for c in other.root.conditions if isinstance(c, Condition)}
        if self.root.match != "all":
            return self.and_(other)
        kept = tuple(c for c in self.root.conditions if not (isinstance(c, Condition) and c.field in overridden))
        return TicketFilter(Group("all", kept), self.text).and_(other)

    def shown_values(self) -> dict[str, str]:
        """Top-level `is`/`in` conditions as the inbox's filter boxes show them (field -> text)."""
        shown: dict[str, str] = {}
        if self.root.match == "all":
            for c in self.root.conditions:
                if isinstance(c, Condition) and c.op in (IS, IN) and c.field not in shown:
                    values = c.value if c.op == IN else (c.value,)
                    if c.field == "status_category" and set(values) == set(categories.UNSOLVED):
                        values = (categories.UNSOLVED_KEYWORD,)
                    shown[c.field] = ",".join("none" if v is None else str(_json_value(v)) for v in values)
        if self.text:
            shown[TEXT_PARAM] = self.text
        return shown

    def to_json(self) -> dict[str, Any]:
        data = _group_json(self.root)
        if self.text:
            data[TEXT_PARAM] = self.text
        return data

    def to_param(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False)


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "match": group.match,
        "conditions": [
            _group_json(c) if isinstance(c, Group) else {"field": c.field, "op": c.op, "value": _json_value(c.value)}
            for c in group.conditions
        ],
    }


# --- parsing ---------------------------------------------------------------------------------------------------------


def _error(where: str, message: str) -> InvalidParameter:
    return InvalidParameter(where, message, code="invalid_filter")


class Parser:
    """Reads filters; custom field definitions are read once per parser, when a filter names one."""

    def __init__(self, *, personal: bool = True, customer: bool = False) -> None:
        self.personal = personal  # "me" and "mine" need a user: not in automation or SLA conditions
        self.customer = customer
        self._custom: dict[str, CustomField] | None = None
        self._count = 0

    # fields and values

    def spec(self, name: str, *, where: str) -> FieldSpec:
        if self.customer and name in FIELDS and name not in CUSTOMER_FIELDS:
            raise _error(where, _("“%(field)s” is not a field tickets can be filtered by.") % {"field": name})
        if self.customer and name == "status_category":
            shown = {c: label for c, label in FIELDS[name].choice_map().items() if categories.for_customer(c) == c}
            return FieldSpec(name, FIELDS[name].label, "choice", EQUALITY, lambda: shown)
        if name in FIELDS:
            return FIELDS[name]
        if name.startswith(CUSTOM_PREFIX) and not self.customer:
            if self._custom is None:
                self._custom = {f.key: f for f in CustomField.objects.filter(target=CustomField.Target.TICKET)}
            definition = self._custom.get(name[len(CUSTOM_PREFIX) :])
            if definition is not None:
                choices = _choices(definition.choice_options()) if definition.type == "select" else None
                return FieldSpec(  # labels in the reader's language (ADR 0012); values stay the stable keys
                    name, str(definition), CUSTOM_KINDS[definition.type], CUSTOM_OPERATORS[definition.type], choices
                )
            raise _error(where, _("There is no custom field “%(key)s”.") % {"key": name[len(CUSTOM_PREFIX) :][:40]})
        raise _error(where, _("“%(field)s” is not a field tickets can be filtered by.") % {"field": name[:40]})

    def value(self, spec: FieldSpec, raw: Any, *, where: str) -> Any:
        """One typed value of `spec`."""
        label = spec.label
        if spec.kind == "id":
            if spec.nullable and (raw is None or raw == "none"):
                return None
            if isinstance(raw, str) and raw in spec.keywords:
                if not self.personal:
                    message = _("%(label)s: “%(value)s” needs a signed-in user.")
                    raise _error(where, message % {"label": label, "value": raw})
                return raw
            return params.parse_int(raw, field=where, label=label)
        if spec.kind in ("choice", "ordered", "select"):
            return params.parse_choice(raw, spec.choice_map(), field=where, label=label)
        if spec.kind == "tags":
            return params.parse_text(raw, field=where, label=label, max_length=MAX_TAG_CHARS).lower().replace(" ", "-")
        if spec.kind == "datetime":
            if isinstance(raw, datetime):
                return params.in_utc(raw, field=where, label=label)
            return params.parse_moment(raw, field=where, label=label)
        if spec.kind == "text":
            return params.parse_text(raw, field=where, label=label, max_length=MAX_TEXT_CHARS)
        if spec.kind == "number":
            return params.parse_number(raw, field=where, label=label)
        if spec.kind == "date":
            return raw if isinstance(raw, date) else params.parse_day(raw, field=where, label=label)
        return params.parse_bool(raw, field=where, label=label)  # checkbox

    def condition(self, name: str, op: str, raw: Any, *, where: str) -> Condition:
        try:
            return self._condition(name, op, raw, where=where)
        except InvalidParameter as error:
            error.code = "invalid_filter"
            raise

    def _condition(self, name: str, op: str, raw: Any, *, where: str) -> Condition:
        self._count += 1
        if self._count > MAX_CONDITIONS:
            raise _error(where, _("A filter may have at most %(n)s conditions.") % {"n": MAX_CONDITIONS})
        spec = self.spec(name, where=where)
        if name == "status_category" and raw == categories.UNSOLVED_KEYWORD and op in (IS, IS_NOT):
            return Condition(name, IN if op == IS else NOT_IN, categories.UNSOLVED)
        if op not in spec.operators:
            raise _error(
                where,
                _("%(label)s cannot use “%(op)s”; use one of: %(ops)s.")
                % {"label": spec.label, "op": str(op)[:20], "ops": ", ".join(spec.operators)},
            )
        if op == PRESENT:
            return Condition(name, op, params.parse_bool(raw, field=where, label=spec.label))
        if op in LIST_OPERATORS or op == BETWEEN:
            items = raw if isinstance(raw, list | tuple) else None
            if items is None or not items or len(items) > MAX_VALUES or (op == BETWEEN and len(items) != 2):
                message = (
                    _("%(label)s: give a start and an end.")
                    if op == BETWEEN
                    else _("%(label)s: give from 1 to %(n)s values.")
                )
                raise _error(where, message % {"label": spec.label, "n": MAX_VALUES})
            values = tuple(self.value(spec, item, where=where) for item in items)
            if op == BETWEEN and not values[0] < values[1]:
                raise _error(where, _("%(label)s: the start must come before the end.") % {"label": spec.label})
            if op != BETWEEN:
                values = tuple(dict.fromkeys(values))  # each once, in the order given
            return self._as_customer_sees(Condition(name, op, values))
        return self._as_customer_sees(Condition(name, op, self.value(spec, raw, where=where)))

    def _as_customer_sees(self, condition: Condition) -> Condition:
        """For a customer, "open" also means "on hold" (categories.for_customer)."""
        if not self.customer or condition.field != "status_category":
            return condition
        values = condition.value if condition.op in LIST_OPERATORS else (condition.value,)
        seen = tuple(c for c in categories.ALL if categories.for_customer(c) in values)
        return Condition(condition.field, IN if condition.op in (IS, IN) else NOT_IN, seen)

    # query parameters

    def query(self, data: Mapping[str, Any]) -> TicketFilter:
        """The filter in a QueryDict (or a form's POST): each known parameter is one condition, all must match.

        `<field>=a` is `is`, `<field>=a,b` (or the parameter twice) is `in`; `<field>__<op>=value` names the operator
        (lists and ranges comma-separated); `filter=<JSON>` adds a whole group; `q` holds the words to search for.
        Parameters that are not filters (view, sort, cursor, ...) are left alone; empty values are skipped."""
        conditions: list[Condition | Group] = []
        text = ""
        getlist = getattr(data, "getlist", None)
        for key in data:
            raws = [str(v) for v in (getlist(key) if getlist else [data[key]])]
            raws = [v.strip() for v in raws if v is not None and str(v).strip()]
            if not raws:
                continue
            if key == TEXT_PARAM:
                text = raws[-1][: search.MAX_QUERY_CHARS]  # a long search is cut, as the search box would
            elif key == JSON_PARAM:
                parsed = self.json_text(raws[-1])
                if parsed.root.match == "all":
                    conditions.extend(parsed.root.conditions)
                elif parsed.root.conditions:
                    conditions.append(parsed.root)
                text = text or parsed.text
            elif key == "unassigned":
                if params.parse_bool(raws[-1], field=key, label=FIELDS["assignee_id"].label):
                    conditions.append(self.condition("assignee_id", IS, None, where=key))
            elif (found := self._param(key)) is not None:
                name, op = found
                conditions.append(self._from_strings(name, op, raws, where=key))
        return TicketFilter(Group("all", tuple(conditions)), text)

    def _param(self, key: str) -> tuple[str, str | None] | None:
        if key in ALIASES:
            return ALIASES[key]
        name, _sep, op = key.partition("__")
        if name in FIELDS or name.startswith(CUSTOM_PREFIX):
            if op and op not in OPERATORS:
                raise _error(key, _("“%(op)s” is not an operator.") % {"op": op[:20]})
            return name, op or None
        return None

    def _from_strings(self, name: str, op: str | None, raws: list[str], *, where: str) -> Condition:
        parts = [part.strip() for raw in raws for part in raw.split(",") if part.strip()]
        spec = self.spec(name, where=where)
        if op is None and spec.kind == "datetime":
            raise _error(
                where,
                _("%(label)s: add an operator to the parameter, such as %(name)s__gte or %(name)s__between.")
                % {"label": spec.label, "name": name},
            )
        if op is None:
            op = IN if len(parts) > 1 and IN in spec.operators else IS if IS in spec.operators else CONTAINS
        if op in LIST_OPERATORS or op == BETWEEN:
            return self.condition(name, op, parts, where=where)
        if op in (CONTAINS, NOT_CONTAINS) or len(parts) == 1:
            return self.condition(name, op, raws[-1] if op in (CONTAINS, NOT_CONTAINS) else parts[0], where=where)
        raise _error(where, _("%(label)s: give one value.") % {"label": spec.label})

    # JSON

    def json_text(self, raw: str) -> TicketFilter:
        if len(raw) > MAX_JSON_CHARS:
            raise _error(JSON_PARAM, _("The filter is longer than %(n)s characters.") % {"n": MAX_JSON_CHARS})
        try:
            data = json.loads(raw)
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate (\ud800) is no text
        except (ValueError, UnicodeEncodeError):
            raise _error(JSON_PARAM, _("The filter is not valid JSON.")) from None
        return self.json(data)

    def json(self, data: Any) -> TicketFilter:
        """A filter stored or sent as JSON: {"match": "all"|"any", "conditions": [...], "q": "words"}."""
        if not isinstance(data, dict) or set(data) - {"match", "conditions", TEXT_PARAM}:
            raise _error(JSON_PARAM, _("A filter is an object with “match”, “conditions” and optionally “q”."))
        text = data.get(TEXT_PARAM) or ""
        if text:
            text = params.parse_text(text, field=TEXT_PARAM, label=_("Search"), max_length=search.MAX_QUERY_CHARS)
        return TicketFilter(self._group(data, depth=1), text)

    def _group(self, data: dict[str, Any], *, depth: int) -> Group:
        match = data.get("match", "all")
        items = data.get("conditions", [])
        if match not in ("all", "any") or not isinstance(items, list):
            raise _error(JSON_PARAM, _("A group has “match” (all or any) and a list of “conditions”."))
        conditions: list[Condition | Group] = []
        for item in items:
            if isinstance(item, dict) and "conditions" in item:
                if depth >= MAX_DEPTH or set(item) - {"match", "conditions"}:
                    raise _error(JSON_PARAM, _("Groups may be nested at most %(n)s deep.") % {"n": MAX_DEPTH})
                conditions.append(self._group(item, depth=depth + 1))
            elif isinstance(item, dict) and set(item) == {"field", "op", "value"} and isinstance(item["field"], str):
                name, op = item["field"], item["op"]
                if not isinstance(op, str) or op not in OPERATORS:
                    raise _error(name[:60], _("“%(op)s” is not an operator.") % {"op": str(op)[:20]})
                conditions.append(self.condition(name, op, item["value"], where=name[:60]))
            else:
                raise _error(JSON_PARAM, _("A condition is an object with “field”, “op” and “value”."))
        return Group(match, tuple(conditions))


def openapi_parameters() -> list[dict[str, Any]]:
    """The filter's query parameters for the OpenAPI document, written from the registry."""
    found: list[dict[str, Any]] = []
    for spec in FIELDS.values():
        choices = f" ({', '.join(spec.choice_map())})" if spec.choices else ""
        extra = {"team_id": " `none`: no team; `mine`: my teams.", "assignee_id": " `none`: unassigned; `me`: me."}
        more = [op for op in spec.operators if op not in (IS, IN)]
        found.append(
            {
                "name": spec.name,
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": f"{spec.label}{choices}: one value, or several comma-separated."
                + extra.get(spec.name, "")
                + (f" Other operators: `{spec.name}__<op>` with {', '.join(more)}." if more else ""),
            }
        )
    for alias, (name, op) in ALIASES.items():
        found.append(
            {
                "name": alias,
                "in": "query",
                "required": False,
                "deprecated": True,
                "schema": {"type": "string"},
                "description": f"The same as `{name}{'__' + op if op else ''}`.",
            }
        )
    found.append(
        {
            "name": JSON_PARAM,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": 'A whole filter as JSON: {"match": "all"|"any", "conditions": [{"field", "op", "value"} '
            "or groups]}; see docs/filters.md. Custom fields: `custom_fields.<key>`.",
        }
    )
    return found


def from_query(data: Mapping[str, Any]) -> TicketFilter:
    return Parser().query(data)


def from_json(data: Any, *, personal: bool = True) -> TicketFilter:
    return Parser(personal=personal).json(data)


# --- compiling to a queryset filter ----------------------------------------------------------------------------------


@dataclass
class Scope:
    """What a filter selects: a Q, the status categories it is limited to (None: any), and the words to search.

    The categories are kept apart from the Q because an index on (status_category, updated_at) serves
    "category = X ORDER BY updated_at" but not "category IN (...) ORDER BY updated_at": a page over several
    categories is read as one keyset query per category, merged (inbox.page)."""

    q: Q
    categories: tuple[str, ...] | None = None
    text: str = ""


def _resolved(value: Any, user: User | None) -> list[Any]:
    """A value as the concrete values it stands for: "me" is the user's id, "mine" the user's teams."""
    if value == "me":
        return [user.pk] if user is not None else []
    if value == "mine":
        return list(user.team_ids()) if user is not None else []
    return [value]


def _values(condition: Condition, user: User | None) -> list[Any]:
    values = condition.value if condition.op in LIST_OPERATORS else (condition.value,)
    return [v for value in values for v in _resolved(value, user)]


def _one_of(column: str, values: list[Any]) -> Q:
    concrete = [v for v in values if v is not None]
    q = Q(**{column: concrete[0]}) if len(concrete) == 1 else Q(**{f"{column}__in": concrete})
    if None in values:
        q = q | Q(**{f"{column}__isnull": True}) if concrete else Q(**{f"{column}__isnull": True})
    return q


def _range(column: str, op: str, value: Any) -> Q:
    if op == BETWEEN:
        return Q(**{f"{column}__gte": value[0], f"{column}__lt": value[1]})
    return Q(**{f"{column}__{op}": value})


def _tagged(names: list[str] | None) -> Q:
    through = Ticket.tags.through.objects.all()
    if names is not None:
        through = through.filter(tag__name__in=names)
    return Q(pk__in=through.values("ticket_id"))


def _custom_q(condition: Condition, key: str, kind: str) -> Q:
    column = f"custom_fields__{key}"
    has = Q(custom_fields__has_key=key)
    op, value = condition.op, condition.value
    if kind == "date":
        value = tuple(v.isoformat() for v in value) if isinstance(value, tuple) else value
        value = value.isoformat() if isinstance(value, date) else value
    if op == PRESENT:
        present = has & ~Q(**{column: None}) & ~Q(**{column: ""})
        return present if value else ~present
    if kind == "checkbox":
        return Q(**{column: True}) if value else ~Q(**{column: True}) | ~has
    if op in (IS, IN):
        return Q(**{column: value}) if op == IS else Q(**{f"{column}__in": list(value)})
    if op in (IS_NOT, NOT_IN):
        return (~Q(**{column: value}) if op == IS_NOT else ~Q(**{f"{column}__in": list(value)})) | ~has
    if op == CONTAINS:
        return Q(**{f"{column}__icontains": value})
    if op == NOT_CONTAINS:
        return ~Q(**{f"{column}__icontains": value}) | ~has
    return _range(column, op, value)


def _condition_q(condition: Condition, user: User | None, custom_kinds: dict[str, str]) -> Q:
    name, op = condition.field, condition.op
    if name.startswith(CUSTOM_PREFIX):
        return _custom_q(condition, name[len(CUSTOM_PREFIX) :], custom_kinds[name])
    spec = FIELDS[name]
    if spec.kind == "tags":
        if op == PRESENT:
            return _tagged(None) if condition.value else ~_tagged(None)
        names = list(condition.value) if op in LIST_OPERATORS else [condition.value]
        return _tagged(names) if op in (CONTAINS, IN) else ~_tagged(names)
    if op == PRESENT:
        return Q(**{f"{name}__isnull": not condition.value})
    if spec.kind == "ordered" and op in ORDERED:
        return Q(**{f"{name}__in": _ordered_matches(spec, op, condition.value)})
    if op in ORDERED:
        return _range(name, op, condition.value)
    q = _one_of(name, _values(condition, user))
    return q if op in (IS, IN) else ~q


def _ordered_matches(spec: FieldSpec, op: str, value: Any) -> list[str]:
    order = list(spec.choice_map())
    rank = {choice: i for i, choice in enumerate(order)}
    return [choice for choice in order if _compare(op, rank[choice], _ranked(rank, value))]


def _ranked(rank: dict[str, int], value: Any) -> Any:
    return tuple(rank[v] for v in value) if isinstance(value, tuple) else rank[value]


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == LT:
        return bool(left < right)
    if op == LTE:
        return bool(left <= right)
    if op == GT:
        return bool(left > right)
    if op == GTE:
        return bool(left >= right)
    return bool(right[0] <= left < right[1])  # between: start included, end excluded


def _group_q(group: Group, user: User | None, custom_kinds: dict[str, str]) -> Q:
    parts = [
        _group_q(c, user, custom_kinds) if isinstance(c, Group) else _condition_q(c, user, custom_kinds)
        for c in group.conditions
    ]
    if not parts:
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if group.match == "all" else combined | part
    return combined


def _custom_kinds(group: Group) -> dict[str, str]:
    names = {c.field for c in _walk(group) if c.field.startswith(CUSTOM_PREFIX)}
    if not names:
        return {}
    keys = [name[len(CUSTOM_PREFIX) :] for name in names]
    found = CustomField.objects.filter(target=CustomField.Target.TICKET, key__in=keys).values_list("key", "type")
    kinds = {CUSTOM_PREFIX + key: CUSTOM_KINDS[kind] for key, kind in found}
    return {name: kinds.get(name, "text") for name in names}


def _walk(group: Group) -> Iterable[Condition]:
    for c in group.conditions:
        if isinstance(c, Group):
            yield from _walk(c)
        else:
            yield c


def compile_scope(flt: TicketFilter, user: User | None) -> Scope:
    """The filter as a Scope. Top-level status-category conditions of an "all" group become the category list."""
    cats: tuple[str, ...] | None = None
    rest: list[Condition | Group] = []
    for c in flt.root.conditions:
        if flt.root.match == "all" and isinstance(c, Condition) and c.field == "status_category":
            wanted = set(c.value if c.op in LIST_OPERATORS else (c.value,))
            keep = wanted if c.op in (IS, IN) else set(categories.ALL) - wanted
            cats = tuple(x for x in (cats if cats is not None else categories.ALL) if x in keep)
        else:
            rest.append(c)
    root = Group(flt.root.match, tuple(rest))
    return Scope(_group_q(root, user, _custom_kinds(root)), cats, flt.text)


def to_q(flt: TicketFilter, user: User | None) -> Q:
    """The whole filter (categories included, words left out) as one Q."""
    scope = compile_scope(flt, user)
    return scope.q & Q(status_category__in=scope.categories) if scope.categories is not None else scope.q


# --- evaluating against one ticket -----------------------------------------------------------------------------------


def matches(flt: TicketFilter, ticket: Ticket, *, user: User | None = None) -> bool:
    """Whether `ticket` meets the filter's conditions (the words, a search, are not evaluated here): the same answer
    the compiled Q gives. Reads the ticket's tags (prefetch them for many tickets)."""
    return _group_matches(flt.root, ticket, user)


def _group_matches(group: Group, ticket: Ticket, user: User | None) -> bool:
    results = (
        _group_matches(c, ticket, user) if isinstance(c, Group) else _condition_matches(c, ticket, user)
        for c in group.conditions
    )
    if not group.conditions:
        return True
    return all(results) if group.match == "all" else any(results)


def _condition_matches(condition: Condition, ticket: Ticket, user: User | None) -> bool:
    name, op, value = condition.field, condition.op, condition.value
    if name.startswith(CUSTOM_PREFIX):
        return _custom_matches(condition, (ticket.custom_fields or {}).get(name[len(CUSTOM_PREFIX) :]))
    spec = FIELDS[name]
    if spec.kind == "tags":
        names = _tag_names(ticket)
        if op == PRESENT:
            return bool(names) == value
        wanted = set(value) if op in LIST_OPERATORS else {value}
        return bool(names & wanted) == (op in (CONTAINS, IN))
    actual = getattr(ticket, name)
    if op == PRESENT:
        return (actual is not None) == value
    if spec.kind == "ordered" and op in ORDERED:
        return actual in _ordered_matches(spec, op, value)
    if op in ORDERED:
        return actual is not None and _compare(op, actual, value)
    found = actual in _values(condition, user)
    return found if op in (IS, IN) else not found


def with_tag_names(tickets: dict[int, Ticket]) -> dict[int, Ticket]:
    """Read the tag names of many tickets in one query, for `matches` (cheaper than prefetching tag objects)."""
    found: dict[int, set[str]] = {pk: set() for pk in tickets}
    rows = Ticket.tags.through.objects.filter(ticket_id__in=list(tickets)).values_list("ticket_id", "tag__name")
    for ticket_id, name in rows:
        found[ticket_id].add(name)
    for pk, ticket in tickets.items():
        ticket.__dict__["_filter_tag_names"] = frozenset(found[pk])
    return tickets


def _tag_names(ticket: Ticket) -> frozenset[str]:
    """The ticket's tag names, read once per ticket object (automation tries hundreds of rules on one ticket; a
    changed ticket is read again as a new object)."""
    cached = ticket.__dict__.get("_filter_tag_names")
    if cached is None:
        cached = ticket.__dict__["_filter_tag_names"] = frozenset(tag.name for tag in ticket.tags.all())
    return cached


def _custom_matches(condition: Condition, stored: Any) -> bool:
    op, value = condition.op, condition.value
    if op == PRESENT:
        return (stored not in (None, "")) == value
    if isinstance(value, bool):  # a checkbox: missing is unticked
        return (stored is True) == value
    if isinstance(value, date) or (isinstance(value, tuple) and value and isinstance(value[0], date)):
        value = tuple(v.isoformat() for v in value) if isinstance(value, tuple) else value.isoformat()
    if op in (IS, IN, IS_NOT, NOT_IN):
        found = stored == value if op in (IS, IS_NOT) else stored in value
        return found if op in (IS, IN) else not found
    if op in (CONTAINS, NOT_CONTAINS):
        found = isinstance(stored, str) and value.lower() in stored.lower()
        return found if op == CONTAINS else not found
    comparable = isinstance(stored, str) if isinstance(value, str | tuple) and _is_text(value) else _is_number(stored)
    return comparable and _compare(op, stored, value)


def _is_text(value: Any) -> bool:
    first = value[0] if isinstance(value, tuple) else value
    return isinstance(first, str)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
