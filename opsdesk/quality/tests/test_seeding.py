"""The bulk feedback seeder (quality/seeding.py) writes the rows and events the actions write: a survey sent and
answered through `send` and `answer` against one written in bulk, a review through `submit_review` against one
written in bulk; and `opsdesk seed-feedback` on a small demo (counts, consumers moved past it, bad input)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from opsdesk.quality import actions, seeding
from opsdesk.quality.actions import reviews
from opsdesk.quality.demo import seed_scorecard
from opsdesk.quality.models import Review, SurveyRequest
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import EventConsumer, Ticket, TicketEvent


def solved(world: Any) -> tuple[Ticket, TicketEvent]:
    ticket = world.ticket()
    ticket_actions.reply_to_ticket(ticket, body="Here you go", actor=world.agent)
    ticket_actions.change_status(ticket, status=default_status("solved"), actor=world.agent)
    event = TicketEvent.objects.filter(ticket=ticket, kind="status.changed").latest("pk")
    return Ticket.objects.get(pk=ticket.pk), event


def request_shape(request: SurveyRequest, base: datetime) -> dict[str, Any]:
    """A request's columns, times as offsets from the solve, without what differs by nature (ids, the ticket and
    solve it is about, when the row was made, the mail the bulk path leaves out)."""
    skip = {"id", "ticket", "cause_event", "created_at", "mail"}
    shape = {}
    for field in SurveyRequest._meta.concrete_fields:
        if field.name in skip:
            continue
        value = getattr(request, field.attname)
        shape[field.name] = value - base if isinstance(value, datetime) else value
    return shape


def event_shape(ticket: Ticket, kinds: tuple[str, ...], base: datetime) -> list[tuple[Any, ...]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind__in=kinds).order_by("pk")
    return [
        (
            e.kind,
            e.actor_id,
            e.actor_role,
            e.at - base,
            {k: v for k, v in e.data.items() if k not in ("request", "review")},
            e.source,
            e.cause,
        )
        for e in rows
    ]


def test_a_bulk_survey_answer_has_the_rows_and_events_of_send_and_answer(world: Any) -> None:
    survey = actions.save_survey(None, name="CSAT", kind="csat", question="How?", delay_minutes=60, actor=world.manager)
    by_actions, solve_a = solved(world)
    in_bulk, solve_b = solved(world)
    (scheduled,) = actions.schedule_after_solve(by_actions.pk, cause_event=solve_a.pk, solved_at=solve_a.at)
    sent = actions.send(scheduled.pk, now=scheduled.due_at)
    assert sent is not None and sent.state == "sent"
    answered_at = solve_a.at + timedelta(minutes=60, hours=3)
    actions.answer(sent, rating=2, comment="Slow", reason="slow", now=answered_at)
    address = by_actions.requester.emails.get().address
    solve = seeding.Solve(
        solve_b.pk, in_bulk.pk, solve_b.at, in_bulk.requester_id, in_bulk.assignee_id, in_bulk.team_id
    )
    answer = (2, "Slow", "slow", solve_b.at + timedelta(minutes=60, hours=3))
    seeding._write_requests([seeding.survey_rows(solve, survey, language="en", address=address, answer=answer)])
    a, b = SurveyRequest.objects.get(ticket=by_actions), SurveyRequest.objects.get(ticket=in_bulk)
    assert a.mail_id is not None and b.mail_id is None  # the one difference, on purpose
    assert request_shape(b, solve_b.at) == request_shape(a, solve_a.at)
    kinds = ("survey.sent", "survey.answered")
    assert event_shape(in_bulk, kinds, solve_b.at) == event_shape(by_actions, kinds, solve_a.at)
    assert len(event_shape(in_bulk, kinds, solve_b.at)) == 2
    assert TicketEvent.objects.get(ticket=in_bulk, kind="survey.answered").data["request"] == b.pk


def test_a_bulk_review_has_the_rows_and_event_of_submit_review(world: Any) -> None:
    card = seed_scorecard(actor=world.manager)
    by_actions, _solve = solved(world)
    in_bulk, _solve = solved(world)
    ratings: dict[str, int | None] = {
        "greets-the-customer-and-uses-their-name": 2,
        "tone-fits-the-customer-and-the-situation": 4,
        "understood-the-actual-problem": 5,
        "correct-and-complete-answer": 3,
        "follows-the-refund-and-privacy-policies": None,
        "right-status-tags-and-fields": 4,
        "internal-note-where-the-next-person-needs-one": 1,
    }
    assert by_actions.solved_at is not None
    at = by_actions.solved_at + timedelta(days=2)
    reviews.submit_review(
        by_actions,
        scorecard=card,
        reviewee=world.agent,
        ratings=ratings,
        actor=world.lead,
        sample_reason="random",
        now=at,
    )
    assert in_bulk.solved_at is not None
    seeding._write_reviews(
        [seeding.review_row((in_bulk.pk, world.agent.pk, in_bulk.solved_at), card, world.lead, ratings, at)]
    )
    skip = {"id", "ticket", "updated_at"}
    a, b = Review.objects.get(ticket=by_actions), Review.objects.get(ticket=in_bulk)
    assert {f.attname: getattr(b, f.attname) for f in Review._meta.concrete_fields if f.name not in skip} == {
        f.attname: getattr(a, f.attname) for f in Review._meta.concrete_fields if f.name not in skip
    }
    assert a.score is not None and a.score < 100  # a real score: N/A left out, lower ratings counted
    assert event_shape(in_bulk, ("qa.reviewed",), at) == event_shape(by_actions, ("qa.reviewed",), at)
    assert TicketEvent.objects.get(ticket=in_bulk, kind="qa.reviewed").data["review"] == b.pk


@pytest.mark.django_db
def test_seed_feedback_adds_answers_and_reviews_as_history() -> None:
    with pytest.raises(CommandError, match="run `opsdesk seed-demo` first"):
        call_command("seed_feedback", answers=5)
    call_command("seed_demo", tickets=200)
    EventConsumer.objects.update_or_create(name="analytics.kpis", defaults={"position_id": 1})
    before_answers = SurveyRequest.objects.filter(rating__isnull=False).count()
    before_reviews = Review.objects.count()
    with pytest.raises(CommandError, match="zero or more"):
        call_command("seed_feedback", answers=-1)
    call_command("seed_feedback", answers=30, reviews=12)
    assert SurveyRequest.objects.filter(rating__isnull=False).count() == before_answers + 30
    assert Review.objects.count() == before_reviews + 12
    assert not Review.objects.filter(reviewer_id=F("reviewee_id")).exists()  # nobody reviews their own work
    answered = TicketEvent.objects.filter(kind="survey.answered").count()
    assert answered == SurveyRequest.objects.filter(rating__isnull=False).count()
    assert EventConsumer.objects.get(name="analytics.kpis").position_id == TicketEvent.objects.latest("pk").pk
