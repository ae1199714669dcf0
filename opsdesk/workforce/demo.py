"""The demo's phone history and planning queues (`opsdesk seed-demo`): the Finnish and the Greek team each answer a
phone line, with twelve weeks of inbound calls (a weekday rush at 9–11 and 13–15 local time, quiet weekends, a few
abandoned), so that a planner can forecast next month and staff it per half hour.

The lines and queues are made through the actions. The calls are bulk rows, the rows the telephony webhook
(`messaging.actions.calls.receive_call`) writes for a finished call without a ticket (a test holds them to it).
"""

from __future__ import annotations

import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.messaging.actions import telephony
from opsdesk.messaging.models import CallRecord, TelephonyProvider
from opsdesk.people.models import Team, TeamMembership
from opsdesk.sla import actions as calendar_actions
from opsdesk.sla import demo as sla_demo
from opsdesk.sla.models import BusinessCalendar
from opsdesk.workforce import series
from opsdesk.workforce.actions import budgets, forecasts, schedules
from opsdesk.workforce.actions import states as state_actions
from opsdesk.workforce.models import CostCentre, Rotation, Shift

WEEKS = 12
# calls per local hour on a Monday; the other days scale it
HOURS = [0, 0, 0, 0, 0, 0, 0, 2, 9, 16, 17, 12, 8, 13, 15, 11, 8, 5, 3, 2, 1, 1, 0, 0]
DAYS = [1.25, 1.1, 1.0, 1.0, 0.95, 0.3, 0.2]
ABANDON_SHARE = 0.06


@dataclass(frozen=True)
class Line:
    language: str
    slug: str
    name: str
    number: str
    zone: str
    scale: float  # of HOURS


LINES = [
    Line("fi", "demo-fi", "Finnish line", "+358201234567", "Europe/Helsinki", 1.0),
    Line("el", "demo-el", "Greek line", "+302101234567", "Europe/Athens", 0.6),
]
ATHENS_CALENDAR = "Athens office"
CALLER_PREFIX = {"fi": "+3584", "el": "+3069"}


def calls(
    line: Line,
    *,
    provider: TelephonyProvider,
    team: Team,
    agents: list[int],
    first: date,
    days: int,
    rng: random.Random,
) -> Iterator[CallRecord]:
    """The line's inbound calls of `days` local days from `first`, as the webhook stores a finished call."""
    zone = zoneinfo.ZoneInfo(line.zone)
    serial = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        for hour, per_hour in enumerate(HOURS):
            mean = per_hour * line.scale * DAYS[day.weekday()]
            for _ in range(_poisson(rng, mean)):
                serial += 1
                start = datetime.combine(day, time(hour), tzinfo=zone) + timedelta(seconds=rng.randrange(3600))
                offered = start.astimezone(UTC).replace(microsecond=0)
                wait = int(rng.expovariate(1 / 25))
                caller = f"{CALLER_PREFIX[line.language]}{rng.randrange(10**7, 10**8)}"
                record = CallRecord(
                    direction=CallRecord.Direction.INBOUND,
                    from_number=caller,
                    to_number=line.number,
                    offered_at=offered,
                    team=team,
                    provider=provider,
                    external_id=f"{line.slug}-{day:%Y%m%d}-{serial}",
                    queue=line.name,
                    hold_seconds=0,
                )
                if rng.random() < ABANDON_SHARE:
                    record.outcome = CallRecord.Outcome.ABANDONED
                    record.ended_at = offered + timedelta(seconds=wait + 5)
                    record.wait_seconds = wait + 5
                    record.talk_seconds = 0
                else:
                    talk = max(40, int(rng.gauss(270, 90)))
                    record.outcome = CallRecord.Outcome.ANSWERED
                    record.answered_at = offered + timedelta(seconds=wait)
                    record.ended_at = record.answered_at + timedelta(seconds=talk)
                    record.wait_seconds = wait
                    record.talk_seconds = talk
                    record.agent_id = rng.choice(agents) if agents else None
                yield record


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit = pow(2.718281828459045, -mean)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _calendar(line: Line, *, actor: User, years: range) -> BusinessCalendar:
    """The line's office calendar with its country's public holidays (the demo's Helsinki office; an Athens one)."""
    if line.zone == "Europe/Helsinki":
        calendar, _added = sla_demo.helsinki_calendar(actor=actor)
        return calendar
    found = BusinessCalendar.objects.filter(name=ATHENS_CALENDAR).first()
    if found is not None:
        return found
    calendar = calendar_actions.save_calendar(
        None, name=ATHENS_CALENDAR, time_zone=line.zone, always_open=True, weekly=[[] for _ in range(7)], actor=actor
    )
    for year in years:
        calendar_actions.generate_holidays(calendar, country="GR", year=year, actor=actor)
    return calendar


def seed_workforce(*, actor: User, rng: random.Random, now: datetime | None = None) -> dict[str, Any]:
    """Phone lines, twelve weeks of calls up to yesterday, an Athens calendar and the two teams' phone queues."""
    now = now or timezone.now()
    made: dict[str, Any] = {"calls": 0, "queues": []}
    for line in LINES:
        team = Team.objects.filter(languages=[line.language]).order_by("pk").first()
        if team is None:
            continue
        provider = TelephonyProvider.objects.filter(slug=line.slug).first()
        if provider is None:
            provider, _secret = telephony.create_provider(name=line.name, slug=line.slug, team=team, actor=actor)
        agents = list(TeamMembership.objects.filter(team=team, user__is_active=True).values_list("user_id", flat=True))
        today = now.astimezone(zoneinfo.ZoneInfo(line.zone)).date()
        first = today - timedelta(days=7 * WEEKS)
        rows = list(calls(line, provider=provider, team=team, agents=agents, first=first, days=7 * WEEKS, rng=rng))
        CallRecord.objects.bulk_create(rows, batch_size=2000)
        made["calls"] += len(rows)
        calendar = _calendar(line, actor=actor, years=range(first.year, today.year + 2))
        made["queues"].append(
            forecasts.create_queue(
                name=str(line.name).replace("line", "phone"),
                team=team,
                channel_group="phone",
                calendar=calendar,
                interval_minutes=30,
                actor=actor,
            )
        )
    made["shifts"] = seed_schedules(actor=actor, rng=rng, now=now)
    if not CostCentre.objects.filter(name=COST_CENTRE).exists():  # budgets are made on it (docs/samples: actuals)
        budgets.create_cost_centre(name=COST_CENTRE, code="CS-100", actor=actor)
    return made


COST_CENTRE = "Customer service"
TEMPLATES = [
    ("Morning 08–16", 480, 480),
    ("Day 10–18", 600, 480),
    ("Late 12–20", 720, 480),
]
BREAKS = [
    {"activity": "break", "offset": 120, "minutes": 15},
    {"activity": "lunch", "offset": 240, "minutes": 30},
    {"activity": "break", "offset": 360, "minutes": 15},
]


def seed_schedules(*, actor: User, rng: random.Random, now: datetime) -> int:
    """Shift templates and a weekday rotation, placed and published for the Finnish and the Greek teams for this week
    and the next three (each agent in their own zone), and today's states of those already on shift, through the
    actions, so that coverage and live adherence have something to show."""
    templates = {
        name: schedules.save_template(
            None, name=name, start_minute=start, minutes=length, activities=BREAKS, actor=actor
        )
        for name, start, length in TEMPLATES
    }
    morning, day, late = (templates[name].pk for name, _s, _l in TEMPLATES)
    rotation = schedules.save_rotation(
        name="Weekdays, two weeks",
        weeks=[[morning, morning, day, day, late, None, None], [day, day, morning, morning, late, None, None]],
        actor=actor,
    )
    placed = 0
    for line in LINES:
        team = Team.objects.filter(languages=[line.language]).order_by("pk").first()
        if team is None:
            continue
        agents = list(
            User.objects.filter(team_set=team, is_active=True, role__in=roles_with(Capability.BE_ASSIGNED)).order_by(
                "pk"
            )
        )
        if not agents:
            continue
        today = now.astimezone(zoneinfo.ZoneInfo(line.zone)).date()
        monday = today - timedelta(days=today.weekday())
        shifts = []
        for offset, agent in enumerate(agents):  # staggered: the agents do not all start the same rotation week
            shifts += schedules.apply_rotation(
                rotation if offset % 2 == 0 else _shifted(rotation, actor),
                agents=[agent],
                first_monday=monday,
                weeks=4,
                actor=actor,
            )
        start = series.local_midnight(monday, line.zone)
        placed += schedules.publish(agents, start=start, end=start + timedelta(days=28), actor=actor, notify=False)
        for shift in shifts:
            if shift.start <= now:
                _day_states(shift, rng=rng, now=now)
    return placed


def _shifted(rotation: Rotation, actor: User) -> Rotation:
    """The rotation starting at its second week (made once)."""
    name = f"{rotation.name} (from week 2)"
    found = Rotation.objects.filter(name=name).first()
    if found is not None:
        return found
    return schedules.save_rotation(name=name, weeks=rotation.weeks[1:] + rotation.weeks[:1], actor=actor)


def _day_states(shift: Shift, *, rng: random.Random, now: datetime) -> None:
    """A day's states as an agent's workspace would record them: signed in a little before or after the shift
    starts, breaks taken a few minutes early or late, signed out at the end."""
    blocks = [(a.activity, a.start, a.end) for a in shift.activities.order_by("start")]
    moments = [(shift.start + timedelta(minutes=rng.randint(-4, 3)), "available")]
    for activity, start, end in blocks:
        moments.append((start + timedelta(minutes=rng.randint(-2, 3)), activity))
        moments.append((end + timedelta(minutes=rng.randint(-1, 6)), "available"))
    moments.append((shift.end + timedelta(minutes=rng.randint(-5, 10)), "offline"))
    for moment, state in moments:
        if moment <= now:
            state_actions.record(shift.agent_id, state, at=moment)
