"""Presence: set by hand, kept by activity (the middleware, at most once a minute), moved to away and offline when
idle by the minutely job; coming online routes the team's waiting tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.core.errors import ActionError
from opsdesk.routing import actions, middleware, tasks
from opsdesk.routing.models import AgentProfile
from opsdesk.routing.tests.factories import team_routing

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


def presence(user: Any) -> tuple[str, bool]:
    profile = AgentProfile.objects.get(user=user)
    return profile.presence, profile.presence_by_hand


def test_by_hand_away_is_not_undone_by_activity(world: Any) -> None:
    actions.set_presence(world.agent, presence="away", actor=world.agent)
    actions.record_activity(world.agent)
    assert presence(world.agent) == ("away", True)
    actions.set_presence(world.agent, presence="online", actor=world.agent)
    assert presence(world.agent) == ("online", True)


def test_activity_brings_an_agent_online_and_light_agents_get_no_profile(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        actions.record_activity(world.agent)
        actions.record_activity(world.light_agent)
    profile = AgentProfile.objects.get(user=world.agent)
    assert (profile.presence, profile.presence_by_hand, profile.last_active_at, profile.presence_changed_at) == (
        "online",
        False,
        START,
        START,
    )
    assert not AgentProfile.objects.filter(user=world.light_agent).exists()


def test_others_presence_is_for_routing_managers(world: Any) -> None:
    actions.set_presence(world.agent, presence="offline", actor=world.manager)
    assert presence(world.agent) == ("offline", True)
    with pytest.raises(ActionError) as refused:
        actions.set_presence(world.agent, presence="online", actor=world.lead)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionError) as bad:
        actions.set_presence(world.agent, presence="busy", actor=world.agent)
    assert (bad.value.code, bad.value.field) == ("invalid_presence", "presence")
    with pytest.raises(ActionError) as light:
        actions.set_presence(world.light_agent, presence="online", actor=world.light_agent)
    assert light.value.code == "not_assignable"
    assert presence(world.agent) == ("offline", True)


def test_idle_agents_go_away_after_ten_minutes_and_offline_after_thirty(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        actions.record_activity(world.agent)
        actions.set_presence(world.lead, presence="away", actor=world.lead)
    with time_machine.travel(START + timedelta(minutes=9, seconds=59), tick=False):
        tasks.routing_minutely.call_local()
    assert (presence(world.agent), presence(world.lead)) == (("online", False), ("away", True))
    with time_machine.travel(START + timedelta(minutes=10, seconds=1), tick=False):
        tasks.routing_minutely.call_local()
    assert (presence(world.agent), presence(world.lead)) == (("away", False), ("away", True))
    with time_machine.travel(START + timedelta(minutes=30, seconds=1), tick=False):
        tasks.routing_minutely.call_local()
    assert (presence(world.agent), presence(world.lead)) == (("offline", False), ("offline", False))
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        actions.record_activity(world.lead)  # no longer held by hand: activity brings them back
    assert presence(world.lead) == ("online", False)


def test_coming_online_routes_the_teams_waiting_tickets(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    team_routing(world.support, world.admin)
    ticket = world.ticket()
    assert actions.route_ticket(ticket).reasons == ["all_offline"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_presence(world.agent, presence="online", actor=world.agent)
    ticket.refresh_from_db()
    assert ticket.assignee == world.agent


def test_the_middleware_writes_activity_at_most_once_a_minute(world: Any, client: Client, settings: Any) -> None:
    settings.OPSDESK_ROUTING_ACTIVITY_SECONDS = 60
    middleware.forget()
    client.force_login(world.agent)
    assert client.get(reverse("tickets:ticket_list")).status_code == 200
    assert presence(world.agent) == ("online", False)
    AgentProfile.objects.filter(user=world.agent).update(last_active_at=START)
    assert client.get(reverse("tickets:ticket_list")).status_code == 200
    assert AgentProfile.objects.get(user=world.agent).last_active_at == START  # within the minute: not written
    middleware.forget()
    assert client.get(reverse("tickets:ticket_list")).status_code == 200
    assert AgentProfile.objects.get(user=world.agent).last_active_at != START
