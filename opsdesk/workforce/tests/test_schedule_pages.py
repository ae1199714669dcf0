"""The schedule pages: a planner makes a template and a rotation, places the rotation for a Finnish and a Greek team,
sees coverage against a staffing plan change when a shift is moved, publishes; the agent sees their week in their own
zone and its iCalendar file, asks for time off, which the planner approves."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from opsdesk.people import actions as people_actions
from opsdesk.workforce.actions import forecasts, plans, schedules
from opsdesk.workforce.models import Forecast, Rotation, Shift, ShiftTemplate, TimeOff

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def greek(world: Any) -> Any:
    team = people_actions.save_team(None, name="Greek", languages=["el"], actor=world.admin)
    world.other_agent.time_zone = "Europe/Athens"
    world.other_agent.save(update_fields=["time_zone"])
    people_actions.set_membership(team, user=world.other_agent, member=True, actor=world.admin)
    return team


def test_templates_and_rotations_are_made_from_their_forms(world: Any) -> None:
    client = signed_in(world.manager)
    response = client.post(
        reverse("workforce:template_list"),
        {"name": "Morning", "start": "08:00", "minutes": "480", "activities": "lunch 4:00 30\nbreak 2:00 15"},
    )
    assert response.status_code == 302
    morning = ShiftTemplate.objects.get()
    assert (morning.start_minute, morning.minutes) == (480, 480)
    assert morning.activities == [
        {"activity": "break", "offset": 120, "minutes": 15},
        {"activity": "lunch", "offset": 240, "minutes": 30},
    ]
    bad = client.post(
        reverse("workforce:template_list"),
        {"name": "Bad", "start": "08:00", "minutes": "480", "activities": "lunch 7:50 30"},
    )
    assert bad.status_code == 422
    assert bad.context["form"].errors["activities"] == ["Each activity must end by the end of the shift."]
    rotation = client.post(
        reverse("workforce:template_list"),
        {"rotation-name": "Weekdays", "rotation-weeks": "Morning, morning, Morning, Morning, Morning, -, -"},
    )
    assert rotation.status_code == 302
    assert Rotation.objects.get().weeks == [[morning.pk] * 5 + [None, None]]
    unknown = client.post(
        reverse("workforce:template_list"), {"rotation-name": "X", "rotation-weeks": "Evening, -, -, -, -, -, -"}
    )
    assert unknown.status_code == 422 and "no template is called “Evening”" in unknown.content.decode()


def plan_for(world: Any, team: Any) -> Any:
    """A ready forecast and plan for the team's phone queue, built as the pages do, needing 1 agent 08–16 Helsinki."""
    queue = forecasts.create_queue(
        name=f"{team.name} phone",
        team=team,
        channel_group="phone",
        calendar=None,
        interval_minutes=60,
        actor=world.manager,
    )
    with time_machine.travel(NOW, tick=False):
        forecast = forecasts.request_forecast(queue, first_day=date(2026, 11, 30), days=7, actor=world.manager)
    Forecast.objects.filter(pk=forecast.pk).update(
        state="ready", model="seasonal_naive", values=([0.0] * 8 + [3.0] * 8 + [0.0] * 8) * 7
    )
    forecast.refresh_from_db()
    return plans.create(
        forecast,
        name="Plan",
        method="erlang_c",
        aht_seconds=600,
        service_level=Decimal(80),
        target_seconds=3600,
        shrinkage=Decimal(0),
        actor=world.manager,
    )


def test_the_week_shows_each_agent_in_their_zone_and_coverage_follows_a_moved_shift(world: Any, greek: Any) -> None:
    morning = schedules.save_template(
        None, name="Morning", start_minute=480, minutes=480, activities=[], actor=world.manager
    )
    rotation = schedules.save_rotation(name="Weekdays", weeks=[[morning.pk] * 5 + [None, None]], actor=world.manager)
    plan = plan_for(world, greek)
    assert plan.required[8:16] == [1] * 8
    client = signed_in(world.manager)
    url = reverse("workforce:schedule_week") + f"?team={greek.pk}&week=2026-11-30"
    response = client.post(
        reverse("workforce:rotation_apply"),
        {"team": greek.pk, "rotation": rotation.pk, "first_monday": "2026-11-30", "weeks": "1", "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    assert Shift.objects.filter(agent=world.other_agent).count() == 5
    page = client.get(url)
    body = page.content.decode()
    assert "Europe/Athens" in body and "08:00–16:00" in body  # the agent's own clock (Athens)
    short = page.context["coverage"].under_hours
    # Athens 08–16 is Helsinki 08–16 too (both UTC+2 in winter): weekdays covered, the weekend short
    assert short == pytest.approx(16.0)
    monday = Shift.objects.filter(agent=world.other_agent).order_by("start")[0]
    moved = client.post(reverse("workforce:shift_move", args=[monday.pk]), {"day": "2026-12-05", "next": url})
    assert moved.status_code == 302
    after = client.get(url).context["coverage"]
    assert after.under_hours == pytest.approx(16.0)  # Monday now short, Saturday covered
    assert after.days[0] == pytest.approx(8.0) and after.days[5] == pytest.approx(0.0)
    publish = client.post(reverse("workforce:schedule_publish"), {"team": greek.pk, "week": "2026-11-30", "next": url})
    assert publish.status_code == 302
    assert Shift.objects.filter(published_at__isnull=True).count() == 0


def test_the_agent_sees_their_published_week_and_its_calendar_file(world: Any, greek: Any) -> None:
    morning = schedules.save_template(
        None,
        name="Morning",
        start_minute=480,
        minutes=480,
        activities=[{"activity": "lunch", "offset": 240, "minutes": 30}],
        actor=world.manager,
    )
    with time_machine.travel(NOW, tick=False):
        shift = schedules.place_shift(world.other_agent, day=date(2026, 11, 26), template=morning, actor=world.manager)
        schedules.publish([world.other_agent], start=NOW, end=datetime(2026, 12, 1, tzinfo=UTC), actor=world.manager)
        client = signed_in(world.other_agent)
        page = client.get(reverse("workforce:my_schedule")).content.decode()
        feed = client.get(reverse("workforce:my_schedule_ics"))
    assert "08:00–16:00" in page and "Europe/Athens" in page
    assert feed["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk() if c.name == "VEVENT"]
    assert len(events) == 1
    assert events[0].decoded("dtstart") == shift.start
    assert "12:00–12:30" in str(events[0].get("description"))


def test_time_off_is_asked_by_the_agent_and_decided_by_a_planner(world: Any) -> None:
    agent = signed_in(world.agent)
    asked = agent.post(
        reverse("workforce:my_schedule"), {"start": "2026-12-21 08:00", "end": "2026-12-23 17:00", "reason": "Trip"}
    )
    assert asked.status_code == 302
    request = TimeOff.objects.get()
    skipped = agent.post(
        reverse("workforce:my_schedule"), {"start": "2027-03-28 03:30", "end": "2027-03-28 09:00", "reason": ""}
    )
    assert skipped.status_code == 422 and skipped.context["form"].errors["start"]
    planner = signed_in(world.manager)
    assert "Trip" in planner.get(reverse("workforce:time_off_list")).content.decode()
    bad = planner.post(reverse("workforce:time_off_decide", args=[request.pk]), {"decision": "maybe"})
    assert bad.status_code == 400
    assert (
        planner.post(reverse("workforce:time_off_decide", args=[request.pk]), {"decision": "approve"}).status_code
        == 302
    )
    assert TimeOff.objects.get().state == "approved"


def test_schedule_pages_are_for_planners_and_my_schedule_for_agents(world: Any) -> None:
    assert signed_in(world.agent).get(reverse("workforce:schedule_week")).status_code == 403
    assert signed_in(world.agent).get(reverse("workforce:my_schedule")).status_code == 200
    assert signed_in(world.light_agent).get(reverse("workforce:my_schedule")).status_code == 403
    assert signed_in(world.manager).get(reverse("workforce:schedule_week")).status_code == 200
