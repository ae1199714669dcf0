"""The ticket filter language: parsing with field-named errors, the database and Python agreeing on a table of
cases, and the same filters in the inbox, saved views, bulk changes, the API list and search."""

from __future__ import annotations

import importlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.accounts import actions as account_actions
from opsdesk.core.params import InvalidParameter
from opsdesk.tickets import actions, categories, configuration, filters
from opsdesk.tickets.filters import Condition, Group, TicketFilter
from opsdesk.tickets.models import SavedView, Ticket, TicketStatus

T1, T2, T3, T4 = (datetime(2025, 1, day, 9, 0, tzinfo=UTC) for day in (1, 2, 3, 4))


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="t", scope="write", actor=user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def table(world: Any) -> dict[str, Ticket]:
    """Four tickets that differ in every filterable field, created a day apart."""
    for label, kind, choices in [
        ("Size", "number", None),
        ("Due", "date", None),
        ("VIP", "checkbox", None),
        ("Plan", "select", ["gold", "silver"]),
        ("Note", "text", None),
    ]:
        configuration.save_custom_field(None, label=label, type=kind, choices=choices, actor=world.admin)
    status = {s.category: s for s in TicketStatus.objects.filter(is_default=True)}
    made: dict[str, Ticket] = {}
    specs: list[tuple[str, datetime, dict[str, Any], str]] = [
        (
            "a",
            T1,
            {
                "priority": "urgent",
                "channel": "email",
                "language": "en",
                "team": world.support,
                "assignee": world.agent,
                "tags": ["vip", "billing"],
                "custom_fields": {
                    "size": 5,
                    "due": "2025-03-01",
                    "vip": True,
                    "plan": "gold",
                    "note": "Call back later",
                },
            },
            "open",
        ),
        (
            "b",
            T2,
            {
                "priority": "low",
                "channel": "phone",
                "language": "fi",
                "team": world.billing,
                "requester": world.other_customer,
                "custom_fields": {"size": "12.5", "plan": "silver"},
            },
            "new",
        ),
        (
            "c",
            T3,
            {
                "priority": "normal",
                "channel": "web",
                "language": "en",
                "team": None,
                "assignee": world.other_agent,
                "tags": ["billing"],
                "custom_fields": {"vip": False, "size": 0},
            },
            "solved",
        ),
        (
            "d",
            T4,
            {
                "priority": "high",
                "channel": "chat",
                "language": "sv",
                "team": world.support,
                "assignee": world.lead,
                "tags": ["vip"],
            },
            "pending",
        ),
    ]
    for label, at, kwargs, category in specs:
        with time_machine.travel(at, tick=False):
            ticket = world.ticket(subject=f"Ticket {label}", **kwargs)
            if category != "new":
                ticket = actions.change_status(ticket, status=status[category], actor=world.admin)
        made[label] = Ticket.objects.get(pk=ticket.pk)
    for label, due in (("a", "2025-01-01T10:00:00+00:00"), ("d", "2025-01-05T10:00:00+00:00")):  # SLA clocks counting
        Ticket.objects.filter(pk=made[label].pk).update(sla_deadline_at=datetime.fromisoformat(due))
        made[label].refresh_from_db()
    return made


def cond(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def group(match: str, *conditions: dict[str, Any]) -> dict[str, Any]:
    return {"match": match, "conditions": list(conditions)}


# (filter's conditions as JSON, the tickets it finds); ids are filled in from the world by `resolve`.
CASES: list[tuple[dict[str, Any], str]] = [
    (group("all"), "abcd"),
    (group("all", cond("priority", "is", "urgent")), "a"),
    (group("all", cond("priority", "is_not", "urgent")), "bcd"),
    (group("all", cond("priority", "in", ["low", "high"])), "bd"),
    (group("all", cond("priority", "not_in", ["low", "high"])), "ac"),
    (group("all", cond("priority", "gte", "high")), "ad"),
    (group("all", cond("priority", "lt", "normal")), "b"),
    (group("all", cond("priority", "between", ["normal", "urgent"])), "cd"),
    (group("all", cond("status_category", "in", ["open", "pending"])), "ad"),
    (group("all", cond("status_category", "is_not", "new")), "acd"),
    (group("all", cond("status_category", "is", "unsolved")), "abd"),
    (group("all", cond("status_category", "not_in", ["solved", "closed"])), "abd"),
    (group("all", cond("type", "is", "question")), "abcd"),
    (group("all", cond("channel", "in", ["web", "chat"])), "cd"),
    (group("all", cond("language", "is", "fi")), "b"),
    (group("all", cond("team_id", "is", "{support}")), "ad"),
    (group("all", cond("team_id", "is", None)), "c"),
    (group("all", cond("team_id", "is_not", "{support}")), "bc"),
    (group("all", cond("team_id", "in", ["{billing}", None])), "bc"),
    (group("all", cond("team_id", "not_in", ["{support}", None])), "b"),
    (group("all", cond("team_id", "present", False)), "c"),
    (group("all", cond("team_id", "is", "mine")), "ad"),
    (group("all", cond("assignee_id", "is", "me")), "a"),
    (group("all", cond("assignee_id", "is", None)), "b"),
    (group("all", cond("assignee_id", "is_not", "me")), "bcd"),
    (group("all", cond("assignee_id", "present", True)), "acd"),
    (group("all", cond("requester_id", "is", "{other_customer}")), "b"),
    (group("all", cond("organization_id", "is", "{organization}")), "acd"),
    (group("all", cond("organization_id", "is", None)), "b"),
    (group("all", cond("tags", "contains", "vip")), "ad"),
    (group("all", cond("tags", "not_contains", "vip")), "bc"),
    (group("all", cond("tags", "in", ["billing", "vip"])), "acd"),
    (group("all", cond("tags", "not_in", ["billing"])), "bd"),
    (group("all", cond("tags", "present", False)), "b"),
    (group("all", cond("created_at", "lt", "2025-01-02T09:00:00+00:00")), "a"),
    (group("all", cond("created_at", "between", ["2025-01-02T09:00:00+00:00", "2025-01-04T09:00:00+00:00"])), "bc"),
    (group("all", cond("created_at", "gte", "2025-01-03T11:00:00+02:00")), "cd"),
    (group("all", cond("updated_at", "lte", "2025-01-01T09:00:00Z")), "a"),
    (group("all", cond("solved_at", "present", True)), "c"),
    (group("all", cond("solved_at", "lt", "2030-01-01")), "c"),
    (group("all", cond("sla_deadline_at", "present", True)), "ad"),
    (group("all", cond("sla_deadline_at", "lt", "2025-01-03T00:00:00Z")), "a"),
    (group("all", cond("sla_deadline_at", "present", False)), "bc"),
    (group("all", cond("custom_fields.size", "lt", 10)), "ac"),
    (group("all", cond("custom_fields.size", "between", [0, 6])), "ac"),
    (group("all", cond("custom_fields.size", "is", 12.5)), "b"),
    (group("all", cond("custom_fields.size", "is_not", 5)), "bcd"),
    (group("all", cond("custom_fields.size", "gt", "4.5")), "ab"),
    (group("all", cond("custom_fields.size", "present", False)), "d"),
    (group("all", cond("custom_fields.due", "lt", "2025-06-01")), "a"),
    (group("all", cond("custom_fields.due", "gte", "2025-06-01")), ""),
    (group("all", cond("custom_fields.due", "present", True)), "a"),
    (group("all", cond("custom_fields.vip", "is", True)), "a"),
    (group("all", cond("custom_fields.vip", "is", False)), "bcd"),
    (group("all", cond("custom_fields.plan", "in", ["gold"])), "a"),
    (group("all", cond("custom_fields.plan", "not_in", ["gold"])), "bcd"),
    (group("all", cond("custom_fields.plan", "is_not", "silver")), "acd"),
    (group("all", cond("custom_fields.plan", "present", True)), "ab"),
    (group("all", cond("custom_fields.note", "contains", "CALL")), "a"),
    (group("all", cond("custom_fields.note", "not_contains", "call")), "bcd"),
    (group("all", cond("custom_fields.note", "is", "Call back later")), "a"),
    (group("any", cond("priority", "is", "urgent"), cond("channel", "is", "phone")), "ab"),
    (group("any"), "abcd"),
    (
        group(
            "all",
            cond("tags", "contains", "vip"),
            group("any", cond("status_category", "is", "pending"), cond("language", "is", "en")),
        ),
        "ad",
    ),
    (
        group(
            "any",
            group("all", cond("team_id", "is", None), cond("status_category", "is", "solved")),
            group("all", cond("priority", "gt", "normal"), cond("tags", "not_contains", "billing")),
        ),
        "cd",
    ),
]


def resolve(data: Any, world: Any) -> Any:
    if isinstance(data, dict):
        return {key: resolve(value, world) for key, value in data.items()}
    if isinstance(data, list):
        return [resolve(value, world) for value in data]
    if isinstance(data, str) and (found := re.fullmatch(r"\{(\w+)\}", data)):
        return getattr(world, found.group(1)).pk
    return data


@pytest.mark.parametrize(("data", "expected"), CASES, ids=[json.dumps(c[0])[:90] for c in CASES])
def test_the_database_and_python_agree_on_every_case(
    world: Any, table: dict[str, Ticket], data: dict[str, Any], expected: str
) -> None:
    flt = filters.from_json(resolve(data, world))
    by_pk = {ticket.pk: label for label, ticket in table.items()}
    in_database = "".join(
        sorted(by_pk[pk] for pk in Ticket.objects.filter(filters.to_q(flt, world.agent)).values_list("pk", flat=True))
    )
    in_python = "".join(sorted(label for label, t in table.items() if filters.matches(flt, t, user=world.agent)))
    assert (in_database, in_python) == (expected, expected)


def test_the_category_limit_is_kept_apart_for_the_keyset_indexes(world: Any) -> None:
    flt = filters.from_query({"status": "unsolved", "status_category__not_in": "new", "priority": "high"})
    scope = filters.compile_scope(flt, world.agent)
    assert scope.categories == ("open", "pending", "on_hold")
    assert str(scope.q) == "(AND: ('priority', 'high'))"
    nested = filters.compile_scope(filters.from_json(group("any", cond("status_category", "is", "new"))), None)
    assert (nested.categories, str(nested.q)) == (None, "(AND: ('status_category', 'new'))")


def test_query_parameters_read_every_form_of_a_condition(world: Any) -> None:
    flt = filters.from_query(
        {
            "priority": "high,urgent",
            "team": "none",
            "assignee_id": "me",
            "tag": "VIP Customer",
            "created_at__between": "2025-01-01,2025-02-01",
            "updated_since": "2025-01-15T10:00:00+02:00",
            "unassigned": "false",
            "view": "mine",
            "sort": "-updated",
            "q": "  printer  ",
            "channel": "",
        }
    )
    assert flt.root.conditions == (
        Condition("priority", "in", ("high", "urgent")),
        Condition("team_id", "is", None),
        Condition("assignee_id", "is", "me"),
        Condition("tags", "contains", "vip-customer"),
        Condition("created_at", "between", (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))),
        Condition("updated_at", "gte", datetime(2025, 1, 15, 8, 0, tzinfo=UTC)),
    )
    assert flt.text == "printer"
    assert filters.from_json(flt.to_json()) == flt  # JSON round trip


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"priority": "bogus"}, "priority", "Priority: “bogus” is not one of low, normal, high, urgent."),
        ({"priority__near": "high"}, "priority__near", "“near” is not an operator."),
        ({"channel__lt": "web"}, "channel__lt", "Channel cannot use “lt”; use one of: is, is_not, in, not_in."),
        ({"team_id": "²"}, "team_id", "Team: enter a whole number from 1 to 9223372036854775807."),
        ({"assignee": "mine"}, "assignee", "Assignee: enter a whole number from 1 to 9223372036854775807."),
        (
            {"created_at": "2025-01-01"},
            "created_at",
            "Created: add an operator to the parameter, such as created_at__gte or created_at__between.",
        ),
        (
            {"created_after": "0001-01-01T00:00:00+14:00"},
            "created_after",
            "Created: enter a time between the years 1 and 9999.",
        ),
        (
            {"created_at__between": "2025-02-01,2025-01-01"},
            "created_at__between",
            "Created: the start must come before the end.",
        ),
        (
            {"updated_at__gte": "yesterday"},
            "updated_at__gte",
            "Updated: enter a date such as 2025-01-31, or a time such as 2025-01-31T14:00+02:00.",
        ),
        ({"custom_fields.nope": "1"}, "custom_fields.nope", "There is no custom field “nope”."),
        ({"solved_at__present": "maybe"}, "solved_at__present", "Solved: enter true or false."),
        ({"tag": "x" * 61}, "tag", "Tags: enter at most 60 characters."),
        (
            {"priority": "low,high,low", "priority__in": ",".join(["low"] * 201)},
            "priority__in",
            "Priority: give from 1 to 200 values.",
        ),
        ({"filter": "{nope"}, "filter", "The filter is not valid JSON."),
        ({"filter": '{"match": "most"}'}, "filter", "A group has “match” (all or any) and a list of “conditions”."),
        (
            {"filter": '{"conditions": [{"field": "priority"}]}'},
            "filter",
            "A condition is an object with “field”, “op” and “value”.",
        ),
        (
            {"filter": '{"conditions": [{"field": "size", "op": "is", "value": 1}]}'},
            "size",
            "“size” is not a field tickets can be filtered by.",
        ),
        (
            {"filter": json.dumps(group("all", *[cond("priority", "is", "low")] * 51))},
            "priority",
            "A filter may have at most 50 conditions.",
        ),
        (
            {"filter": json.dumps(group("all", group("all", group("all", group("all")))))},
            "filter",
            "Groups may be nested at most 3 deep.",
        ),
    ],
)
def test_a_bad_filter_names_its_field(world: Any, params: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        filters.from_query(params)
    assert (raised.value.field, raised.value.message, raised.value.code) == (field, message, "invalid_filter")


def test_me_and_mine_are_refused_where_there_is_no_signed_in_user(world: Any) -> None:
    with pytest.raises(InvalidParameter) as raised:
        filters.from_json(group("all", cond("assignee_id", "is", "me")), personal=False)
    assert raised.value.message == "Assignee: “me” needs a signed-in user."
    flt = filters.from_json(group("all", cond("assignee_id", "is", "me")))
    ticket = world.ticket(assignee=world.agent)
    assert (filters.matches(flt, ticket), filters.matches(flt, ticket, user=world.agent)) == (False, True)


def test_customers_filter_only_by_what_the_portal_shows_and_see_on_hold_as_open(world: Any) -> None:
    parser = filters.Parser(customer=True)
    for params, message in [
        ({"team_id": "1"}, "“team_id” is not a field tickets can be filtered by."),
        ({"custom_fields.size": "1"}, "“custom_fields.size” is not a field tickets can be filtered by."),
        ({"status": "on_hold"}, "Status: “on_hold” is not one of new, open, pending, solved, closed."),
    ]:
        with pytest.raises(InvalidParameter) as raised:
            parser.query(params)
        assert raised.value.message == message
    assert parser.query({"status": "open"}).root.conditions == (
        Condition("status_category", "in", ("open", "on_hold")),
    )


def test_the_inbox_the_api_list_and_search_take_the_same_fields(
    client: Client, world: Any, table: dict[str, Ticket]
) -> None:
    client.force_login(world.admin)
    headers = token(world.admin)
    query = "tags=vip&priority__gte=high&custom_fields.size__present=false"
    inbox = client.get(f"/tickets/?view=recent&{query}")
    assert [t.pk for t in inbox.context["tickets"]] == [table["d"].pk]
    listed = client.get(f"/api/v1/tickets/?{query}", headers=headers)
    assert [item["id"] for item in listed.json()["items"]] == [table["d"].pk]
    found = client.get(f"/api/v1/tickets/search?q=ticket&{query}", headers=headers)
    assert [item["ticket"]["id"] for item in found.json()["items"]] == [table["d"].pk]
    as_json = json.dumps(group("any", cond("channel", "is", "phone"), cond("custom_fields.vip", "is", True)))
    listed = client.get("/api/v1/tickets/", {"filter": as_json, "order": "created"}, headers=headers)
    assert [item["id"] for item in listed.json()["items"]] == [table["a"].pk, table["b"].pk]
    bad = client.get("/api/v1/tickets/", {"priority": "soon"}, headers=headers)
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "invalid_filter",
            "message": "Priority: “soon” is not one of low, normal, high, urgent.",
            "field": "priority",
        },
    )
    page = client.get("/tickets/?view=recent&priority=soon")
    assert (page.status_code, page.context["field"], page.context["message"]) == (
        400,
        "priority",
        "Priority: “soon” is not one of low, normal, high, urgent.",
    )


def test_a_saved_view_stores_the_typed_format_and_the_request_replaces_its_fields(
    client: Client, world: Any, table: dict[str, Ticket]
) -> None:
    client.force_login(world.admin)
    page = client.get("/tickets/?view=open&priority=urgent,high&q=ticket")
    client.post(reverse("tickets:saved_view_create"), {"name": "Hot", "filter": page.context["filter_json"]})
    saved = SavedView.objects.get(name="Hot")
    assert saved.filters == {
        "match": "all",
        "conditions": [
            {"field": "status_category", "op": "in", "value": ["new", "open", "pending", "on_hold"]},
            {"field": "priority", "op": "in", "value": ["urgent", "high"]},
        ],
        "q": "ticket",
    }
    shown = client.get(f"/tickets/?view=saved-{saved.pk}")
    assert sorted(t.pk for t in shown.context["tickets"]) == [table["a"].pk, table["d"].pk]
    assert shown.context["filters"] == {
        "status_category": "unsolved",
        "priority": "urgent,high",
        "q": "ticket",
    }
    assert '<option value="urgent,high" selected>Urgent, High</option>' in shown.content.decode()
    changed = client.get(f"/tickets/?view=saved-{saved.pk}&priority=low")
    assert [t.pk for t in changed.context["tickets"]] == [table["b"].pk]
    refused = client.post(reverse("tickets:saved_view_create"), {"name": "Bad", "filter": '{"match": 1}'})
    assert (refused.status_code, SavedView.objects.filter(name="Bad").exists()) == (400, False)


def test_bulk_changes_every_ticket_the_view_finds(client: Client, world: Any, table: dict[str, Ticket]) -> None:
    client.force_login(world.admin)
    page = client.get("/tickets/?view=open&tags=vip")
    pending = TicketStatus.objects.get(category="on_hold", is_default=True)
    response = client.post(
        reverse("tickets:ticket_bulk"),
        {"all_matching": "1", "filter": page.context["filter_json"], "status": pending.pk},
    )
    assert response.status_code == 302
    changed = set(Ticket.objects.filter(status_category="on_hold").values_list("pk", flat=True))
    assert changed == {table["a"].pk, table["d"].pk}


def test_bulk_all_matching_stops_at_the_limit(client: Client, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.tickets.views import agent

    monkeypatch.setattr(agent, "BULK_LIMIT", 2)
    made = [world.ticket(subject=f"T{i}") for i in range(3)]
    client.force_login(world.admin)
    flt = TicketFilter(Group("all", (Condition("status_category", "is", "new"),)))
    response = client.post(
        reverse("tickets:ticket_bulk"), {"all_matching": "1", "filter": flt.to_param(), "tags": "batch"}, follow=True
    )
    tagged = sorted(Ticket.objects.filter(tags__name="batch").values_list("pk", flat=True))
    assert tagged == [made[1].pk, made[2].pk]  # the most recently updated
    assert [str(m) for m in response.context["messages"]] == [
        "2 tickets updated.",
        "More than 2 tickets match: the 2 most recently updated were changed.",
    ]


def test_the_migration_converts_the_old_saved_view_format() -> None:
    migration = importlib.import_module("opsdesk.tickets.migrations.0005_saved_view_typed_filters")
    old = {"status": "unsolved", "priority": "urgent", "team": "3", "assignee": "me", "tag": "VIP", "q": "refund"}
    new = migration.typed(old)
    assert new == {
        "match": "all",
        "conditions": [
            {"field": "status_category", "op": "in", "value": ["new", "open", "pending", "on_hold"]},
            {"field": "priority", "op": "is", "value": "urgent"},
            {"field": "team_id", "op": "is", "value": 3},
            {"field": "assignee_id", "op": "is", "value": "me"},
            {"field": "tags", "op": "contains", "value": "vip"},
        ],
        "q": "refund",
    }
    assert filters.from_json(new).to_json()["conditions"][2] == {"field": "team_id", "op": "is", "value": 3}
    ignored = migration.typed({"status": ["open", "bogus"], "team": "²", "assignee": "x", "priority": "soon"})
    assert ignored == {
        "match": "all",
        "conditions": [{"field": "status_category", "op": "in", "value": ["open"]}],
    }
    assert migration.flat(new) == {**old, "tag": "vip"}
    assert migration.typed(new) == new


def test_status_categories_are_defined_in_one_module() -> None:
    root = Path(__file__).resolve().parents[2]
    listed = re.compile(r"""["']pending["'],\s*["']on_hold["']""")
    places = [
        str(path.relative_to(root))
        for path in [*root.rglob("*.py"), *root.rglob("*.html"), *root.rglob("*.js")]
        if "migrations" not in path.parts and "tests" not in path.parts and listed.search(path.read_text())
    ]
    assert places == []
    assert categories.ALL == ("new", "open", "pending", "on_hold", "solved", "closed")
    assert TicketStatus.Category is categories.Category


def test_every_field_and_operator_is_documented_in_the_reference_and_the_openapi_document(client: Client) -> None:
    reference = (Path(__file__).resolve().parents[3] / "docs" / "filters.md").read_text()
    assert [name for name in [*filters.FIELDS, *filters.OPERATORS] if f"`{name}`" not in reference] == []
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/tickets/", "/api/v1/tickets/search"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {*filters.FIELDS, *filters.ALIASES, "filter"} <= names


def test_the_detected_language_filters_everywhere(client: Client, world: Any) -> None:
    """`detected_language` (set by language detection, ADR 0019): any configured language, also those the
    interface lacks, and "none detected yet"; the database and Python agree; the inbox and the API take it."""
    greek, german, unknown = (world.ticket(subject=s) for s in ("Παραγγελία", "Bestellung", "?"))
    Ticket.objects.filter(pk=greek.pk).update(detected_language="el")
    Ticket.objects.filter(pk=german.pk).update(detected_language="de")
    tickets = {"el": Ticket.objects.get(pk=greek.pk), "de": Ticket.objects.get(pk=german.pk), "-": unknown}
    for data, expected in [
        (cond("detected_language", "is", "el"), "el"),
        (cond("detected_language", "in", ["de", "el"]), "de el"),
        (cond("detected_language", "is_not", "el"), "- de"),
        (cond("detected_language", "not_in", ["de"]), "- el"),
        (cond("detected_language", "present", False), "-"),
        (cond("detected_language", "present", True), "de el"),
    ]:
        flt = filters.from_json(group("all", data))
        by_pk = {t.pk: label for label, t in tickets.items()}
        in_database = " ".join(
            sorted(by_pk[pk] for pk in Ticket.objects.filter(filters.to_q(flt, None)).values_list("pk", flat=True))
        )
        in_python = " ".join(sorted(label for label, t in tickets.items() if filters.matches(flt, t)))
        assert (in_database, in_python) == (expected, expected), data
    client.force_login(world.admin)
    inbox = client.get("/tickets/?view=recent&detected_language=el")
    assert [t.pk for t in inbox.context["tickets"]] == [greek.pk]
    listed = client.get("/api/v1/tickets/?detected_language__in=de,el&order=created", headers=token(world.admin))
    assert [(item["id"], item["detected_language"]) for item in listed.json()["items"]] == [
        (greek.pk, "el"),
        (german.pk, "de"),
    ]
    bad = client.get("/api/v1/tickets/?detected_language=xx", headers=token(world.admin))
    assert (bad.status_code, bad.json()["field"], bad.json()["message"]) == (
        400,
        "detected_language",
        "Detected language: “xx” is not one of en, fi, sv, ru, el, de, fr, es, et, da, nb.",
    )
    with pytest.raises(InvalidParameter):
        filters.Parser(customer=True).query({"detected_language": "el"})
