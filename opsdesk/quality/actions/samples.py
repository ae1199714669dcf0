"""Drawing a week's QA sample (METRICS.md §5): the eligible tickets of the cycle and their reviewees, the random
quota per agent with the cycle's stored seed (quality/sampling.py), targeted pools each tagged with its reason, and
the reviewers given the tickets with their workload balanced."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.automation.actions.running import ESCALATED_TAG
from opsdesk.core.errors import ActionError
from opsdesk.quality import sampling
from opsdesk.quality.actions import is_negative
from opsdesk.quality.models import Review, SampleCycle, SampleItem, Scorecard, SurveyRequest
from opsdesk.tickets import categories, reopens
from opsdesk.tickets.models import Message, Ticket, TicketEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

RANDOM = "random"
BAD_CSAT = "bad_csat"
REOPENED = "reopened"
SLA_BREACH = "sla_breach"
ESCALATED = "escalated"
MANY_REPLIES = "many_replies"
TAGGED = "tagged"
# The targeted pools of §5, in the order a ticket found in several is tagged with (its first). Handle time above
# the queue's p90 joins when handle time is recorded (work.logged, the workforce issue): docs/adr/0035.
POOLS = {
    BAD_CSAT: gettext_lazy("Bad CSAT"),
    REOPENED: gettext_lazy("Reopened after solving"),
    SLA_BREACH: gettext_lazy("SLA breached"),
    ESCALATED: gettext_lazy("Escalated"),
    MANY_REPLIES: gettext_lazy("Many replies (4 or more)"),
    TAGGED: gettext_lazy("Chosen tags"),
}
DEFAULT_POOLS = (BAD_CSAT, REOPENED, SLA_BREACH, ESCALATED, MANY_REPLIES)
REASONS = (RANDOM, *POOLS)
MANY = 4  # agent replies that make a conversation worth a look (§5: ≥ 4)
MAX_QUOTA = 50
MAX_TAGS = 20
IN_CHUNK = 900  # ids per IN (…) list


def window(starts: date, zone: str) -> tuple[datetime, datetime]:
    """The cycle's week, midnight to midnight in the desk's zone."""
    tz = ZoneInfo(zone)
    begin = datetime.combine(starts, time.min, tzinfo=tz)
    return begin, datetime.combine(starts + timedelta(days=7), time.min, tzinfo=tz)


def eligible(scorecard: Scorecard, begin: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """Ticket id → (reviewee, the reviewee's public replies): solved or closed in the window, not merged, at least
    one public reply by an agent, not yet reviewed on this scorecard; on a team's scorecard, that team's tickets.

    Only the solving time is asked of the database (its index holds a week's tickets); the category, the merge and
    the team are checked here: asked `status_category IN (...)` too, SQLite read every solved ticket by the
    category's index (3 s at a million)."""
    solved = Ticket.objects.filter(solved_at__gte=begin, solved_at__lt=end).values_list(
        "pk", "status_category", "merged_into_id", "team_id"
    )
    candidates = [
        pk
        for pk, category, merged, team in solved
        if category in categories.DONE and merged is None and (not scorecard.team_id or team == scorecard.team_id)
    ]
    replies: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for ids in _chunks(candidates):
        # by the tickets' index; the scorecard is checked here (on `scorecard_id = ?` SQLite read every review of it)
        reviewed = {
            ticket_id
            for ticket_id, card in Review.objects.filter(ticket_id__in=ids).values_list("ticket_id", "scorecard_id")
            if card == scorecard.pk
        }
        rows = (
            Message.objects.filter(
                ticket_id__in=[pk for pk in ids if pk not in reviewed],
                visibility=Message.Visibility.PUBLIC,
                author_role=Message.AuthorRole.AGENT,
                author_user__isnull=False,
            )
            .order_by()
            .values_list("ticket_id", "author_user_id", "created_at")
        )
        for ticket_id, agent, at in rows:
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
    pools: Sequence[str] = DEFAULT_POOLS,
    tags: Sequence[str] = (),
) -> SampleCycle:
    """The week's sample of `scorecard`: drawn once and stored; drawing the same week again returns it unchanged.
    Beside the random quota, the chosen targeted `pools` (the tagged pool: tickets with one of `tags`)."""
    require(actor, Capability.REVIEW_QUALITY)
    if not 0 < quota <= MAX_QUOTA:
        raise ActionError("invalid_quota", _("Draw 1 to 50 tickets per agent."), field="quota", status=422)
    if any(pool not in POOLS for pool in pools):
        raise ActionError("invalid_pool", _("Choose pools from the list."), field="pools", status=422)
    tags = sorted({" ".join(str(tag).split()).lower() for tag in tags if str(tag).strip()})
    if len(tags) > MAX_TAGS or any(len(tag) > 50 for tag in tags):
        raise ActionError(
            "invalid_tags", _("Choose at most 20 tags of at most 50 characters."), field="tags", status=422
        )
    if TAGGED in pools and not tags:
        raise ActionError("no_tags", _("Name the tags of the tagged pool."), field="tags", status=422)
    pools = [pool for pool in POOLS if pool in pools or (pool == TAGGED and tags)]
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
            pools=pools,
            tags=tags,
            created_by=actor,
        )
        by_agent: dict[int, list[int]] = defaultdict(list)
        for ticket_id, (agent, _count) in found.items():
            by_agent[agent].append(ticket_id)
        drawn = sampling.draw(by_agent, quota=quota, seed=cycle.seed)
        picked: dict[int, str] = {ticket_id: RANDOM for tickets in drawn.values() for ticket_id in tickets}
        pooled = in_pools(pools, found, tags)
        for pool in pools:
            for ticket_id in sorted(pooled[pool]):
                picked.setdefault(ticket_id, pool)
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
            data={
                "scorecard": scorecard.pk,
                "starts": starts.isoformat(),
                "tickets": len(items),
                "quota": quota,
                "pools": pools,
                "tags": tags,
            },
        )
        return cycle


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + IN_CHUNK] for i in range(0, len(ordered), IN_CHUNK)]


def in_pool(pool: str, found: dict[int, tuple[int, int]], tags: Sequence[str] = ()) -> set[int]:
    """The eligible tickets (`found`, from `eligible`) in a targeted pool."""
    return in_pools([pool], found, tags)[pool]


def in_pools(pools: Sequence[str], found: dict[int, tuple[int, int]], tags: Sequence[str] = ()) -> dict[str, set[int]]:
    """The eligible tickets in each of `pools`, the ticket ids taken in chunks; reopens and SLA breaches from one
    read of the tickets' events."""
    hits: dict[str, set[int]] = {pool: set() for pool in pools}
    if MANY_REPLIES in hits:
        hits[MANY_REPLIES] = {ticket_id for ticket_id, (_agent, count) in found.items() if count >= MANY}
    for ids in _chunks(list(found)):
        if BAD_CSAT in hits:
            hits[BAD_CSAT] |= _bad_csat(ids)
        if ESCALATED in hits:
            hits[ESCALATED] |= _tagged(ids, [ESCALATED_TAG])
        if TAGGED in hits:
            hits[TAGGED] |= _tagged(ids, list(tags))
        if SLA_BREACH in hits or REOPENED in hits:
            breached, reopened = _from_events(ids)
            if SLA_BREACH in hits:
                hits[SLA_BREACH] |= breached
            if REOPENED in hits:
                hits[REOPENED] |= _nontrivial(reopened)
    return hits


def _bad_csat(ids: list[int]) -> set[int]:
    # the kind is chosen here, not asked of the database: on `kind = 'csat'` SQLite took the index of sendings by
    # kind and read every CSAT survey ever sent, for each chunk of tickets
    rows = SurveyRequest.objects.filter(ticket_id__in=ids, rating__isnull=False)
    return {
        ticket_id
        for ticket_id, kind, scale, rating in rows.values_list("ticket_id", "kind", "scale", "rating")
        if kind == "csat" and rating is not None and is_negative("csat", scale, rating)
    }


def _tagged(ids: list[int], names: list[str]) -> set[int]:
    through = Ticket.tags.through.objects.filter(ticket_id__in=ids, tag__name__in=names)
    return set(through.values_list("ticket_id", flat=True))


def _from_events(ids: list[int]) -> tuple[set[int], set[int]]:
    """(tickets with an SLA breach, tickets reopened after solving) in one read of the tickets' events of those
    kinds (the index of a ticket's events by kind)."""
    rows = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind__in=("sla.breached", "status.changed"))
        .filter(Q(kind="sla.breached") | Q(data__from_category="solved"))
        .order_by()
        .values_list("ticket_id", "kind", "data")
    )
    breached, reopened = set(), set()
    for ticket_id, kind, data in rows:
        if kind == "sla.breached":
            breached.add(ticket_id)
        elif data.get("from_category") == "solved" and data.get("to_category") in reopens.UNSOLVED:
            reopened.add(ticket_id)
    return breached, reopened


def _nontrivial(reopened: set[int]) -> set[int]:
    """Of the reopened tickets, those with a non-trivial reopen (tickets/reopens.py), their timelines read in full."""
    events: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    rows = TicketEvent.objects.filter(ticket_id__in=sorted(reopened), kind__in=("status.changed", "comment.added"))
    for ticket_id, kind, data in rows.order_by("ticket_id", "at", "pk").values_list("ticket_id", "kind", "data"):
        events[ticket_id].append((kind, data))
    return {ticket_id for ticket_id, theirs in events.items() if reopens.nontrivial(theirs)}


def queue_of(user: User) -> list[SampleItem]:
    """The sampled tickets given to `user` that still wait for their review."""
    return list(
        SampleItem.objects.filter(reviewer=user, review__isnull=True)
        .filter(~Q(cycle__scorecard__is_active=False))
        .select_related("ticket", "agent", "cycle__scorecard")
        .order_by("cycle__starts", "ticket_id")[:200]
    )
