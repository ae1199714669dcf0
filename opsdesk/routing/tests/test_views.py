"""The routing pages: settings with field errors and audit rows, the live board and its query budget, the presence
control and a ticket's requirement (who may see and change what is in tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.people.models import Skill
from opsdesk.routing import actions
from opsdesk.routing.models import AgentCapacity, AgentProfile, AgentSkill, TeamRouting, TicketRequirement
from opsdesk.routing.tests.factories import agent, team_routing
from opsdesk.tickets.models import TicketEvent

TEAM_FORM = {
    "strategy": "round_robin",
    "use_language": "on",
    "skill_min_level": "2",
    "fallback_minutes": "15",
    "capacity_tickets": "6",
    "capacity_chat": "",
    "capacity_phone": "1",
}


def test_a_manager_sets_a_teams_strategy_and_it_is_audited(client: Client, world: Any) -> None:
    client.force_login(world.manager)
    url = reverse("routing:team_routing_edit", args=[world.support.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, TEAM_FORM)
    assert response.status_code == 302
    config = TeamRouting.objects.get(team=world.support)
    assert (config.strategy, config.use_language, config.skill_min_level, config.fallback_seconds, config.capacity) == (
        "round_robin",
        True,
        2,
        900,
        {"tickets": 6, "phone": 1},
    )
    audit = AuditEvent.objects.get(verb="routing.team_updated")
    assert (audit.actor, audit.target_id, audit.data["after"]["strategy"], audit.data["before"]["strategy"]) == (
        world.manager,
        str(world.support.pk),
        "round_robin",
        "manual",
    )
    client.post(url, TEAM_FORM)  # the same again: no second audit row
    assert AuditEvent.objects.filter(verb="routing.team_updated").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strategy", "lottery"),
        ("skill_min_level", "9"),
        ("fallback_minutes", "-1"),
        ("fallback_minutes", "99999999999"),
        ("capacity_tickets", "201"),
        ("capacity_chat", "two"),
    ],
)
def test_bad_team_settings_are_field_errors(client: Client, world: Any, field: str, value: str) -> None:
    client.force_login(world.admin)
    response = client.post(reverse("routing:team_routing_edit", args=[world.support.pk]), {**TEAM_FORM, field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not TeamRouting.objects.exists()


def test_an_agents_languages_skills_and_capacity(client: Client, world: Any) -> None:
    billing = Skill.objects.create(name="billing")
    returns = Skill.objects.create(name="returns")
    client.force_login(world.manager)
    url = reverse("routing:agent_routing_edit", args=[world.agent.pk])
    form = {
        "languages": ["el", "de"],
        f"skill_{billing.pk}": "4",
        f"skill_{returns.pk}": "",
        "capacity_tickets": "5",
        "capacity_chat": "2",
    }
    assert client.post(url, form).status_code == 302
    assert AgentProfile.objects.get(user=world.agent).languages == ["el", "de"]
    assert list(AgentSkill.objects.filter(user=world.agent).values_list("skill__name", "level")) == [("billing", 4)]
    assert dict(AgentCapacity.objects.filter(user=world.agent).values_list("channel_group", "limit")) == {
        "tickets": 5,
        "chat": 2,
    }
    audit = AuditEvent.objects.get(verb="routing.agent_updated")
    assert audit.data["after"] == {
        "languages": ["el", "de"],
        "skills": {"billing": 4},
        "capacity": {"chat": 2, "tickets": 5},
    }
    bad = client.post(url, {**form, "languages": ["xx"], f"skill_{billing.pk}": "6"})
    assert bad.status_code == 400
    assert sorted(bad.context["form"].errors) == ["languages", f"skill_{billing.pk}"]
    assert AgentSkill.objects.get(user=world.agent).level == 4
    assert client.get(reverse("routing:agent_routing_edit", args=[world.light_agent.pk])).status_code == 404


@pytest.mark.parametrize("agents", [1, 12])
def test_settings_and_board_cost_the_same_queries_for_1_and_12_agents(
    client: Client, world: Any, django_assert_num_queries: Any, agents: int
) -> None:
    team_routing(world.support, world.admin)
    Skill.objects.create(name="billing")
    for n in range(agents):
        agent(
            f"a{n}@example.com",
            f"Agent {n}",
            world.support,
            world.admin,
            languages=("fi",),
            skills={"billing": 3},
            capacity={"tickets": 3},
        )
        actions.route_ticket(world.ticket(subject=f"T{n}"))
    for n in range(agents * 3):  # fills every agent, then waits
        actions.route_ticket(world.ticket(subject=f"W{n}"))
    client.force_login(world.manager)
    with django_assert_num_queries(9):
        response = client.get(reverse("routing:routing_board"))
    assert response.status_code == 200
    support = next(b for b in response.context["boards"] if b.team == world.support)
    assert len([row for row in support.agents if row.user.name.startswith("Agent ")]) == agents
    with django_assert_num_queries(10):
        assert client.get(reverse("routing:routing_settings")).status_code == 200


def test_the_board_says_why_tickets_wait(client: Client, world: Any) -> None:
    team_routing(world.support, world.admin, use_language=True)
    agent("ed@example.com", "Ed", world.support, world.admin, languages=("en",), capacity={"tickets": 1})
    first = world.ticket(subject="First")
    actions.route_ticket(first)
    second = world.ticket(subject="Second")
    actions.route_ticket(second)
    client.force_login(world.lead)  # a lead sees their own teams
    response = client.get(reverse("routing:routing_board"))
    assert [b.team for b in response.context["boards"]] == [world.support]
    text = response.content.decode()
    assert "1/1" in text
    assert f"#{second.pk} Second</a> — every online agent is at capacity" in text
    htmx = client.get(reverse("routing:routing_board"), headers={"HX-Request": "true"})
    assert b"<h1>" not in htmx.content and b"every online agent is at capacity" in htmx.content


def test_the_presence_control_in_the_top_bar(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_list")).content.decode()
    assert f'hx-get="{reverse("routing:presence_control")}"' in page
    control = client.get(reverse("routing:presence_control"))
    assert b'<option value="offline" selected>Offline</option>' in control.content
    response = client.post(reverse("routing:presence_control"), {"presence": "away"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'<option value="away" selected>Away</option>' in response.content
    assert AgentProfile.objects.get(user=world.agent).presence == "away"
    bad = client.post(reverse("routing:presence_control"), {"presence": "busy"})
    assert bad.status_code == 400
    assert AgentProfile.objects.get(user=world.agent).presence == "away"
    client.force_login(world.light_agent)
    assert "routing:presence" not in client.get(reverse("tickets:ticket_list")).content.decode()
    assert client.get(reverse("routing:presence_control")).status_code == 403


def test_a_tickets_requirement_from_its_page(client: Client, world: Any) -> None:
    billing = Skill.objects.create(name="billing")
    ticket = world.ticket()
    client.force_login(world.agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f'hx-get="{reverse("routing:ticket_requirement", args=[ticket.pk])}"' in page
    url = reverse("routing:ticket_requirement", args=[ticket.pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    assert client.post(url, {"skills": [billing.pk], "language": "el"}).status_code == 302
    requirement = TicketRequirement.objects.get(ticket=ticket)
    assert (list(requirement.skills.values_list("name", flat=True)), requirement.language) == (["billing"], "el")
    event = TicketEvent.objects.get(ticket=ticket, kind="routing.requirement_changed")
    assert (event.actor, event.data) == (world.agent, {"skills": ["billing"], "language": "el"})
    bad = client.post(url, {"language": "xx"})
    assert bad.status_code == 400 and list(bad.context["form"].errors) == ["language"]
    client.force_login(world.light_agent)
    view = client.get(url, headers={"HX-Request": "true"})
    assert view.status_code == 200 and b"<form" not in view.content and b"Greek" in view.content
    assert client.post(url, {"language": ""}).status_code == 403
    assert TicketRequirement.objects.get(ticket=ticket).language == "el"


def test_the_api_reads_and_sets_the_agents_own_presence(client: Client, world: Any) -> None:
    from opsdesk.accounts import actions as account_actions

    _token, raw = account_actions.issue_api_token(world.agent, name="t", scope="write", actor=world.agent)
    headers = {"Authorization": f"Bearer {raw}"}
    got = client.get("/api/v1/me/presence", headers=headers)
    assert got.json() == {"presence": "offline", "set_by_hand": False, "changed_at": None, "last_active_at": None}
    put = client.put("/api/v1/me/presence", {"presence": "online"}, content_type="application/json", headers=headers)
    assert (put.status_code, put.json()["presence"], put.json()["set_by_hand"]) == (200, "online", True)
    bad = client.put("/api/v1/me/presence", {"presence": "busy"}, content_type="application/json", headers=headers)
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "invalid", "presence")
    assert AgentProfile.objects.get(user=world.agent).presence == "online"
