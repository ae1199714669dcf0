"""Every write of QA (METRICS.md §5): scorecards and their versions, reviews with item ratings and comments on single
messages, sharing and acknowledging a review, disputes and their resolution. The arithmetic is the engine's
(quality/scoring.py, read through quality/cards.py); the dispute rules are quality/disputes.py. A review, a dispute
and its resolution are events on the ticket's timeline (internal: customers never see them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.people.models import Team
from opsdesk.quality import cards, disputes, scoring
from opsdesk.quality import events as quality_events
from opsdesk.quality.models import Dispute, Review, ReviewComment, SampleItem, Scorecard, ScorecardVersion
from opsdesk.tickets import timeline
from opsdesk.tickets.actions import notify_staff
from opsdesk.tickets.models import Message, Ticket, TicketEvent

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_COMMENT = 5000
DISPUTE_REFUSALS = {
    "not_shared": lambda: _("Only a review shared with the agent can be disputed."),
    "window_closed": lambda: _("The time to dispute this review (7 days from sharing) has passed."),
    "comment_required": lambda: _("Say why you dispute the review."),
    "already_open": lambda: _("This review already has an open dispute."),
    "final": lambda: _("This dispute is resolved already."),
    "invalid_state": lambda: _("Choose accepted, partly accepted, rejected or withdrawn."),
}


# --- scorecards ----------------------------------------------------------------------------------------------------


def save_scorecard(
    scorecard: Scorecard | None,
    *,
    actor: User,
    name: str,
    source: str,
    team: Team | None = None,
    na_as_pass: bool = False,
    flag_only: bool = False,
    bonus_cap: int = 100,
    is_active: bool = True,
) -> Scorecard:
    """Create or change a scorecard. A changed definition is a new version; reviews keep the version they were
    scored on, so no old review changes its score."""
    require(actor, Capability.REVIEW_QUALITY)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if len(name) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="name", status=422)
    try:
        definition = cards.parse(source or "", na_as_pass=na_as_pass, flag_only=flag_only, bonus_cap=bonus_cap)
    except cards.CardError as error:
        raise ActionError("invalid_scorecard", error.message, field="source", status=422) from None
    if Scorecard.objects.filter(name__iexact=name).exclude(pk=scorecard.pk if scorecard else 0).exists():
        raise ActionError("name_taken", _("A scorecard with this name exists already."), field="name")
    source = source.replace("\r\n", "\n").strip()
    if scorecard is None:
        scorecard = Scorecard.objects.create(name=name, team=team, is_active=is_active)
        ScorecardVersion.objects.create(
            scorecard=scorecard, number=1, source=source, definition=definition, created_by=actor
        )
        audit.record(actor=actor, verb="scorecard.created", target=scorecard, data={"name": name, "version": 1})
        return scorecard
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    latest = scorecard.latest_version()
    number = latest.number
    if latest.definition != definition:
        number += 1
        ScorecardVersion.objects.create(
            scorecard=scorecard, number=number, source=source, definition=definition, created_by=actor
        )
    scorecard.name, scorecard.team, scorecard.is_active = name, team, is_active
    scorecard.save(update_fields=["name", "team", "is_active"])
    audit.record(
        actor=actor,
        verb="scorecard.changed",
        target=scorecard,
        data={"name": name, "version": number, "new_version": number != latest.number},
    )
    return scorecard


# --- reviews -------------------------------------------------------------------------------------------------------


def shown(value: Fraction | None) -> Decimal | None:
    """A score as stored and shown: three decimals, rounded half up."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def score_for_event(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def score_ratings(version: ScorecardVersion, ratings: Mapping[str, int | None]) -> scoring.Result:
    """The engine's result, or an ActionError naming the item at fault (not rated, N/A where not allowed, out of
    its scale)."""
    names = {item["key"]: item["name"] for item in cards.items(version.definition)}
    unknown = set(ratings) - set(names)
    if unknown:
        raise ActionError(
            "unknown_item", _("An answer names an item this scorecard does not have."), field="ratings", status=422
        )
    try:
        return scoring.score(cards.card(version.definition), ratings)
    except ValueError as error:
        key = str(error).split(":", 1)[0]
        raise ActionError(
            "invalid_rating",
            _("Rate “%(item)s” (or choose N/A where it is allowed).") % {"item": names.get(key, key)},
            field=f"item_{key}",
            status=422,
        ) from None


def submit_review(
    ticket: Ticket,
    *,
    scorecard: Scorecard,
    reviewee: User,
    ratings: Mapping[str, int | None],
    actor: User,
    summary: str = "",
    comments: Mapping[int, str] | None = None,
    share: bool = False,
    sample_reason: str = "",
    now: datetime | None = None,
) -> Review:
    """Score the ticket's conversation for `reviewee` on the scorecard's latest version. One review per reviewer,
    ticket and scorecard: submitting again is refused (a dispute changes a shared review)."""
    require(actor, Capability.REVIEW_QUALITY)
    if not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise ActionError("forbidden", _("You cannot see this ticket."), status=403)
    if not scorecard.is_active:
        raise ActionError("inactive", _("This scorecard is switched off."), field="scorecard")
    if reviewee.role == "customer" or not reviewee.is_active:
        raise ActionError("invalid_reviewee", _("Choose an agent."), field="reviewee", status=422)
    summary = (summary or "").replace("\x00", "").strip()
    if len(summary) > MAX_COMMENT:
        raise ActionError(
            "too_long", _("Use at most %(n)d characters.") % {"n": MAX_COMMENT}, field="summary", status=422
        )
    notes = {
        int(pk): body.replace("\x00", "").strip() for pk, body in (comments or {}).items() if body and body.strip()
    }
    if any(len(body) > MAX_COMMENT for body in notes.values()):
        raise ActionError(
            "too_long", _("Use at most %(n)d characters.") % {"n": MAX_COMMENT}, field="comments", status=422
        )
    with transaction.atomic():
        version = scorecard.latest_version()
        result = score_ratings(version, ratings)
        if notes and Message.objects.filter(ticket=ticket, pk__in=notes).count() != len(notes):
            raise ActionError(
                "unknown_message", _("A comment names a message of another ticket."), field="comments", status=422
            )
        if Review.objects.filter(ticket=ticket, scorecard=scorecard, reviewer=actor, calibration__isnull=True).exists():
            raise ActionError("already_reviewed", _("You have reviewed this ticket on this scorecard already."))
        score = shown(result.score)
        now = now or timezone.now()
        review = Review.objects.create(
            created_at=now,
            ticket=ticket,
            version=version,
            scorecard=scorecard,
            reviewee=reviewee,
            reviewer=actor,
            ratings=dict(ratings),
            score=score,
            original_score=score,
            outcome=result.outcome,
            summary=summary,
            state=Review.State.SHARED if share else Review.State.SUBMITTED,
            shared_at=now if share else None,
            sample_reason=sample_reason,
        )
        sampled = SampleItem.objects.filter(ticket=ticket, cycle__scorecard=scorecard, review__isnull=True).first()
        if sampled is not None:
            sampled.review = review
            sampled.save(update_fields=["review"])
            if not sample_reason:
                review.sample_reason = sampled.reason
                review.save(update_fields=["sample_reason"])
        ReviewComment.objects.bulk_create(
            ReviewComment(review=review, message_id=pk, body=body) for pk, body in sorted(notes.items())
        )
        event = timeline.record(
            ticket,
            quality_events.REVIEWED,
            actor=actor,
            at=now,
            data={
                "review": review.pk,
                "scorecard": scorecard.pk,
                "version": version.number,
                "reviewee": reviewee.pk,
                "score": score_for_event(score),
                "outcome": result.outcome,
            },
        )
        if share:
            notify_staff(ticket, [reviewee], event=event, data={"review": review.pk})
        return review


def public_replies(ticket_id: int) -> list[tuple[int, datetime]]:
    """The agents' public replies on a ticket (author, time): what the reviewee is chosen from (METRICS.md §5)."""
    return list(
        Message.objects.filter(
            ticket_id=ticket_id,
            visibility=Message.Visibility.PUBLIC,
            author_role=Message.AuthorRole.AGENT,
            author_user__isnull=False,
        ).values_list("author_user_id", "created_at")
    )


def result_of(review: Review) -> scoring.Result:
    """The review's result, scored again from its own version and ratings (sections and items for the page)."""
    return scoring.score(cards.card(review.version.definition), review.ratings)


def share_review(review: Review, *, actor: User) -> Review:
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.reviewer_id != actor.pk and not can(actor, Capability.REVIEW_QUALITY):
            raise ActionError("forbidden", _("Only its reviewer or a lead can share a review."), status=403)
        if review.state != Review.State.SUBMITTED:
            return review
        review.state, review.shared_at = Review.State.SHARED, timezone.now()
        review.save(update_fields=["state", "shared_at", "updated_at"])
        audit.record(actor=actor, verb="review.shared", target=review)
        reviewed = TicketEvent.objects.filter(
            ticket_id=review.ticket_id, kind=quality_events.REVIEWED, data__review=review.pk
        ).first()
        if reviewed is not None:  # the agent's bell: a review of their work to read
            notify_staff(review.ticket, [review.reviewee], event=reviewed, data={"review": review.pk})
        return review


def acknowledge_review(review: Review, *, actor: User) -> Review:
    """The agent has read the review shared with them."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.reviewee_id != actor.pk:
            raise ActionError("forbidden", _("Only the agent reviewed can acknowledge a review."), status=403)
        if review.state != Review.State.SHARED:
            raise ActionError("not_shared", _("This review is not shared with you, or you acknowledged it already."))
        review.state, review.acknowledged_at = Review.State.ACKNOWLEDGED, timezone.now()
        review.save(update_fields=["state", "acknowledged_at", "updated_at"])
        audit.record(actor=actor, verb="review.acknowledged", target=review)
        return review


# --- disputes ------------------------------------------------------------------------------------------------------


def _refused(code: str) -> ActionError:
    field = "comment" if code == "comment_required" else None
    return ActionError(code, DISPUTE_REFUSALS[code](), field=field, status=422 if field else 409)


def open_dispute(
    review: Review, *, actor: User, comment: str, proposed: Mapping[str, int | None] | None = None
) -> Dispute:
    """The reviewee (or a lead) disputes a shared review within the window; a comment is required, proposed item
    ratings are optional (checked against the review's version)."""
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("version", "ticket").get(pk=review.pk)
        if actor.pk != review.reviewee_id and not can(actor, Capability.REVIEW_QUALITY):
            raise ActionError("forbidden", _("Only the agent reviewed or a lead can dispute a review."), status=403)
        try:
            disputes.check_open(
                shared_at=review.shared_at,
                now=timezone.now(),
                comment=comment or "",
                states=list(review.disputes.values_list("state", flat=True)),
            )
        except disputes.DisputeRefused as refused:
            raise _refused(refused.code) from None
        proposal = dict(proposed or {})
        if proposal:
            score_ratings(review.version, {**review.ratings, **proposal})
        dispute = Dispute.objects.create(
            review=review, opened_by=actor, comment=comment.strip()[:MAX_COMMENT], proposed=proposal
        )
        timeline.record(
            review.ticket,
            quality_events.DISPUTED,
            actor=actor,
            data={"review": review.pk, "dispute": dispute.pk, "by": actor.pk},
        )
        return dispute


def resolve_dispute(
    dispute: Dispute,
    *,
    actor: User,
    state: str,
    resolution: str = "",
    ratings: Mapping[str, int | None] | None = None,
) -> Dispute:
    """Accept (the proposed ratings apply), partly accept (the resolver's `ratings` apply), reject, or withdraw (its
    opener). The resolver must comment; an accepted dispute rescores the review and the score before stays on the
    dispute and in the ticket's history."""
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update().select_related("review__version", "review__ticket").get(pk=dispute.pk)
        )
        review = Review.objects.select_for_update().select_related("version", "ticket").get(pk=dispute.review_id)
        if state == disputes.WITHDRAWN:
            if actor.pk != dispute.opened_by_id:
                raise ActionError("forbidden", _("Only who opened a dispute can withdraw it."), status=403)
        else:
            if not can(actor, Capability.REVIEW_QUALITY) or actor.pk == review.reviewee_id:
                raise ActionError(
                    "forbidden", _("A lead other than the agent reviewed resolves a dispute."), status=403
                )
        try:
            disputes.check_move(dispute.state, state, comment=resolution or "")
        except disputes.DisputeRefused as refused:
            code = refused.code if refused.code in DISPUTE_REFUSALS else "invalid_state"
            raise ActionError(
                code,
                DISPUTE_REFUSALS[code](),
                field="resolution" if code == "comment_required" else "state",
                status=422,
            ) from None
        before = review.score
        after = before
        if state in (disputes.ACCEPTED, disputes.PARTIALLY_ACCEPTED):
            changed = dispute.proposed if state == disputes.ACCEPTED else dict(ratings or {})
            if state == disputes.PARTIALLY_ACCEPTED and not changed:
                raise ActionError("ratings_required", _("Choose the ratings that change."), field="ratings", status=422)
            new_ratings = {**review.ratings, **changed}
            result = score_ratings(review.version, new_ratings)
            after = shown(result.score)
            review.ratings, review.score, review.outcome = new_ratings, after, result.outcome
            review.save(update_fields=["ratings", "score", "outcome", "updated_at"])
        dispute.state, dispute.resolver = state, actor
        dispute.resolution = (resolution or "").strip()[:MAX_COMMENT]
        dispute.score_before, dispute.score_after, dispute.resolved_at = before, after, timezone.now()
        dispute.save()
        resolved = timeline.record(
            review.ticket,
            quality_events.DISPUTE_RESOLVED,
            actor=actor,
            data={
                "review": review.pk,
                "dispute": dispute.pk,
                "state": state,
                "score_before": score_for_event(before),
                "score_after": score_for_event(after),
            },
        )
        # the agent reviewed and who opened the dispute learn the outcome (not the one who decided it)
        told = [person for person in (review.reviewee, dispute.opened_by) if person.pk != actor.pk]
        notify_staff(review.ticket, told, event=resolved, data={"review": review.pk})
        return dispute
