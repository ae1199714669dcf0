"""The demo's bulk call rows are the rows the telephony webhook writes for the same finished call without a ticket,
and the demo's queues forecast from them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from django.forms.models import model_to_dict

from opsdesk.messaging.actions import calls as call_actions
from opsdesk.messaging.actions import telephony
from opsdesk.messaging.models import CallRecord
from opsdesk.workforce import demo
from opsdesk.workforce.models import AgentState, Shift

SKIPPED = {"id", "external_id", "created_at", "updated_at"}


def test_a_bulk_demo_call_is_the_row_the_webhook_writes(world: Any) -> None:
    line = demo.LINES[0]
    provider, _secret = telephony.create_provider(name="Line", slug="line", team=world.support, actor=world.admin)
    rows = list(
        demo.calls(
            line,
            provider=provider,
            team=world.support,
            agents=[world.agent.pk],
            first=date(2026, 11, 2),
            days=2,
            rng=random.Random(3),
        )
    )
    answered = next(r for r in rows if r.outcome == "answered")
    abandoned = next(r for r in rows if r.outcome == "abandoned")
    CallRecord.objects.bulk_create([answered, abandoned])
    for bulk in (answered, abandoned):
        given = {
            "direction": bulk.direction,
            "from_number": bulk.from_number,
            "to_number": bulk.to_number,
            "offered_at": bulk.offered_at,
            "answered_at": bulk.answered_at,
            "ended_at": bulk.ended_at,
            "outcome": bulk.outcome,
            "queue": bulk.queue,
        }
        posted, created = call_actions.receive_call(
            provider,
            external_id=f"posted-{bulk.external_id}",
            given=given,
            agent_email=world.agent.email if bulk.agent_id else "",
        )
        assert created
        stored = CallRecord.objects.get(pk=bulk.pk)
        expected = {k: v for k, v in model_to_dict(posted).items() if k not in SKIPPED}
        assert {k: v for k, v in model_to_dict(stored).items() if k not in SKIPPED} == expected


def test_the_demo_seeds_lines_calls_and_queues_in_their_zones(world: Any) -> None:
    from opsdesk.people import actions as people_actions

    finnish = world.billing  # the world's Finnish-speaking team
    greek = people_actions.save_team(None, name="Greek", languages=["el"], actor=world.admin)
    made = demo.seed_workforce(actor=world.admin, rng=random.Random(1), now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    queues = {q.team_id: q for q in made["queues"]}
    assert set(queues) == {finnish.pk, greek.pk}
    assert queues[greek.pk].calendar.time_zone == "Europe/Athens"
    assert queues[greek.pk].calendar.holidays.filter(day=date(2026, 10, 28)).exists()  # Ohi Day: left out of history
    assert queues[finnish.pk].calendar.holidays.filter(day=date(2026, 10, 31)).exists()  # All Saints' Day
    assert queues[finnish.pk].channel_group == "phone" and queues[finnish.pk].interval_minutes == 30
    assert made["calls"] == CallRecord.objects.count() > 5000
    # the Finnish team's one agent: four weeks of a 5-day rotation, published; today's states up to noon
    assert made["shifts"] == 20 == Shift.objects.filter(agent=world.other_agent, published_at__isnull=False).count()
    today = AgentState.objects.filter(agent=world.other_agent, start__date=date(2026, 11, 25))
    assert today.exists() and today.filter(state="available").exists()
    first = CallRecord.objects.filter(team=finnish).order_by("offered_at").first()
    assert first is not None and first.offered_at >= datetime(2026, 9, 1, 21, tzinfo=UTC)  # 2 Sep local, 12 weeks
