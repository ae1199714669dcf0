"""Breach prediction: the Poisson tail on hand-worked numbers, and a team's queue from real tickets."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from opsdesk.sla import prediction
from opsdesk.tickets import actions
from opsdesk.tickets.models import Ticket

NOW = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


def test_breach_probability_is_the_poisson_tail() -> None:
    # nobody ahead, one service expected before the deadline: P(no service) = e^-1
    assert math.isclose(prediction.breach_probability(0, 600, 1 / 600), math.exp(-1))
    # two ahead, mean 2: P(N <= 2) = e^-2 (1 + 2 + 2)
    assert math.isclose(prediction.breach_probability(2, 1200, 1 / 600), 5 * math.exp(-2))
    assert prediction.breach_probability(3, 0, 1.0) == 1.0  # past its deadline
    assert prediction.breach_probability(0, 600, 0.0) == 1.0  # nobody on duty
    assert prediction.breach_probability(5000, 10**7, 1.0) < 1e-12  # no overflow on a long queue


def test_more_agents_on_duty_lower_the_risk() -> None:
    one = prediction.breach_probability(4, 3600, prediction.Pace(1, 900, 10).rate)
    three = prediction.breach_probability(4, 3600, prediction.Pace(3, 900, 10).rate)
    assert three < one


def test_a_teams_queue_is_ranked_by_risk(world: Any) -> None:
    team = world.support
    made = []
    for minutes in (30, 10, 240):
        ticket = actions.create_ticket(subject=f"T{minutes}", body="x", actor=None, requester_email="eve@example.com")
        Ticket.objects.filter(pk=ticket.pk).update(team=team, sla_deadline_at=NOW + timedelta(minutes=minutes))
        made.append(ticket.pk)
    with time_machine.travel(NOW - timedelta(minutes=20), tick=False):
        actions.reply_to_ticket(Ticket.objects.get(pk=made[2]), body="On it", actor=world.agent)
    pace = prediction.team_pace(team.pk, NOW)
    assert (pace.agents_on_duty, pace.replies) == (1, 1)
    assert pace.handle_seconds == 3600.0  # one active agent-hour, one public reply
    risks = prediction.queue_risks(team.pk, NOW, pace=pace)
    assert [r.ticket_id for r in risks] == [made[0], made[1], made[2]]
    assert [r.ahead for r in risks] == [1, 0, 2]
    assert math.isclose(risks[0].probability, math.exp(-0.5) * 1.5)  # λ = 30 min at one an hour, one ahead


def test_the_risk_page_ranks_a_team_the_agent_belongs_to(client: Any, world: Any) -> None:
    ticket = actions.create_ticket(subject="Overdue one", body="x", actor=None, requester_email="eve@example.com")
    Ticket.objects.filter(pk=ticket.pk).update(team=world.support, sla_deadline_at=datetime(2020, 1, 1, tzinfo=UTC))
    client.force_login(world.agent)
    page = client.get("/sla/risk/")
    assert page.status_code == 200
    assert page.context["team"] == world.support
    assert [(row["ticket"].pk, row["percent"]) for row in page.context["rows"]] == [(ticket.pk, "100 %")]
    assert client.get(f"/sla/risk/?team={world.billing.pk}").status_code == 400  # not one of the agent's teams
    assert client.get("/sla/risk/?team=x").status_code == 400


def test_percentages_never_round_a_chance_to_certainty() -> None:
    from opsdesk.sla.queue_views import percent_text

    assert [percent_text(p) for p in (0.0, 0.001, 0.37, 0.996, 1.0)] == ["0 %", "< 1 %", "37 %", "> 99 %", "100 %"]
