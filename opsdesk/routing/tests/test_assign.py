"""Routing one ticket by each strategy, through the real actions: who gets it, the timeline's decision event with
its reasons and sentence, waiting and the fallback after the team's timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from opsdesk.core.origin import origin
from opsdesk.routing import actions
from opsdesk.routing.models import AgentProfile, RoutingWait
from opsdesk.routing.tests.factories import agent, give, team_routing
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.models import Ticket, TicketEvent, TicketStatus

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(world: Any) -> Any:
    """Support, routed round robin; the world's own members (Alice, Leo) stay offline unless a test says so."""
    team_routing(world.support, world.admin)
    return world.support


def routed(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind__startswith="routing.").order_by("id"))


def test_round_robin_gives_the_longest_unrouted_agent_the_next_ticket(world: Any, team: Any) -> None:
    with time_machine.travel(START, tick=False):
        anna = agent("anna@example.com", "Anna", team, world.admin, last_assigned_at=START - timedelta(hours=3))
        bert = agent("bert@example.com", "Bert", team, world.admin)  # never routed: first
        cleo = agent("cleo@example.com", "Cleo", team, world.admin, last_assigned_at=START - timedelta(hours=1))
    order = []
    for minute in range(4):
        with time_machine.travel(START + timedelta(minutes=minute), tick=False):
            decision = actions.route_ticket(world.ticket())
        order.append(decision.assignee)
    assert order == [bert, anna, cleo, bert]
    assert AgentProfile.objects.get(user=bert).last_assigned_at == START + timedelta(minutes=3)


def test_the_decision_is_on_the_timeline_with_reasons_and_a_sentence(world: Any, team: Any) -> None:
    eleni = agent("eleni@example.com", "Eleni", team, world.admin, capacity={"tickets": 5})
    for _ in range(2):
        ticket_actions.create_ticket(
            subject="Held", body="x", requester=world.customer, actor=None, team=team, assignee=eleni
        )
    ticket = world.ticket()
    with origin("system"):
        decision = actions.route_ticket(ticket)
    assert decision.assignee == eleni
    assert decision.reasons == ["round_robin_turn"]
    assert decision.text == "Assigned to Eleni: load 2/5, round-robin turn"
    ticket.refresh_from_db()
    assert ticket.assignee == eleni
    assert ticket.status_category == "new"  # routing is not an agent's touch
    assigned, decided = TicketEvent.objects.filter(
        ticket=ticket, kind__in=["assignee.changed", "routing.assigned"]
    ).order_by("id")
    assert (assigned.kind, assigned.data, assigned.source, assigned.cause) == (
        "assignee.changed",
        {"old": None, "new": eleni.pk},
        "automation",
        f"routing:{team.pk}",
    )
    assert (decided.kind, decided.actor_id, decided.source, decided.cause) == (
        "routing.assigned",
        None,
        "automation",
        f"routing:{team.pk}",
    )
    assert decided.data == {
        "assignee": eleni.pk,
        "team": team.pk,
        "strategy": "round_robin",
        "reasons": ["round_robin_turn"],
        "language": None,
        "skills": {},
        "channel_group": "tickets",
        "load": 2,
        "capacity": 5,
        "fallback": False,
    }


def test_a_callers_cause_is_kept(world: Any, team: Any) -> None:
    agent("anna@example.com", "Anna", team, world.admin)
    ticket = world.ticket()
    with origin("automation", cause_event=None, cause="trigger:7"):
        actions.route_ticket(ticket)
    assert list(
        TicketEvent.objects.filter(ticket=ticket, source="automation").order_by("id").values_list("kind", "cause")
    ) == [
        ("assignee.changed", "trigger:7"),
        ("routing.assigned", "trigger:7"),
    ]


def test_away_offline_and_full_agents_are_skipped(world: Any, team: Any) -> None:
    agent("away@example.com", "Away", team, world.admin, presence="away")
    agent("off@example.com", "Off", team, world.admin, presence="offline")
    full = agent("full@example.com", "Full", team, world.admin, capacity={"tickets": 1})
    free = agent("free@example.com", "Free", team, world.admin, capacity={"tickets": 1})
    ticket_actions.create_ticket(
        subject="Held", body="x", requester=world.customer, actor=None, team=team, assignee=full
    )
    assert actions.route_ticket(world.ticket()).assignee == free
    waiting = world.ticket()
    decision = actions.route_ticket(waiting)
    assert (decision.assignee, decision.reasons) == (None, ["all_full"])
    assert decision.text == "Waiting for an agent: every online agent is at capacity"
    assert RoutingWait.objects.get(ticket=waiting).reason == "all_full"
    assert [e.data["why"] for e in routed(waiting)] == ["all_full"]
    actions.route_ticket(waiting)  # the same reason: no second event
    assert len(routed(waiting)) == 1


def test_nobody_online_and_nobody_at_all_are_told_apart(world: Any, team: Any) -> None:
    decision = actions.route_ticket(world.ticket())
    assert decision.reasons == ["all_offline"]  # Alice and Leo have never been online
    empty = world.billing
    team_routing(empty, world.admin)
    from opsdesk.people import actions as people_actions

    people_actions.set_membership(empty, user=world.other_agent, member=False, actor=world.admin)
    decision = actions.route_ticket(world.ticket(team=empty))
    assert (decision.reasons, decision.text) == (
        ["no_agents"],
        "Waiting for an agent: the team has no agents who can take tickets",
    )


def test_least_loaded_compares_load_with_capacity(world: Any, team: Any) -> None:
    team_routing(team, world.admin, "least_loaded")
    big = agent("big@example.com", "Big", team, world.admin, capacity={"tickets": 5})
    small = agent("small@example.com", "Small", team, world.admin, capacity={"tickets": 2})
    for user, n in ((big, 2), (small, 1)):
        for _ in range(n):
            ticket_actions.create_ticket(
                subject="H", body="x", requester=world.customer, actor=None, team=team, assignee=user
            )
    decision = actions.route_ticket(world.ticket())  # 2/5 = 0.4 beats 1/2 = 0.5
    assert (decision.assignee, decision.reasons) == (big, ["least_loaded"])
    assert decision.text == "Assigned to Big: load 2/5, least loaded"
    decision = actions.route_ticket(world.ticket())  # 3/5 = 0.6 against 0.5
    assert decision.assignee == small


def test_skills_with_levels_and_language(world: Any, team: Any) -> None:
    from opsdesk.people.models import Skill

    team_routing(team, world.admin, "skills", use_language=True, skill_min_level=2)
    agent("low@example.com", "Low", team, world.admin, languages=("el",), skills={"billing": 1})
    mid = agent("mid@example.com", "Maria", team, world.admin, languages=("el",), skills={"billing": 3})
    top = agent("top@example.com", "Eleni", team, world.admin, languages=("el", "en"), skills={"billing": 4})
    agent("en@example.com", "English", team, world.admin, languages=("en",), skills={"billing": 5})
    ticket = world.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(detected_language="el")
    actions.set_ticket_requirement(ticket, skills=[Skill.objects.get(name="billing")], language="", actor=world.agent)
    decision = actions.route_ticket(ticket)
    assert decision.assignee == top
    assert decision.reasons == ["language_match", "skill_match", "best_skills"]
    assert decision.text == "Assigned to Eleni: language: Greek, skills: billing 4/5, load 0/10, best skill match"
    assert routed(ticket)[-1].data["skills"] == {"billing": 4}
    # the next one goes to the best of those left with capacity: Eleni is full at 1
    give(top, world.admin, languages=("el", "en"), skills={"billing": 4}, capacity={"tickets": 1})
    other = world.ticket()
    Ticket.objects.filter(pk=other.pk).update(detected_language="el")
    actions.set_ticket_requirement(other, skills=[Skill.objects.get(name="billing")], language="", actor=world.agent)
    assert actions.route_ticket(other).assignee == mid


def test_the_requirements_language_overrides_the_detected_one(world: Any, team: Any) -> None:
    team_routing(team, world.admin, use_language=True)
    agent("el@example.com", "Eleni", team, world.admin, languages=("el",))
    fi = agent("fi@example.com", "Aino", team, world.admin, languages=("fi",))
    ticket = world.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(detected_language="el")
    actions.set_ticket_requirement(ticket, skills=[], language="fi", actor=world.agent)
    decision = actions.route_ticket(ticket)
    assert decision.assignee == fi
    assert decision.text == "Assigned to Aino: language: Finnish, load 0/10, round-robin turn"
    assert [e.kind for e in routed(ticket)] == ["routing.requirement_changed", "routing.assigned"]
    assert routed(ticket)[0].data == {"skills": [], "language": "fi"}


def test_fallback_to_the_whole_team_after_the_timeout(world: Any, team: Any) -> None:
    team_routing(team, world.admin, use_language=True, fallback_seconds=600)
    with time_machine.travel(START, tick=False):
        en = agent("en@example.com", "Ed", team, world.admin, languages=("en",))
        ticket = world.ticket()
        Ticket.objects.filter(pk=ticket.pk).update(detected_language="el")
        decision = actions.route_ticket(ticket)
    assert decision.reasons == ["no_language"]
    wait = RoutingWait.objects.get(ticket=ticket)
    assert (wait.waiting_since, wait.fallback_at, wait.language) == (START, START + timedelta(minutes=10), "el")
    assert routed(ticket)[0].data == {
        "team": team.pk,
        "strategy": "round_robin",
        "why": "no_language",
        "language": "el",
        "fallback_at": "2027-03-03T09:10:00+00:00",
    }
    with time_machine.travel(START + timedelta(minutes=9, seconds=59), tick=False):
        assert actions.route_all_waiting() == 0
        assert actions.route_ticket(ticket).assignee is None
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        assert actions.route_all_waiting() == 1
    ticket.refresh_from_db()
    assert ticket.assignee == en
    last = routed(ticket)[-1]
    assert (last.data["reasons"], last.data["fallback"], last.data["language"]) == (
        ["fallback", "round_robin_turn"],
        True,
        None,
    )
    assert not RoutingWait.objects.filter(ticket=ticket).exists()
    with translation.override("en"):
        assert actions.route_ticket(ticket).reasons == ["not_routable"]


def test_manual_teams_assigned_solved_and_chat_tickets_are_not_routed(world: Any, team: Any) -> None:
    agent("anna@example.com", "Anna", team, world.admin)
    manual = world.ticket(team=world.billing)
    assert actions.route_ticket(manual) == actions.Decision(None, ["manual"], "")
    assigned = world.ticket(assignee=world.agent)
    assert actions.route_ticket(assigned).reasons == ["not_routable"]
    solved = world.ticket()
    ticket_actions.change_status(solved, status=TicketStatus.objects.get(name="Solved"), actor=None)
    assert actions.route_ticket(solved).reasons == ["not_routable"]
    chat = world.ticket(channel=Ticket.Channel.CHAT)
    assert actions.route_ticket(chat).reasons == ["not_routable"]
    assert TicketEvent.objects.filter(kind__startswith="routing.").count() == 0


def test_sentences_in_five_languages(world: Any, team: Any) -> None:
    agent("eleni@example.com", "Eleni", team, world.admin, languages=("el",), capacity={"tickets": 5})
    team_routing(team, world.admin, use_language=True)
    ticket = world.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(detected_language="el")
    actions.route_ticket(ticket)
    event = routed(ticket)[-1]
    from opsdesk.tickets import events

    names = {"user": {event.data["assignee"]: "Eleni"}}
    texts = {}
    for code in ("en", "fi", "sv", "ru", "el"):
        with translation.override(code):
            texts[code] = events.render(event.kind, event.data, names)
    assert texts == {
        "en": "Assigned to Eleni: language: Greek, load 0/5, round-robin turn",
        "fi": "Määritetty: Eleni – kieli: kreikka, kuorma 0/5, vuorottelun vuoro",
        "sv": "Tilldelat: Eleni – språk: grekiska, belastning 0/5, turordning",
        "ru": "Назначено: Eleni — язык: греческий, нагрузка 0/5, очередь по кругу",
        "el": "Ανατέθηκε: Eleni — γλώσσα: ελληνικά, φόρτος 0/5, σειρά εναλλαγής",
    }
