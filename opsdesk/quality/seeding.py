"""Survey answers and QA reviews in bulk, for a demo or benchmark database of a million tickets (`opsdesk
seed-feedback`): like the ticket seeder (tickets/seeding.py), the one sanctioned exception to writing through the
actions. The rows and events are those the actions write (quality/actions `send` and `answer`, reviews.py
`submit_review`); `tests/test_seeding.py` holds a bulk answer and a bulk review to ones driven through the actions.

What the bulk path leaves out, on purpose: the survey mails (the outbox rows of mails sent months ago: `mail` is
null) and reviews shared with their agents (each is submitted, not shared, so no notification is written). The
fatigue rules are not run: each chosen ticket is surveyed once, as a survey sent to everyone would be.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from opsdesk.accounts.models import User
from opsdesk.customers.models import Customer, CustomerEmail
from opsdesk.quality import events as quality_events
from opsdesk.quality import topics
from opsdesk.quality.actions import is_negative
from opsdesk.quality.actions.reviews import score_for_event, score_ratings, shown
from opsdesk.quality.demo import COMMENTS, RATINGS, STEPS_DOWN
from opsdesk.quality.models import Review, Scorecard, Survey, SurveyRequest
from opsdesk.tickets import timeline
from opsdesk.tickets.models import Ticket, TicketEvent

BATCH = 5000
KINDS = (["csat", "nps", "ces"], [70, 15, 15])
ANSWER_SHARE = 0.6  # of the surveys sent, the share answered


@dataclass(frozen=True)
class Solve:
    """A ticket's latest solve: the event a survey is about."""

    event_id: int
    ticket_id: int
    at: datetime
    requester_id: int
    assignee_id: int | None
    team_id: int | None


def latest_solves(*, skip: set[int]) -> Iterator[Solve]:
    """Every ticket's latest solve, newest first, leaving out the tickets in `skip` (surveyed already)."""
    seen = set(skip)
    events = (
        TicketEvent.objects.filter(kind="status.changed", data__to_category="solved")
        .order_by("-id")
        .values_list("pk", "ticket_id", "at")
    )
    batch: list[tuple[int, int, datetime]] = []
    for event_id, ticket_id, at in events.iterator(chunk_size=BATCH):
        if ticket_id in seen:
            continue
        seen.add(ticket_id)
        batch.append((event_id, ticket_id, at))
        if len(batch) == BATCH:
            yield from _with_tickets(batch)
            batch = []
    yield from _with_tickets(batch)


def _with_tickets(batch: list[tuple[int, int, datetime]]) -> Iterator[Solve]:
    tickets = {
        pk: rest
        for pk, *rest in Ticket.objects.filter(pk__in=[ticket_id for _e, ticket_id, _at in batch]).values_list(
            "pk", "requester_id", "assignee_id", "team_id"
        )
    }
    for event_id, ticket_id, at in batch:
        requester, assignee, team = tickets[ticket_id]
        yield Solve(event_id, ticket_id, at, requester, assignee, team)


def _addresses() -> dict[int, tuple[str, str]]:
    """Customer id → (language, the address a survey goes to: the primary one that has not bounced, else another)."""
    languages = dict(Customer.objects.values_list("pk", "language"))
    found: dict[int, tuple[str, str]] = {}
    rows = CustomerEmail.objects.filter(bounced_at__isnull=True).order_by("customer_id", "-is_primary", "pk")
    for customer_id, address in rows.values_list("customer_id", "address").iterator(chunk_size=BATCH):
        found.setdefault(customer_id, (languages.get(customer_id, "en"), address))
    return found


def survey_rows(
    solve: Solve, survey: Survey, *, language: str, address: str, answer: tuple[int, str, str, datetime] | None
) -> tuple[SurveyRequest, list[tuple[str, dict[str, Any], datetime, str]]]:
    """A sent survey, answered or not, as `send` and `answer` leave it: the row, and its events (kind, data, at,
    role) to be written once the row has its id (the data's `request` is filled in then)."""
    sent_at = solve.at + timedelta(minutes=survey.delay_minutes)
    request = SurveyRequest(
        survey=survey,
        ticket_id=solve.ticket_id,
        customer_id=solve.requester_id,
        cause_event=solve.event_id,
        kind=survey.kind,
        scale=survey.scale,
        state=SurveyRequest.State.SENT,
        due_at=sent_at,
        sent_at=sent_at,
        language=language,
        address=address,
        agent_id=solve.assignee_id,
        team_id=solve.team_id,
    )
    common = {"survey": survey.pk, "kind": survey.kind}
    events = [(quality_events.SENT, {**common, "address": address}, sent_at, "system")]
    if answer is not None:
        rating, comment, reason, at = answer
        if not is_negative(survey.kind, survey.scale, rating):
            reason = ""
        request.rating, request.comment, request.reason = rating, comment, reason
        request.comment_words = topics.words(comment, language)
        request.answered_at = request.changed_at = at
        data = {
            **common,
            "rating": rating,
            "scale": survey.scale,
            "first": True,
            "comment": comment,
            "reason": reason,
            "negative": is_negative(survey.kind, survey.scale, rating),
            "agent": solve.assignee_id,
        }
        events.append((quality_events.ANSWERED, data, at, "end_user"))
    return request, events


def review_row(
    ticket: tuple[int, int, datetime], card: Scorecard, reviewer: User, ratings: dict[str, int | None], at: datetime
) -> tuple[Review, dict[str, Any]]:
    """A submitted review (not shared) as `submit_review` leaves it, and its event's data (the id filled in later)."""
    ticket_id, reviewee_id, _solved = ticket
    version = card.latest_version()
    result = score_ratings(version, ratings)
    score = shown(result.score)
    review = Review(
        created_at=at,
        ticket_id=ticket_id,
        version=version,
        scorecard=card,
        reviewee_id=reviewee_id,
        reviewer=reviewer,
        ratings=dict(ratings),
        score=score,
        original_score=score,
        outcome=result.outcome,
        state=Review.State.SUBMITTED,
        sample_reason="random",
    )
    data = {
        "scorecard": card.pk,
        "version": version.number,
        "reviewee": reviewee_id,
        "score": score_for_event(score),
        "outcome": result.outcome,
    }
    return review, data


def _write_requests(pending: list[tuple[SurveyRequest, list[tuple[str, dict[str, Any], datetime, str]]]]) -> None:
    made = SurveyRequest.objects.bulk_create([request for request, _events in pending], batch_size=1000)
    entries, actors = [], []
    for request, events in zip(made, pending, strict=True):
        for kind, data, at, role in events[1]:
            entries.append((request.ticket_id, kind, {"request": request.pk, **data}, at))
            actors.append((None, role))
    timeline.record_many(entries, actors=actors)


def seed_answers(count: int, *, rng: random.Random) -> int:
    """Survey `count` answers' worth of solved tickets (about 1 in ANSWER_SHARE sent is answered), newest first."""
    surveys = {survey.kind: survey for survey in Survey.objects.all()}
    addresses = _addresses()
    skip = set(SurveyRequest.objects.values_list("ticket_id", flat=True))
    answered = 0
    pending: list[tuple[SurveyRequest, list[tuple[str, dict[str, Any], datetime, str]]]] = []
    for solve in latest_solves(skip=skip):
        if answered >= count:
            break
        language, address = addresses.get(solve.requester_id, ("", ""))
        if not address:
            continue  # `send` skips a customer with no address that receives mail
        survey = surveys[rng.choices(*KINDS)[0]]
        answer = None
        if rng.random() < ANSWER_SHARE:
            rating = rng.choices(*RATINGS[survey.kind])[0]
            negative = is_negative(survey.kind, survey.scale, rating)
            texts = COMMENTS.get(language, COMMENTS["en"])
            comment = (rng.choice(texts[1:]) if negative else texts[0]) if rng.random() < 0.4 else ""
            reason = rng.choice(["slow", "unresolved"]) if negative else ""
            at = solve.at + timedelta(minutes=survey.delay_minutes, hours=rng.randint(1, 40))
            answer = (rating, comment, reason, at)
            answered += 1
        pending.append(survey_rows(solve, survey, language=language, address=address, answer=answer))
        if len(pending) >= BATCH:
            with transaction.atomic():
                _write_requests(pending)
            pending = []
    with transaction.atomic():
        _write_requests(pending)
    return answered


def seed_reviews(count: int, *, reviewers: list[User], rng: random.Random) -> int:
    """`count` reviews on the demo scorecard of solved tickets with an assignee, newest first, by the reviewers in
    turn (never of their own work), dated a few days after the solve."""
    card = Scorecard.objects.get(name="Support conversations")
    items = [item for section in card.latest_version().definition["sections"] for item in section["items"]]
    reviewed = set(Review.objects.filter(scorecard=card).values_list("ticket_id", flat=True))
    tickets = (
        Ticket.objects.filter(status_category__in=("solved", "closed"), assignee__isnull=False, solved_at__isnull=False)
        .order_by("-pk")
        .values_list("pk", "assignee_id", "solved_at")
    )
    made = 0
    pending: list[tuple[Review, dict[str, Any]]] = []
    for ticket_id, agent_id, solved_at in tickets.iterator(chunk_size=BATCH):
        if made >= count:
            break
        if ticket_id in reviewed or solved_at is None:
            continue
        ticket = (ticket_id, agent_id, solved_at)
        reviewer = next((r for r in reviewers[made % len(reviewers) :] + reviewers if r.pk != ticket[1]), None)
        if reviewer is None:
            continue
        ratings: dict[str, int | None] = {}
        for item in items:
            if item["na_allowed"] and rng.random() < 0.3:
                ratings[item["key"]] = None
            else:
                ratings[item["key"]] = max(1, item["points"] - rng.choice(STEPS_DOWN))
        at = solved_at + timedelta(days=rng.randint(1, 5))
        pending.append(review_row(ticket, card, reviewer, ratings, at))
        made += 1
        if len(pending) >= BATCH:
            _write_reviews(pending)
            pending = []
    _write_reviews(pending)
    return made


def _write_reviews(pending: list[tuple[Review, dict[str, Any]]]) -> None:
    with transaction.atomic():
        made = Review.objects.bulk_create([review for review, _data in pending], batch_size=1000)
        timeline.record_many(
            [
                (review.ticket_id, quality_events.REVIEWED, {"review": review.pk, **data}, review.created_at)
                for review, (_r, data) in zip(made, pending, strict=True)
            ],
            actors=[(review.reviewer_id, timeline.actor_role(review.reviewer)) for review in made],
        )
