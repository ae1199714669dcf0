"""Every write of surveys (METRICS.md §4): configuring a survey, scheduling it when a ticket is solved, cancelling it
when the ticket reopens first, sending or skipping it when due (every rule checked then), recording the customer's
answer and their wish not to be surveyed again. Each leaves its event on the ticket's timeline (quality/events.py)
or, for configuration, in the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.audit import actions as audit
from opsdesk.core import outbox, translations
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.customers.models import Customer, CustomerEmail
from opsdesk.quality import events as survey_events
from opsdesk.quality import fatigue, links, topics
from opsdesk.quality.models import Survey, SurveyOptOut, SurveyRequest
from opsdesk.tickets import notifications, timeline
from opsdesk.tickets.models import Ticket, TicketLink

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

CSAT_SCALES = (2, 3, 4, 5, 7)
FACES_SCALES = (2, 3, 5)  # CSAT scales with a face for each answer
MAX_DELAY_MINUTES = 30 * 24 * 60
MAX_SAMPLE_EVERY = 1000
MAX_COMMENT = 5000
SEND_JOB = "opsdesk.quality.tasks.send_survey"
# Reasons a customer may give with a negative rating (METRICS.md §4: "a reason code on a negative rating").
NEGATIVE_REASONS = {
    "slow": gettext_lazy("It took too long"),
    "unresolved": gettext_lazy("My problem was not solved"),
    "unclear": gettext_lazy("The answer was hard to understand"),
    "unfriendly": gettext_lazy("The service was unfriendly"),
    "other": gettext_lazy("Something else"),
}
SURVEY_FIELDS = [
    "name",
    "kind",
    "moment",
    "scale",
    "style",
    "question",
    "question_translations",
    "delay_minutes",
    "cooldown_days",
    "sample_every",
    "excluded_tags",
    "is_active",
]


# --- configuration -------------------------------------------------------------------------------------------------


def scale_for(kind: str, scale: int) -> int:
    """The scale a survey of `kind` uses: NPS 0–10 (stored as 11) and CES 1–7 are fixed; CSAT is chosen."""
    if kind == Survey.Kind.NPS:
        return 11
    if kind == Survey.Kind.CES:
        return 7
    if scale not in CSAT_SCALES:
        raise ActionError("invalid_scale", _("A CSAT scale has 2, 3, 4, 5 or 7 points."), field="scale", status=422)
    return scale


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = sorted({" ".join(str(tag).split()).lower() for tag in tags if str(tag).strip()})
    if any(len(tag) > 50 for tag in cleaned):
        raise ActionError("too_long", _("A tag has at most 50 characters."), field="excluded_tags", status=422)
    return cleaned


def save_survey(
    survey: Survey | None,
    *,
    actor: User,
    name: str,
    kind: str,
    question: str,
    question_translations: Mapping[str, str] | None = None,
    scale: int = 5,
    style: str = Survey.Style.NUMBERS,
    moment: str = Survey.Moment.SOLVED,
    delay_minutes: int = 1440,
    cooldown_days: int | None = None,
    sample_every: int = 1,
    excluded_tags: Iterable[str] = (),
    is_active: bool = True,
) -> Survey:
    """Create or change a survey. Its kind and scale are fixed once it has been sent: answers keep their meaning."""
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if len(name) > 100:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 100}, field="name", status=422)
    if kind not in Survey.Kind.values:
        raise ActionError("invalid_kind", _("Choose CSAT, NPS or CES."), field="kind", status=422)
    scale = scale_for(kind, scale)
    if moment not in Survey.Moment.values:
        raise ActionError("invalid_moment", _("Choose when the survey is sent."), field="moment", status=422)
    if style not in Survey.Style.values:
        raise ActionError("invalid_style", _("Choose numbers or faces."), field="style", status=422)
    if style == Survey.Style.FACES and (kind != Survey.Kind.CSAT or scale not in FACES_SCALES):
        raise ActionError("invalid_style", _("Faces are for CSAT on 2, 3 or 5 points."), field="style", status=422)
    question = " ".join((question or "").split())
    if not question:
        raise ActionError("empty_question", _("Enter the question."), field="question", status=422)
    if len(question) > 300:
        raise ActionError("too_long", _("Use at most %(n)d characters.") % {"n": 300}, field="question", status=422)
    question_translations = translations.clean(question_translations, field="question", max_length=300)
    if not 0 <= delay_minutes <= MAX_DELAY_MINUTES:
        raise ActionError(
            "invalid_delay", _("The delay is 0 to 43,200 minutes (30 days)."), field="delay_minutes", status=422
        )
    if cooldown_days is not None and cooldown_days not in fatigue.COOLDOWN_CHOICES:
        raise ActionError(
            "invalid_cooldown", _("Choose off, 7, 14, 30, 60, 90 or 180 days."), field="cooldown_days", status=422
        )
    if not 1 <= sample_every <= MAX_SAMPLE_EVERY:
        raise ActionError("invalid_sample", _("Send to one in 1 to 1,000 tickets."), field="sample_every", status=422)
    tags = _clean_tags(excluded_tags)
    if Survey.objects.filter(name__iexact=name).exclude(pk=survey.pk if survey else 0).exists():
        raise ActionError("name_taken", _("A survey with this name exists already."), field="name")
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "scale": scale,
        "style": style,
        "moment": moment,
        "question": question,
        "question_translations": question_translations,
        "delay_minutes": delay_minutes,
        "cooldown_days": cooldown_days,
        "sample_every": sample_every,
        "excluded_tags": tags,
        "is_active": is_active,
    }
    if survey is None:
        survey = Survey.objects.create(**values)
        audit.record(actor=actor, verb="survey.created", target=survey, data={"after": _snapshot(survey)})
        return survey
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = _snapshot(survey)
    if (kind, scale) != (survey.kind, survey.scale) and survey.requests.exists():
        raise ActionError(
            "survey_in_use",
            _("This survey has been sent, so its kind and scale cannot change: create a new survey instead."),
            field="kind" if kind != survey.kind else "scale",
        )
    for field, value in values.items():
        setattr(survey, field, value)
    survey.save()
    audit.record(actor=actor, verb="survey.changed", target=survey, data={"before": before, "after": _snapshot(survey)})
    return survey


def _snapshot(survey: Survey) -> dict[str, Any]:
    return {field: getattr(survey, field) for field in SURVEY_FIELDS}


# --- scheduling (the quality.surveys consumer) --------------------------------------------------------------------


def schedule_after_solve(
    ticket_id: int, *, cause_event: int, solved_at: datetime, surveys: Iterable[Survey] | None = None
) -> list[SurveyRequest]:
    """Schedule each active survey sent after a solve (or those given) about the ticket's solve, due its delay after
    it; the agent and team at solve time are stored for attribution. A repeated batch finds its requests there (one
    per survey and solve)."""
    return _schedule(ticket_id, cause_event=cause_event, at=solved_at, moment=Survey.Moment.SOLVED, surveys=surveys)


def schedule_after_chat(ticket_id: int, *, cause_event: int, ended_at: datetime) -> list[SurveyRequest]:
    """Schedule each active survey sent after a chat, about the chat that ended (`chat.ended`), due its delay after
    the end; the agent and team then are those it is attributed to."""
    return _schedule(ticket_id, cause_event=cause_event, at=ended_at, moment=Survey.Moment.CHAT_ENDED, surveys=None)


def _schedule(
    ticket_id: int, *, cause_event: int, at: datetime, moment: str, surveys: Iterable[Survey] | None
) -> list[SurveyRequest]:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return []
    made = []
    chosen = Survey.objects.filter(is_active=True, moment=moment).order_by("pk") if surveys is None else surveys
    for survey in chosen:
        request, created = SurveyRequest.objects.get_or_create(
            survey=survey,
            cause_event=cause_event,
            defaults={
                "ticket": ticket,
                "customer_id": ticket.requester_id,
                "kind": survey.kind,
                "scale": survey.scale,
                "due_at": at + timedelta(minutes=survey.delay_minutes),
                "agent_id": ticket.assignee_id,
                "team_id": ticket.team_id,
            },
        )
        if created:
            made.append(request)
            if request.due_at <= timezone.now():
                enqueue_on_commit(SEND_JOB, request.pk)
    return made


def cancel_scheduled(ticket_id: int) -> int:
    """The ticket reopened before its survey was due: cancel what is scheduled (METRICS.md §4)."""
    pending = list(
        SurveyRequest.objects.select_for_update()
        .filter(ticket_id=ticket_id, state=SurveyRequest.State.SCHEDULED)
        .select_related("ticket")
    )
    for request in pending:
        request.state = SurveyRequest.State.CANCELLED
        request.save(update_fields=["state"])
        timeline.record(request.ticket, survey_events.CANCELLED, actor=None, data=_request_data(request))
    return len(pending)


def _request_data(request: SurveyRequest) -> dict[str, Any]:
    return {"request": request.pk, "survey": request.survey_id, "kind": request.kind}


# --- sending -------------------------------------------------------------------------------------------------------


def due_ids(now: datetime, *, limit: int = 500) -> list[int]:
    return list(
        SurveyRequest.objects.filter(state=SurveyRequest.State.SCHEDULED, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _address(customer: Customer) -> str:
    """The customer's primary address, or another, that has not bounced; "" when none receives mail."""
    usable = CustomerEmail.objects.filter(customer=customer, bounced_at__isnull=True).order_by("-is_primary", "pk")
    return usable.values_list("address", flat=True).first() or ""


def _contact(request: SurveyRequest, address: str) -> fatigue.Contact:
    from opsdesk.accounts.models import Role, User

    ticket = request.ticket
    sent = SurveyRequest.objects.filter(customer_id=request.customer_id, state=SurveyRequest.State.SENT)
    linked = TicketLink.objects.filter(source=ticket, target__type=Ticket.Type.INCIDENT).exists() or (
        TicketLink.objects.filter(target=ticket, source__type=Ticket.Type.INCIDENT).exists()
    )
    return fatigue.Contact(
        address=address,
        opted_out=SurveyOptOut.objects.filter(customer_id=request.customer_id).exists(),
        is_agent=bool(address)
        and User.objects.filter(email__iexact=address, is_active=True).exclude(role=Role.CUSTOMER).exists(),
        incident_linked=ticket.type == Ticket.Type.INCIDENT or linked,
        tags=frozenset(name.lower() for name in ticket.tags.values_list("name", flat=True)),
        last_any=sent.aggregate(last=Max("sent_at"))["last"],
        last_same_kind=sent.filter(kind=request.kind).aggregate(last=Max("sent_at"))["last"],
    )


def send(request_id: int, *, now: datetime | None = None) -> SurveyRequest | None:
    """Send the due survey, or skip it with the first rule that stops it (each rule is checked now). Safe to run
    twice: a request already sent, skipped or cancelled is left alone (None)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            SurveyRequest.objects.select_for_update()
            .select_related("survey", "ticket", "customer")
            .filter(pk=request_id, state=SurveyRequest.State.SCHEDULED, due_at__lte=now)
            .first()
        )
        if request is None:
            return None
        address = _address(request.customer)
        reason = fatigue.skip_reason(
            _contact(request, address),
            fatigue.Rules(
                cooldown_days=request.survey.cooldown_days,
                sample_every=request.survey.sample_every,
                excluded_tags=request.survey.excluded_tags,
            ),
            now=now,
            seed=f"survey-sample:{request.survey_id}:{request.pk}",
        )
        if reason is not None:
            request.state, request.skip_reason = SurveyRequest.State.SKIPPED, reason
            request.save(update_fields=["state", "skip_reason"])
            timeline.record(
                request.ticket,
                survey_events.SKIPPED,
                actor=None,
                data={**_request_data(request), "reason": reason},
                at=now,
            )
            return request
        request.language = request.customer.language
        request.mail = _queue_mail(request, address, now)
        request.state, request.sent_at, request.address = SurveyRequest.State.SENT, now, address
        request.save(update_fields=["state", "sent_at", "address", "language", "mail"])
        timeline.record(
            request.ticket, survey_events.SENT, actor=None, data={**_request_data(request), "address": address}, at=now
        )
        return request


def answer_choices(survey: Survey) -> list[int]:
    return list(range(survey.lowest, survey.highest + 1))


def answer_links(request: SurveyRequest) -> list[tuple[int, str]]:
    """Each answer of the survey with its signed one-click address (the mail's buttons, the portal's)."""
    return [
        (rating, reverse("survey_answer", args=[links.answer_token(request.pk, rating)]))
        for rating in answer_choices(request.survey)
    ]


def awaiting_answer(ticket: Ticket, customer: Customer | None, *, now: datetime | None = None) -> SurveyRequest | None:
    """The survey about `ticket` sent to `customer` that they have not answered and still may (the portal asks it
    too); none for anyone else, e.g. a colleague of their organization."""
    if customer is None:
        return None
    now = now or timezone.now()
    found = (
        SurveyRequest.objects.filter(
            ticket=ticket, customer=customer, state=SurveyRequest.State.SENT, rating__isnull=True
        )
        .select_related("survey")
        .order_by("-sent_at", "-pk")
        .first()
    )
    return found if found is not None and answer_window_open(found, now) else None


def _queue_mail(request: SurveyRequest, address: str, now: datetime) -> Any:
    ticket, survey = request.ticket, request.survey
    mail = notifications.customer_mail(ticket)
    answers = answer_links(request)
    return outbox.queue_templated(
        "quality/emails/survey",
        kind="quality.survey",
        to=[address],
        language=request.language,
        context={
            "ticket": ticket,
            "survey": survey,
            "answers": answers,
            "labels": scale_labels(survey),
            "faces": faces(survey),
            "window_days": links.ANSWER_WINDOW.days,
            **mail["context"],
        },
        ticket_id=ticket.pk,
        headers={**mail["headers"], "Auto-Submitted": "auto-generated"},
        from_email=mail["from_email"],
        discard_after=now + timedelta(days=7),
    )


def scale_labels(survey: Survey) -> tuple[str, str]:
    """The words at the two ends of the survey's scale, in the active language."""
    if survey.kind == Survey.Kind.NPS:
        return _("Not at all likely"), _("Extremely likely")
    if survey.kind == Survey.Kind.CES:
        return _("Strongly disagree"), _("Strongly agree")
    if survey.scale == 2:
        return _("Bad"), _("Good")
    return _("Very dissatisfied"), _("Very satisfied")


FACES = {2: ["👎", "👍"], 3: ["🙁", "😐", "🙂"], 5: ["😠", "🙁", "😐", "🙂", "😄"]}


def faces(survey: Survey) -> dict[int, str]:
    if survey.style != Survey.Style.FACES:
        return {}
    return dict(zip(answer_choices(survey), FACES.get(survey.scale, []), strict=False))


# --- answers -------------------------------------------------------------------------------------------------------


def is_negative(kind: str, scale: int, rating: int) -> bool:
    """Bottom box: the answers that ask for a reason (CSAT below neutral, NPS detractors, CES disagreement)."""
    if kind == Survey.Kind.NPS:
        return rating <= 6
    if kind == Survey.Kind.CES:
        return rating <= 3
    return rating <= (1 if scale <= 3 else scale // 2)


def negative_q() -> Q:
    """`is_negative` as a filter of SurveyRequest rows (a test holds the two to the same answers)."""
    csat = Q(kind=Survey.Kind.CSAT)
    return (
        Q(kind=Survey.Kind.NPS, rating__lte=6)
        | Q(kind=Survey.Kind.CES, rating__lte=3)
        | (csat & Q(scale__lte=3, rating__lte=1))
        | (csat & Q(scale__in=[4, 5], rating__lte=2))
        | (csat & Q(scale=7, rating__lte=3))
    )


def answer_window_open(request: SurveyRequest, now: datetime) -> bool:
    return request.sent_at is not None and now - request.sent_at <= links.ANSWER_WINDOW


def answer(
    request: SurveyRequest,
    *,
    rating: int,
    comment: str | None = None,
    reason: str = "",
    one_click: bool = False,
    now: datetime | None = None,
) -> tuple[SurveyRequest, bool]:
    """Record the customer's answer; returns the request and whether anything changed. The one-click link records a
    rating once (a link clicked again, or another link of the same mail, changes nothing); the survey page may change
    the rating and the comment until the answer window ends. Each change is a `survey.answered` event."""
    now = now or timezone.now()
    with transaction.atomic():
        request = SurveyRequest.objects.select_for_update().select_related("ticket").get(pk=request.pk)
        if request.state != SurveyRequest.State.SENT:
            raise ActionError("not_sent", _("This survey cannot be answered."), status=404)
        if not answer_window_open(request, now):
            raise ActionError("expired", _("The time to answer this survey has ended."), status=410)
        lowest, highest = (0, 10) if request.kind == Survey.Kind.NPS else (1, request.scale)
        if isinstance(rating, bool) or not isinstance(rating, int) or not lowest <= rating <= highest:
            raise ActionError(
                "invalid_rating",
                _("Choose an answer from %(low)d to %(high)d.") % {"low": lowest, "high": highest},
                field="rating",
                status=422,
            )
        if one_click and request.rating is not None:
            return request, False
        text = request.comment if comment is None else comment.replace("\x00", "").strip()
        if len(text) > MAX_COMMENT:
            raise ActionError(
                "too_long", _("Use at most %(n)d characters.") % {"n": MAX_COMMENT}, field="comment", status=422
            )
        reason = reason or ""
        if reason and reason not in NEGATIVE_REASONS:
            raise ActionError("invalid_reason", _("Choose one of the reasons."), field="reason", status=422)
        if not is_negative(request.kind, request.scale, rating):
            reason = ""
        if (request.rating, request.comment, request.reason) == (rating, text, reason):
            return request, False
        first = request.rating is None
        if text != request.comment:
            request.comment_words = topics.words(text, request.language)  # what the feedback topics count
        request.rating, request.comment, request.reason = rating, text, reason
        request.changed_at = now
        if first:
            request.answered_at = now
        request.save(update_fields=["rating", "comment", "comment_words", "reason", "changed_at", "answered_at"])
        timeline.record(
            request.ticket,
            survey_events.ANSWERED,
            actor=None,
            at=now,
            role="end_user",
            data={
                **_request_data(request),
                "rating": rating,
                "scale": request.scale,
                "first": first,
                "comment": text,
                "reason": reason,
                "negative": is_negative(request.kind, request.scale, rating),
                "agent": request.agent_id,
            },
        )
        return request, True


def opt_out(customer: Customer, *, via: str, ticket: Ticket | None = None, actor: User | None = None) -> bool:
    """The customer is never surveyed again (every survey, every channel); scheduled surveys are skipped when due.
    Returns False when they had opted out already (nothing recorded again)."""
    if via not in ("link", "agent"):
        raise ValueError("via is link or agent")
    with transaction.atomic():
        _row, created = SurveyOptOut.objects.get_or_create(
            customer=customer, defaults={"at": timezone.now(), "source": via}
        )
        if created and ticket is not None:
            timeline.record(
                ticket,
                survey_events.OPTED_OUT,
                actor=actor,
                role="end_user" if actor is None else None,
                data={"customer": customer.pk, "via": via},
            )
        return created
