"""Drawing a week's QA sample (METRICS.md §5): the eligible tickets of the cycle and their reviewees, the random
quota per agent with the cycle's stored seed (quality/sampling.py), targeted pools each tagged with its reason, and
the reviewers given the tickets with their workload balanced."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.quality import sampling
from opsdesk.quality.actions import is_negative
from opsdesk.quality.models import Review, SampleCycle, SampleItem, Scorecard, SurveyRequest
from opsdesk.tickets import categories
from opsdesk.tickets.models import Message, Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

RANDOM = "random"
BAD_CSAT = "bad_csat"
MANY_REPLIES = "many_replies"
REASONS = (RANDOM, BAD_CSAT, MANY_REPLIES)
MANY = 4  # agent replies that make a conversation worth a look (§5: ≥ 4)
MAX_QUOTA = 50


def window(starts: date, zone: str) -> tuple[datetime, datetime]:
    """The cycle's week, midnight to midnight in the desk's zone."""
    tz = ZoneInfo(zone)
    begin = datetime.combine(starts, time.min, tzinfo=tz)
    return begin, datetime.combine(starts + timedelta(days=7), time.min, tzinfo=tz)


def eligible(scorecard: Scorecard, begin: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """Ticket id → (reviewee, the reviewee's public replies): solved or closed in the window, not merged, at least
    one public reply by an agent, not yet reviewed on this scorecard; on a team's scorecard, that team's tickets."""
    tickets = Ticket.objects.filter(
        status_category__in=categories.DONE, solved_at__gte=begin, solved_at__lt=end, merged_into__isnull=True
    ).exclude(pk__in=Review.objects.filter(scorecard=scorecard).values("ticket_id"))
    if scorecard.team_id:
        tickets = tickets.filter(team_id=scorecard.team_id)
    replies: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    rows = Message.objects.filter(
        ticket__in=tickets.values("pk"),
        visibility=Message.Visibility.PUBLIC,
        author_role=Message.AuthorRole.AGENT,
        author_user__isnull=False,
    ).values_list("ticket_id", "author_user_id", "created_at")
    for ticket_id, agent, at in rows.iterator(chunk_size=5000):
        replies[ticket_id].append((agent, at))
    found: dict[int, tuple[int, int]] = {}
    for ticket_id, theirs in replies.items():
        reviewee = sampling.reviewee(theirs)
        if reviewee is not None:
            found[ticket_id] = (reviewee, sum(1 for who, _at in theirs if who == reviewee))
    return found


def draw_sample(
    scorecard: Scorecard,
    *,
    starts: date,
    actor: User,
    reviewers: Sequence[User],
    quota: int = sampling.DEFAULT_QUOTA,
    zone: str = "Europe/Helsinki",
) -> SampleCycle:
    """The week's sample of `scorecard`: drawn once and stored; drawing the same week again returns it unchanged."""
    require(actor, Capability.REVIEW_QUALITY)
    if not 0 < quota <= MAX_QUOTA:
        raise ActionError("invalid_quota", _("Draw 1 to 50 tickets per agent."), field="quota", status=422)
    if not reviewers or any(not can(r, Capability.REVIEW_QUALITY) for r in reviewers):
        raise ActionError("invalid_reviewers", _("Choose reviewers who may review."), field="reviewers", status=422)
    with transaction.atomic():
        existing = SampleCycle.objects.filter(scorecard=scorecard, starts=starts).first()
        if existing is not None:
            return existing
        begin, end = window(starts, zone)
        found = eligible(scorecard, begin, end)
        cycle = SampleCycle.objects.create(
            scorecard=scorecard,
            starts=starts,
            ends=starts + timedelta(days=7),
            seed=secrets.randbits(48),
            quota=quota,
            created_by=actor,
        )
        by_agent: dict[int, list[int]] = defaultdict(list)
        for ticket_id, (agent, _count) in found.items():
            by_agent[agent].append(ticket_id)
        drawn = sampling.draw(by_agent, quota=quota, seed=cycle.seed)
        picked: dict[int, str] = {ticket_id: RANDOM for tickets in drawn.values() for ticket_id in tickets}
        bad = SurveyRequest.objects.filter(ticket_id__in=list(found), rating__isnull=False).values_list(
            "ticket_id", "kind", "scale", "rating"
        )
        for ticket_id, kind, scale, rating in bad:
            if kind == "csat" and rating is not None and is_negative(kind, scale, rating):
                picked.setdefault(ticket_id, BAD_CSAT)
        for ticket_id, (_agent, count) in found.items():
            if count >= MANY:
                picked.setdefault(ticket_id, MANY_REPLIES)
        load = dict(
            SampleItem.objects.filter(reviewer__in=reviewers, review__isnull=True)
            .values_list("reviewer")
            .annotate(n=Count("pk"))
            .values_list("reviewer", "n")
        )
        queue = {reviewer.pk: load.get(reviewer.pk, 0) for reviewer in reviewers}
        items = []
        # tickets of agents who are also reviewers first: they have fewer reviewers to go to, and the rest evens out
        for ticket_id in sorted(picked, key=lambda pk: (found[pk][0] not in queue, pk)):
            agent = found[ticket_id][0]
            # the least loaded reviewer who is not the agent (ties: the lowest id); nobody reviews their own work
            options = [pk for pk in sorted(queue) if pk != agent]
            reviewer = min(options, key=lambda pk: queue[pk]) if options else None
            if reviewer is not None:
                queue[reviewer] += 1
            items.append(
                SampleItem(
                    cycle=cycle, ticket_id=ticket_id, agent_id=agent, reason=picked[ticket_id], reviewer_id=reviewer
                )
            )
        SampleItem.objects.bulk_create(items, batch_size=1000)
        audit.record(
            actor=actor,
            verb="sample.drawn",
            target=cycle,
            data={"scorecard": scorecard.pk, "starts": starts.isoformat(), "tickets": len(items), "quota": quota},
        )
        return cycle


def queue_of(user: User) -> list[SampleItem]:
    """The sampled tickets given to `user` that still wait for their review."""
    return list(
        SampleItem.objects.filter(reviewer=user, review__isnull=True)
        .filter(~Q(cycle__scorecard__is_active=False))
        .select_related("ticket", "agent", "cycle__scorecard")
        .order_by("cycle__starts", "ticket_id")[:200]
    )
