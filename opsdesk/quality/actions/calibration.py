"""Calibration sessions (METRICS.md §5): the calibrator chooses tickets and reviewers; each scores them blind on the
session's scorecard version; the calibrator reveals the session, and everyone sees each other's scores, the
baseline (the calibrator's own scores) and each reviewer's deviation. Calibration reviews are never shared with the
agent, never on the ticket's timeline and never in IQS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.quality import calibration, cards, sampling
from opsdesk.quality.actions.reviews import public_replies, score_ratings, shown
from opsdesk.quality.models import CalibrationSession, Review, Scorecard
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_TICKETS = 20


def start_session(
    scorecard: Scorecard, *, name: str, tickets: Sequence[int], participants: Sequence[User], actor: User
) -> CalibrationSession:
    require(actor, Capability.REVIEW_QUALITY)
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ActionError("empty_name", _("Enter a name of at most 100 characters."), field="name", status=422)
    ids = list(dict.fromkeys(int(pk) for pk in tickets))
    if not 1 <= len(ids) <= MAX_TICKETS:
        raise ActionError("invalid_tickets", _("Choose 1 to 20 tickets."), field="tickets", status=422)
    seen = set(Ticket.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in seen]
    if missing:
        raise ActionError(
            "unknown_tickets",
            _("No ticket you can see has the number %(n)s.") % {"n": ", ".join(f"#{pk}" for pk in missing)},
            field="tickets",
            status=422,
        )
    people = [person for person in participants if person.pk != actor.pk]
    if not people or any(not can(person, Capability.REVIEW_QUALITY) for person in people):
        raise ActionError(
            "invalid_participants",
            _("Choose at least one other reviewer who may review."),
            field="participants",
            status=422,
        )
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            name=name, scorecard=scorecard, version=scorecard.latest_version(), calibrator=actor, tickets=ids
        )
        session.participants.set(people)
        audit.record(actor=actor, verb="calibration.started", target=session, data={"tickets": ids})
        return session


def takes_part(session: CalibrationSession, user: User) -> bool:
    return user.pk == session.calibrator_id or session.participants.filter(pk=user.pk).exists()


def score_blind(
    session: CalibrationSession, ticket_id: int, *, ratings: Mapping[str, int | None], actor: User
) -> Review:
    """The actor's score of one of the session's tickets (the calibrator's is the baseline); changeable until the
    session is revealed."""
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if not takes_part(session, actor):
            raise ActionError("forbidden", _("You do not take part in this calibration."), status=403)
        if session.revealed_at is not None:
            raise ActionError("revealed", _("This calibration has been revealed: scores no longer change."))
        if ticket_id not in session.tickets:
            raise ActionError("unknown_ticket", _("This ticket is not part of the calibration."), status=404)
        result = score_ratings(session.version, ratings)
        ticket = Ticket.objects.get(pk=ticket_id)
        reviewee = sampling.reviewee(public_replies(ticket_id)) or ticket.assignee_id or actor.pk
        review, _created = Review.objects.update_or_create(
            ticket=ticket,
            reviewer=actor,
            calibration=session,
            defaults={
                "version": session.version,
                "scorecard_id": session.scorecard_id,
                "reviewee_id": reviewee,
                "ratings": dict(ratings),
                "score": shown(result.score),
                "original_score": shown(result.score),
                "outcome": result.outcome,
            },
        )
        return review


def reveal(session: CalibrationSession, *, actor: User) -> CalibrationSession:
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if actor.pk != session.calibrator_id:
            raise ActionError("forbidden", _("Only the calibrator reveals the scores."), status=403)
        if session.revealed_at is None:
            session.revealed_at = timezone.now()
            session.save(update_fields=["revealed_at"])
            audit.record(actor=actor, verb="calibration.revealed", target=session)
        return session


@dataclass(frozen=True)
class Report:
    scores: dict[int, dict[int, Any]]  # ticket → reviewer → score
    reviewers: dict[int, calibration.Reviewer]  # the participants' deviations from the baseline
    spread: list[tuple[str, float]]  # item key → spread, highest first
    baseline: bool  # whether the calibrator scored every ticket (else the participants' mean stands in)


def report(session: CalibrationSession) -> Report:
    reviews = list(session.reviews.all())
    card = cards.card(session.version.definition)
    scores: dict[int, dict[int, Any]] = {}
    scored: dict[str, dict[str, Any]] = {}
    everyone: dict[str, dict[str, Any]] = {}
    base: dict[str, Any] = {}
    for review in reviews:
        scores.setdefault(review.ticket_id, {})[review.reviewer_id] = review.score
        everyone.setdefault(str(review.reviewer_id), {})[str(review.ticket_id)] = review.ratings
        if review.reviewer_id == session.calibrator_id:
            base[str(review.ticket_id)] = review.ratings
        else:
            scored.setdefault(str(review.reviewer_id), {})[str(review.ticket_id)] = review.ratings
    complete = all(str(pk) in base for pk in {c for by in scored.values() for c in by})
    deviations = calibration.reviewers(card, scored, base if complete and base else None) if scored else {}
    return Report(
        scores=scores,
        reviewers={int(pk): found for pk, found in deviations.items()},
        spread=calibration.item_spread(card, everyone),  # the calibrator's ratings count among the spread
        baseline=complete and bool(base),
    )


@dataclass(frozen=True)
class Past:
    """A revealed session as its history shows it: each reviewer's deviation, and the item to discuss first."""

    session: CalibrationSession
    reviewers: dict[int, calibration.Reviewer]
    top_item: str  # the name of the item rated most differently, "" when all agreed


HISTORY = 20  # the latest revealed sessions shown


def history(user: User) -> list[Past]:
    """The revealed sessions `user` took part in (every one for those who manage quality), oldest first, each
    reviewer's deviation from the baseline in each: how calibration moves over time (METRICS.md §5)."""
    from django.db.models import Q

    sessions = CalibrationSession.objects.filter(revealed_at__isnull=False).select_related("version")
    if not can(user, Capability.MANAGE_QUALITY):
        sessions = sessions.filter(Q(calibrator=user) | Q(participants=user)).distinct()
    found = []
    for session in reversed(list(sessions.order_by("-revealed_at", "-pk")[:HISTORY])):
        made = report(session)
        names = {item["key"]: item["name"] for item in cards.items(session.version.definition)}
        top = next((names.get(key, key) for key, spread in made.spread if spread > 0), "")
        found.append(Past(session, made.reviewers, top))
    return found
