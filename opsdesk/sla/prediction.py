"""Breach prediction (issue 10): for each ticket of a team's queue with a clock counting, the probability that it
is still unanswered at its deadline, given the backlog ahead of it, the agents on duty and their recent pace.
Read-only. The model and its limits are in docs/adr/0022-sla-tracking-and-escalation.md.

The queue is served earliest deadline first by the team's agents on duty (staff who wrote on the team's tickets in
the last hour, until presence exists). Their recent pace is measured over the last week: agent-hours active on the
team's tickets (hours in which an agent wrote a reply or a note) divided by the public replies gives the handle
time `h` per reply, so the
queue is served at `rate = agents / h`. The number of tickets served in the `t` seconds to a ticket's deadline is
then Poisson with mean `rate * t`, and a ticket with `k` tickets ahead of it breaches when at most `k` are served:

    P(breach) = Σ_{i=0..k} e^(-λ) λ^i / i!,   λ = rate · t.

A ticket already past its deadline has probability 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour

from opsdesk.tickets import categories
from opsdesk.tickets.models import Ticket, TicketEvent

ON_DUTY_WINDOW = timedelta(hours=1)
PACE_WINDOW = timedelta(days=7)
DEFAULT_HANDLE_SECONDS = 600.0  # a team with no history yet: ten minutes a reply
QUEUE_LIMIT = 5000  # a queue longer than this is read up to its 5,000 earliest deadlines


@dataclass(frozen=True)
class Pace:
    agents_on_duty: int
    handle_seconds: float  # per public reply
    replies: int  # in the pace window, the basis of handle_seconds

    @property
    def rate(self) -> float:
        """Tickets served per second by the agents on duty."""
        return self.agents_on_duty / self.handle_seconds if self.handle_seconds > 0 else 0.0


@dataclass(frozen=True)
class Risk:
    ticket_id: int
    deadline: datetime
    ahead: int
    probability: float


def breach_probability(ahead: int, seconds_left: float, rate: float) -> float:
    """P(at most `ahead` services in `seconds_left` at `rate`): the ticket is not reached by its deadline."""
    if seconds_left <= 0:
        return 1.0
    mean = rate * seconds_left
    if mean <= 0:
        return 1.0
    # the Poisson CDF term by term in log space, so a long queue or a large mean neither under- nor overflows
    log_term = -mean
    total = math.exp(log_term)
    for i in range(1, ahead + 1):
        log_term += math.log(mean) - math.log(i)
        total += math.exp(log_term)
    return min(1.0, max(0.0, total))


def team_pace(team_id: int, now: datetime) -> Pace:
    # comments only: their (kind, at) index finds a week of them without reading the team's whole history
    team_events = TicketEvent.objects.filter(kind="comment.added", actor_role="agent", ticket__team_id=team_id)
    on_duty = (
        team_events.filter(at__gte=now - ON_DUTY_WINDOW, at__lte=now, actor__isnull=False)
        .values("actor_id")
        .distinct()
        .count()
    )
    recent = team_events.filter(at__gte=now - PACE_WINDOW, at__lte=now, actor__isnull=False)
    agent_hours = recent.annotate(hour=TruncHour("at")).values("actor_id", "hour").distinct().count()
    replies = recent.filter(data__visibility="public").aggregate(n=Count("id"))["n"]
    handle = agent_hours * 3600.0 / replies if replies else DEFAULT_HANDLE_SECONDS
    return Pace(agents_on_duty=on_duty, handle_seconds=handle, replies=replies)


def queue_risks(team_id: int, now: datetime, *, pace: Pace | None = None) -> list[Risk]:
    """Every unsolved ticket of the team with a clock counting, riskiest first (ties: earliest deadline)."""
    pace = pace or team_pace(team_id, now)
    rows = (
        Ticket.objects.filter(team_id=team_id, status_category__in=categories.UNSOLVED, sla_deadline_at__isnull=False)
        .order_by("sla_deadline_at", "pk")
        .values_list("pk", "sla_deadline_at")[:QUEUE_LIMIT]
    )
    queue = [(pk, deadline) for pk, deadline in rows if deadline is not None]
    risks = [
        Risk(pk, deadline, ahead, breach_probability(ahead, (deadline - now).total_seconds(), pace.rate))
        for ahead, (pk, deadline) in enumerate(queue)
    ]
    risks.sort(key=lambda r: (-r.probability, r.deadline, r.ticket_id))
    return risks
