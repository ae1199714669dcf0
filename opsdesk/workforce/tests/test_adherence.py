"""Agent states from the workspace and the channels, adherence live and per day, and routing offering work only to
agents on shift."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.messaging.models import CallRecord
from opsdesk.routing.actions import presence
from opsdesk.workforce import adherence, availability, states
from opsdesk.workforce.actions import schedules
from opsdesk.workforce.actions import states as state_actions
from opsdesk.workforce.models import AgentState

SHIFT_START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 08:00 Helsinki


def at(minutes: float) -> datetime:
    return SHIFT_START + timedelta(minutes=minutes)


@pytest.fixture
def shift(world: Any) -> Any:
    template = schedules.save_template(
        None,
        name="Morning",
        start_minute=480,
        minutes=480,
        activities=[{"activity": "break", "offset": 120, "minutes": 15}],
        actor=world.manager,
    )
    placed = schedules.place_shift(world.agent, day=date(2026, 12, 1), template=template, actor=world.manager)
    schedules.publish([world.agent], start=at(-60), end=at(600), actor=world.manager)
    return placed


def test_presence_changes_become_state_spans_once(world: Any) -> None:
    with time_machine.travel(at(0), tick=False):
        presence.set_presence(world.agent, presence="online", actor=world.agent)
        presence.set_presence(world.agent, presence="online", actor=world.agent)
    with time_machine.travel(at(30), tick=False):
        state_actions.choose(world.agent, state="lunch", actor=world.agent)
        presence.set_presence(world.agent, presence="away", actor=world.agent)  # away keeps the chosen lunch
    with time_machine.travel(at(60), tick=False):
        presence.set_presence(world.agent, presence="offline", actor=world.agent)
    rows = list(AgentState.objects.filter(agent=world.agent).values_list("state", "start", "end"))
    assert rows == [("available", at(0), at(30)), ("lunch", at(30), at(60)), ("offline", at(60), None)]


def test_idle_agents_going_away_and_offline_are_recorded(world: Any, settings: Any) -> None:
    with time_machine.travel(at(0), tick=False):
        presence.set_presence(world.agent, presence="online", actor=world.agent)
    presence.expire_idle(now=at(settings.OPSDESK_ROUTING_AWAY_SECONDS / 60 + 1))
    assert AgentState.objects.get(agent=world.agent, end__isnull=True).state == "break"


def test_contacts_and_after_contact_work_are_read_from_the_channels(world: Any, settings: Any) -> None:
    settings.OPSDESK_ACW_SECONDS = 120
    state_actions.record(world.agent.pk, "available", at=at(0))
    CallRecord.objects.create(
        direction="inbound",
        agent=world.agent,
        offered_at=at(9),
        answered_at=at(10),
        ended_at=at(15),
        outcome="answered",
    )
    found = states.timelines([world.agent.pk], at(0), at(30))[world.agent.pk]
    assert found == [
        ("available", at(0), at(10)),
        ("on_contact", at(10), at(15)),
        ("acw", at(15), at(17)),
        ("available", at(17), at(30)),
    ]


def test_adherence_live_names_who_is_out_of_adherence(world: Any, shift: Any) -> None:
    state_actions.record(world.agent.pk, "available", at=at(0.5))
    state_actions.record(world.agent.pk, "break", at=at(120))
    state_actions.record(world.agent.pk, "available", at=at(140))  # five minutes late back
    now = at(138)
    [late] = adherence.live([world.agent.pk], now, "Europe/Helsinki")
    assert (late.planned, late.actual, late.adhering) == ("work", "break", False)
    assert late.since == at(135)
    # planned 138 min: 120 work + 15 break + 3 work; 3 minutes on break instead of work, all else adhering
    assert late.adherence == pytest.approx((138 * 60 - 120) / (138 * 60))
    on_time = adherence.live([world.agent.pk], at(141), "Europe/Helsinki")[0]
    assert on_time.adhering and on_time.actual == "available"
    graced = adherence.live([world.agent.pk], at(135.5), "Europe/Helsinki")[0]
    assert graced.adhering  # within the minute's grace after the break ended


def test_the_week_shows_adherence_and_conformance_per_day(world: Any, shift: Any) -> None:
    state_actions.record(world.agent.pk, "available", at=at(0))
    state_actions.record(world.agent.pk, "break", at=at(120))
    state_actions.record(world.agent.pk, "available", at=at(135))
    state_actions.record(world.agent.pk, "offline", at=at(420))  # left an hour early
    found = adherence.week([world.agent.pk], date(2026, 11, 30), "Europe/Helsinki", now=at(24 * 60))
    days = found[world.agent.pk]
    assert days[0] == (None, None)  # Monday: no shift
    adherence_pct, conformance = days[1]
    assert adherence_pct == pytest.approx(420 / 480)
    assert conformance == pytest.approx(405 / 465)


def test_routing_offers_work_only_to_agents_on_shift(world: Any, shift: Any) -> None:
    assert availability.off_shift([world.agent.pk], at(60)) == set()
    assert availability.off_shift([world.agent.pk], at(125)) == {world.agent.pk}  # on break
    assert availability.off_shift([world.agent.pk], at(-30)) == {world.agent.pk}  # before the shift
    assert availability.off_shift([world.other_agent.pk], at(60)) == set()  # not scheduled: routed as before


def test_routing_skips_an_online_agent_on_a_break(world: Any, shift: Any) -> None:
    from opsdesk.routing.actions.assign import route_ticket
    from opsdesk.routing.tests.factories import team_routing

    team_routing(world.support, world.admin)
    with time_machine.travel(at(125), tick=False):
        presence.set_presence(world.agent, presence="online", actor=world.agent)
        ticket = world.ticket()
        decision = route_ticket(ticket, now=at(125))
    assert decision.assignee is None or decision.assignee.pk != world.agent.pk
    with time_machine.travel(at(60), tick=False):
        later = world.ticket(subject="Later")
        found = route_ticket(later, now=at(60))
    assert found.assignee is not None and found.assignee.pk == world.agent.pk


def test_the_lead_sees_their_teams_adherence_page(world: Any, shift: Any) -> None:
    client = Client()
    client.force_login(world.lead)
    with time_machine.travel(at(60), tick=False):
        page = client.get(reverse("workforce:adherence"))
        assert page.status_code == 200
        assert "Alice Agent" in page.content.decode()
        assert client.get(reverse("workforce:adherence"), {"team": world.billing.pk}).status_code == 404
    agent = Client()
    agent.force_login(world.agent)
    assert agent.get(reverse("workforce:adherence")).status_code == 403


def test_the_agent_chooses_lunch_and_routing_stops_offering_work(world: Any) -> None:
    from opsdesk.routing.models import AgentProfile

    client = Client()
    client.force_login(world.agent)
    page = client.get(reverse("workforce:my_schedule")).content.decode()
    assert 'name="state" value="lunch"' in page
    assert client.post(reverse("workforce:my_state"), {"state": "lunch"}).status_code == 302
    assert AgentState.objects.get(agent=world.agent, end__isnull=True).state == "lunch"
    assert AgentProfile.objects.get(user=world.agent).presence == "away"
    assert client.post(reverse("workforce:my_state"), {"state": "available"}).status_code == 302
    assert AgentState.objects.get(agent=world.agent, end__isnull=True).state == "available"
    assert AgentProfile.objects.get(user=world.agent).presence == "online"
    assert client.post(reverse("workforce:my_state"), {"state": "on_contact"}).status_code == 400
