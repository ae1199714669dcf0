"""SLA policy settings through the client, as a manager: the ordered list, the policy form with its conditions and
targets grid, field errors (never a 500), moving and deleting, escalations; a team lead is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.durations import InvalidDuration, format_duration, parse_duration
from opsdesk.sla.models import BusinessCalendar, Escalation, SlaPolicy

EMPTY_GRID = {
    f"target_{p}_{m}": ""
    for p in ("low", "normal", "high", "urgent")
    for m in (
        "first_reply",
        "next_reply",
        "periodic_update",
        "requester_wait",
        "agent_work",
        "pausable_update",
        "total_resolution",
    )
}


def policy_data(**extra: Any) -> dict[str, Any]:
    return {"name": "VIP", "calendar": "", "warn_before": "15", **EMPTY_GRID, **extra}


def make_policy(manager: Any, name: str, **kwargs: Any) -> SlaPolicy:
    values: dict[str, Any] = {"conditions": {}, "calendar": None, "pause_categories": [], "targets": []} | kwargs
    return policy_actions.save_policy(None, name=name, actor=manager, **values)


def order() -> list[str]:
    return list(SlaPolicy.objects.order_by("is_default", "position", "id").values_list("name", flat=True))


# --- the one duration parser -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2h", 7200),
        ("30m", 1800),
        ("1d 4h", 100800),
        ("1D4H", 100800),
        ("90", 5400),
        (" 1h 30min ", 5400),
        ("45s", 45),
        ("4h 1d", 100800),
    ],
)
def test_durations_are_read_in_the_one_notation(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2 hours", "invalid"),
        ("1.5h", "invalid"),
        ("", "invalid"),
        ("h", "invalid"),
        ("1h 2h", "repeated"),
        ("0", "zero"),
        ("0h 0m", "zero"),
        ("9999999d", "too_long"),
    ],
)
def test_bad_durations_say_why(text: str, code: str) -> None:
    with pytest.raises(InvalidDuration) as error:
        parse_duration(text)
    assert error.value.code == code


def test_a_duration_is_written_back_as_it_reads() -> None:
    assert [format_duration(s) for s in (100800, 5400, 900, 0, 61)] == ["1d 4h", "1h 30m", "15m", "0m", "1m 1s"]
    assert parse_duration("0", allow_zero=True) == 0


# --- the list --------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_policies_in_the_order_they_are_tried(client: Client, manager: Any, world: Any) -> None:
    make_policy(
        manager,
        "VIP",
        conditions={"match": "all", "conditions": [{"field": "team_id", "op": "in", "value": [world.billing.pk]}]},
        targets=[
            TargetInput("urgent", "first_reply", 1800, business_hours=False),
            TargetInput("urgent", "agent_work", 28800),
        ],
    )
    make_policy(manager, "Finland")
    client.force_login(manager)
    response = client.get(reverse("sla:policy_list"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["policy"].name for r in rows] == ["VIP", "Finland", "Standard"]
    assert [(r["first"], r["last"]) for r in rows] == [(True, False), (False, True), (False, False)]
    assert rows[0]["conditions"] == [("Team", "Billing")]
    assert rows[0]["targets"] == [
        {
            "label": "Urgent",
            "targets": [
                {"metric": "First reply", "time": "30m", "business_hours": False},
                {"metric": "Agent work time", "time": "8h", "business_hours": True},
            ],
        }
    ]
    page = response.content.decode()
    assert "the first whose conditions match a ticket applies" in page
    assert reverse("sla:calendar_list") in page
    assert page.count('name="direction"') == 4  # up and down for the two ordered policies, none for the default


@pytest.mark.parametrize("rows", [1, 30])
def test_policy_list_query_count_does_not_grow_with_rows(
    client: Client, manager: Any, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for n in range(rows):
        make_policy(
            manager,
            f"P{n}",
            conditions={"match": "all", "conditions": [{"field": "team_id", "op": "in", "value": [world.support.pk]}]},
            targets=[TargetInput("high", "first_reply", 3600)],
        )
    client.force_login(manager)
    with django_assert_num_queries(6):  # session, user, policies with calendars, their targets, teams, default calendar
        response = client.get(reverse("sla:policy_list"))
    assert len(response.context["rows"]) == rows + 1


def test_the_calendars_page_links_back_to_the_policies(client: Client, manager: Any) -> None:
    client.force_login(manager)
    page = client.get(reverse("sla:calendar_list")).content.decode()
    assert f'href="{reverse("sla:policy_list")}"' in page


def test_the_top_bar_links_sla_for_managers_only(client: Client, manager: Any, lead: Any, admin: Any) -> None:
    """One top-bar item for SLA and automation (the bar stays one row); its pages link each other."""
    link = f'<a href="{reverse("automation:rule_list")}" aria-current="page">SLA and rules</a>'
    client.force_login(manager)
    assert link in client.get(reverse("sla:policy_list")).content.decode()
    assert link in client.get(reverse("sla:calendar_list")).content.decode()
    rules = client.get(reverse("automation:rule_list")).content.decode()
    assert link in rules
    assert f'<a href="{reverse("sla:policy_list")}">SLA policies</a>' in rules
    assert (
        f'<a href="{reverse("automation:rule_list")}">Automation rules</a>'
        in client.get(reverse("sla:policy_list")).content.decode()
    )
    client.force_login(admin)
    settings = client.get(reverse("ticket_settings:settings_index")).content.decode()
    assert f'<a href="{reverse("sla:policy_list")}">SLA policies</a>' in settings
    client.force_login(lead)
    assert reverse("sla:policy_list") not in client.get(reverse("tickets:ticket_list")).content.decode()


# --- create, edit, delete, move --------------------------------------------------------------------------------------


def test_a_manager_creates_a_policy_with_conditions_and_a_targets_grid(
    client: Client, manager: Any, world: Any
) -> None:
    office = BusinessCalendar.objects.get(is_default=True)
    client.force_login(manager)
    data = policy_data(
        priority=["high", "urgent"],
        team=[str(world.billing.pk), str(world.support.pk)],
        channel=["email"],
        type=["incident"],
        organization=[str(world.organization.pk)],
        tags="VIP, gold , vip",
        calendar=str(office.pk),
        pause_categories=["pending", "on_hold"],
        warn_before="30m",
        target_urgent_first_reply="30m",
        business_urgent_first_reply="",
        target_urgent_requester_wait="1d 4h",
        business_urgent_requester_wait="on",
        target_high_first_reply="2h",
        business_high_first_reply="on",
    )
    response = client.post(reverse("sla:policy_create"), data)
    policy = SlaPolicy.objects.get(name="VIP")
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:policy_detail", args=[policy.pk])
    assert policy.conditions == {
        "match": "all",
        "conditions": [
            {"field": "priority", "op": "in", "value": ["high", "urgent"]},
            {"field": "channel", "op": "in", "value": ["email"]},
            {"field": "type", "op": "in", "value": ["incident"]},
            {"field": "team_id", "op": "in", "value": sorted([world.billing.pk, world.support.pk])},
            {"field": "organization_id", "op": "in", "value": [world.organization.pk]},
            {"field": "tags", "op": "in", "value": ["vip", "gold"]},
        ],
    }
    assert policy.calendar == office
    assert policy.pause_categories == ["on_hold", "pending"]
    assert policy.position == 1
    assert sorted(policy.targets.values_list("priority", "metric", "seconds", "business_hours", "warn_before")) == [
        ("high", "first_reply", 7200, True, 1800),
        ("urgent", "first_reply", 1800, False, 1800),
        ("urgent", "requester_wait", 100800, True, 1800),
    ]
    assert AuditEvent.objects.filter(verb="sla_policy.created").count() == 1
    page = client.get(response["Location"])  # the stored policy shown back as typed
    form = page.context["form"]
    assert form["priority"].value() == ["high", "urgent"]
    assert sorted(form["team"].value()) == sorted([world.billing.pk, world.support.pk])
    assert form["tags"].value() == "vip, gold"
    assert form["target_urgent_requester_wait"].value() == "1d 4h"
    assert 'name="target_urgent_requester_wait" value="1d 4h"' in page.content.decode()
    assert form["business_urgent_first_reply"].value() is False
    assert form["warn_before"].value() == "30m"


def test_editing_a_policy_saves_a_new_version(client: Client, manager: Any) -> None:
    policy = make_policy(manager, "VIP", targets=[TargetInput("normal", "first_reply", 3600)])
    client.force_login(manager)
    data = policy_data(target_normal_first_reply="45", business_normal_first_reply="on")
    response = client.post(reverse("sla:policy_detail", args=[policy.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:policy_list")
    policy.refresh_from_db()
    assert policy.version == 2
    assert list(policy.targets.values_list("priority", "metric", "seconds", "business_hours", "warn_before")) == [
        ("normal", "first_reply", 2700, True, 900)
    ]


def test_the_default_policy_has_no_conditions_and_cannot_be_deleted(client: Client, manager: Any) -> None:
    standard = SlaPolicy.objects.get(is_default=True)
    client.force_login(manager)
    page = client.get(reverse("sla:policy_detail", args=[standard.pk]))
    assert "priority" not in page.context["form"].fields
    assert reverse("sla:policy_delete", args=[standard.pk]) not in page.content.decode()
    data = policy_data(name="Standard", priority=["high"], target_low_agent_work="3d")
    assert client.post(reverse("sla:policy_detail", args=[standard.pk]), data).status_code == 302
    standard.refresh_from_db()
    assert standard.conditions == {}
    assert list(standard.targets.values_list("metric", "seconds")) == [("agent_work", 259200)]
    response = client.post(reverse("sla:policy_delete", args=[standard.pk]))
    assert response.status_code == 302
    assert SlaPolicy.objects.filter(pk=standard.pk).exists()


def test_a_manager_deletes_a_policy(client: Client, manager: Any) -> None:
    policy = make_policy(manager, "VIP")
    client.force_login(manager)
    page = client.get(reverse("sla:policy_detail", args=[policy.pk])).content.decode()
    assert "Delete the policy VIP? Its tickets are matched again against the other policies." in page
    response = client.post(reverse("sla:policy_delete", args=[policy.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:policy_list")
    assert order() == ["Standard"]
    assert AuditEvent.objects.filter(verb="sla_policy.deleted").count() == 1


def test_moving_a_policy_changes_the_order_they_are_tried(client: Client, manager: Any) -> None:
    first, second, third = (make_policy(manager, name) for name in ("A", "B", "C"))
    client.force_login(manager)
    response = client.post(reverse("sla:policy_move", args=[third.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:policy_list") + f"#policy-{third.pk}"
    assert order() == ["A", "C", "B", "Standard"]
    client.post(reverse("sla:policy_move", args=[first.pk]), {"direction": "down"})
    assert order() == ["C", "A", "B", "Standard"]
    client.post(reverse("sla:policy_move", args=[second.pk]), {"direction": "down"})  # last already: no change
    client.post(reverse("sla:policy_move", args=[second.pk]), {"direction": "sideways"})
    assert order() == ["C", "A", "B", "Standard"]
    standard = SlaPolicy.objects.get(is_default=True)
    client.post(reverse("sla:policy_move", args=[standard.pk]), {"direction": "up"})
    assert order() == ["C", "A", "B", "Standard"]


# --- field errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_normal_first_reply", "2 hours", "Write a time such as 30m, 2h or 1d 4h; a number alone is minutes."),
        ("target_urgent_agent_work", "0", "Enter a time longer than zero."),
        ("target_low_next_reply", "1h 1h", "Give each unit once, such as 1d 4h."),
        ("target_high_requester_wait", "400d", "A target is at least one minute and at most a year."),
        ("warn_before", "soon", "Write a time such as 30m, 2h or 1d 4h; a number alone is minutes."),
    ],
)
def test_a_bad_duration_is_shown_on_its_cell(
    client: Client, manager: Any, field: str, value: str, message: str
) -> None:
    client.force_login(manager)
    response = client.post(reverse("sla:policy_create"), policy_data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert not SlaPolicy.objects.filter(name="VIP").exists()


def test_a_duplicate_name_is_a_field_error(client: Client, manager: Any) -> None:
    make_policy(manager, "VIP")
    client.force_login(manager)
    response = client.post(reverse("sla:policy_create"), policy_data(name="vip"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["A policy with this name exists already."]}
    assert order() == ["VIP", "Standard"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"tags": "x" * 61}, {"tags": ["Tags: enter at most 60 characters."]}),
        ({"team": ["999999"]}, {"team": ["Select a valid choice. 999999 is not one of the available choices."]}),
        (
            {"priority": ["critical"]},
            {"priority": ["Select a valid choice. critical is not one of the available choices."]},
        ),
    ],
)
def test_a_bad_condition_is_a_field_error(client: Client, manager: Any, data: dict[str, Any], errors: Any) -> None:
    client.force_login(manager)
    response = client.post(reverse("sla:policy_create"), policy_data(**data))
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert order() == ["Standard"]


def test_conditions_the_form_cannot_show_are_kept(client: Client, manager: Any) -> None:
    written = {
        "match": "any",
        "conditions": [
            {"field": "priority", "op": "in", "value": ["urgent"]},
            {"field": "tags", "op": "contains", "value": "vip"},
        ],
    }
    policy = make_policy(manager, "API", conditions=written)
    client.force_login(manager)
    page = client.get(reverse("sla:policy_detail", args=[policy.pk]))
    assert "written through the API" in page.content.decode()
    assert client.post(reverse("sla:policy_detail", args=[policy.pk]), policy_data(name="API 2")).status_code == 302
    policy.refresh_from_db()
    assert (policy.name, policy.conditions) == ("API 2", written)
    listed = client.get(reverse("sla:policy_list")).context["rows"][0]
    assert listed["conditions"] == [("Conditions", "set through the API")]


# --- escalations -----------------------------------------------------------------------------------------------------


def test_a_manager_adds_edits_and_deletes_an_escalation(client: Client, manager: Any, world: Any) -> None:
    policy = make_policy(manager, "VIP")
    client.force_login(manager)
    data = {
        "level": "2",
        "trigger": "breached",
        "metric": "first_reply",
        "delay": "1h",
        "notify": ["team_leads", "managers"],
        "by_email": "on",
        "move_to_team": str(world.billing.pk),
        "add_tag": "Escalated",
    }
    response = client.post(reverse("sla:escalation_create", args=[policy.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:policy_detail", args=[policy.pk]) + "#escalations"
    escalation = Escalation.objects.get(policy=policy)
    assert (
        escalation.level,
        escalation.trigger,
        escalation.metric,
        escalation.delay,
        escalation.notify,
        escalation.by_email,
        escalation.raise_priority,
        escalation.move_to_team,
        escalation.add_tag,
    ) == (2, "breached", "first_reply", 3600, ["managers", "team_leads"], True, False, world.billing, "escalated")
    page = client.get(reverse("sla:policy_detail", args=[policy.pk]))
    assert page.context["escalations"][0]["summary"] == [
        "Notify: Managers, The team's leads",
        "also by email",
        "move to Billing",
        "add the tag escalated",
    ]
    assert "Breach of First reply, after 1h" in page.content.decode()
    url = reverse("sla:escalation_edit", args=[policy.pk, escalation.pk])
    assert client.get(url).context["form"]["delay"].value() == "1h"
    edit = {"level": "1", "trigger": "warned", "metric": "", "delay": "0", "raise_priority": "on"}
    assert client.post(url, edit).status_code == 302
    escalation.refresh_from_db()
    assert (escalation.level, escalation.trigger, escalation.metric, escalation.delay, escalation.notify) == (
        1,
        "warned",
        "",
        0,
        [],
    )
    assert escalation.raise_priority is True
    assert client.post(reverse("sla:escalation_delete", args=[policy.pk, escalation.pk])).status_code == 302
    assert not Escalation.objects.filter(policy=policy).exists()


def test_an_escalation_that_does_nothing_is_a_field_error(client: Client, manager: Any) -> None:
    policy = make_policy(manager, "VIP")
    client.force_login(manager)
    data = {"level": "1", "trigger": "breached", "metric": "", "delay": "2 days"}
    response = client.post(reverse("sla:escalation_create", args=[policy.pk]), data)
    assert response.status_code == 400
    assert response.context["escalation_form"].errors == {
        "delay": ["Write a time such as 30m, 2h or 1d 4h; a number alone is minutes."]
    }
    response = client.post(reverse("sla:escalation_create", args=[policy.pk]), data | {"delay": "31d"})
    assert response.context["escalation_form"].errors == {"delay": ["The delay is at most 30 days."]}
    response = client.post(reverse("sla:escalation_create", args=[policy.pk]), data | {"delay": ""})
    assert response.context["escalation_form"].errors == {
        "notify": ["Choose at least one thing to do: notify someone, raise the priority, move or tag the ticket."]
    }
    assert not Escalation.objects.exists()


def test_an_escalation_of_another_policy_is_not_found(client: Client, manager: Any) -> None:
    vip, other = make_policy(manager, "VIP"), make_policy(manager, "Other")
    escalation = policy_actions.save_escalation(
        vip,
        None,
        level=1,
        trigger="breached",
        metric="",
        delay=0,
        notify=["managers"],
        by_email=False,
        raise_priority=False,
        move_to_team=None,
        add_tag="",
        actor=manager,
    )
    client.force_login(manager)
    assert client.get(reverse("sla:escalation_edit", args=[other.pk, escalation.pk])).status_code == 404
    assert client.post(reverse("sla:escalation_delete", args=[other.pk, escalation.pk])).status_code == 404
    assert Escalation.objects.filter(pk=escalation.pk).exists()


# --- access ----------------------------------------------------------------------------------------------------------


def test_a_team_lead_is_refused_every_policy_page(client: Client, lead: Any, manager: Any) -> None:
    policy = make_policy(manager, "VIP")
    client.force_login(lead)
    assert client.get(reverse("sla:policy_list")).status_code == 403
    assert client.get(reverse("sla:policy_detail", args=[policy.pk])).status_code == 403
    assert client.post(reverse("sla:policy_create"), policy_data(name="Mine")).status_code == 403
    assert client.post(reverse("sla:policy_delete", args=[policy.pk])).status_code == 403
    assert client.post(reverse("sla:policy_move", args=[policy.pk]), {"direction": "down"}).status_code == 403
    assert order() == ["VIP", "Standard"]
