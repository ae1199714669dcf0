"""QA pages: the quality home (a lead's reviews and the disputes waiting for them; an agent's reviews shared with
them), scorecards with their editor and live preview, the review page beside the ticket's conversation, and a
review with its disputes. Who may do what is the actions' (quality/actions/reviews.py); who sees which review is
`Review.objects.visible_to`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required, staff_required
from opsdesk.accounts.capabilities import Capability, can, roles_with
from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, is_htmx, redirect_after_post
from opsdesk.core.params import parse_int
from opsdesk.quality import actions, cards, dashboard, sampling
from opsdesk.quality.actions import calibration as calibrations
from opsdesk.quality.actions import reviews, samples
from opsdesk.quality.forms import (
    BlindScoreForm,
    CalibrationForm,
    DisputeForm,
    ResolveForm,
    ReviewForm,
    SampleForm,
    ScorecardForm,
)
from opsdesk.quality.models import CalibrationSession, CoachingTask, Dispute, Review, SampleCycle, Scorecard
from opsdesk.tickets.access import get_ticket_for_user
from opsdesk.tickets.models import Message, Ticket

review_quality = capability_required(Capability.REVIEW_QUALITY)


@staff_required
@require_GET
def qa_home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    visible = (
        Review.objects.visible_to(user)
        .filter(calibration__isnull=True)
        .select_related("ticket", "reviewee", "reviewer", "scorecard")
    )
    lead = can(user, Capability.REVIEW_QUALITY)
    context: dict[str, Any] = {
        "lead": lead,
        "can_see_figures": can(user, Capability.VIEW_REPORTS),
        "mine": list(visible.filter(reviewee=user).order_by("-created_at")[:50]),
        "written": list(visible.filter(reviewer=user).order_by("-created_at")[:50]) if lead else [],
        "open_disputes": list(
            Dispute.objects.filter(state=Dispute.State.OPEN, review__in=visible)
            .exclude(review__reviewee=user)
            .select_related("review__ticket", "review__reviewee", "opened_by")
            .order_by("created_at")[:50]
        )
        if lead
        else [],
        "my_coaching": list(
            CoachingTask.objects.filter(agent=user, state=CoachingTask.State.OPEN)
            .select_related("scorecard", "created_by")
            .order_by("due_on", "pk")
        ),
        "asked_coaching": list(
            CoachingTask.objects.filter(created_by=user, state=CoachingTask.State.OPEN)
            .select_related("agent")
            .order_by("due_on", "pk")[:50]
        )
        if lead
        else [],
        "scorecards": Scorecard.objects.filter(is_active=True).order_by("name") if lead else [],
        "queue": samples.queue_of(user) if lead else [],
        "cycles": list(SampleCycle.objects.select_related("scorecard").order_by("-starts", "-pk")[:10]) if lead else [],
        "sample_form": _sample_form(None) if lead else None,
        "calibrations": list(
            CalibrationSession.objects.filter(Q(calibrator=user) | Q(participants=user)).distinct()[:20]
        )
        if lead
        else [],
    }
    return render(request, "quality/qa_home.html", context)


def _reviewers() -> Any:
    return User.objects.filter(is_active=True, role__in=roles_with(Capability.REVIEW_QUALITY)).order_by("name")


def _sample_form(data: Any) -> SampleForm:
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    return SampleForm(data, reviewers=_reviewers(), initial={"starts": last_monday, "quota": sampling.DEFAULT_QUOTA})


@review_quality
@require_POST
def sample_draw(request: AuthedRequest) -> HttpResponse:
    form = _sample_form(request.POST)
    if form.is_valid():
        try:
            cycle = samples.draw_sample(
                form.cleaned_data["scorecard"],
                starts=form.cleaned_data["starts"],
                quota=form.cleaned_data["quota"],
                reviewers=list(form.cleaned_data["reviewers"]),
                actor=request.user,
                zone=request.user.time_zone,
                pools=form.cleaned_data["pools"],
                tags=form.cleaned_data["tags"],
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            return redirect("qa:sample_detail", cycle.pk)
    return render(request, "quality/sample_form.html", {"form": form}, status=400)


@review_quality
@require_GET
def sample_detail(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(SampleCycle.objects.select_related("scorecard"), pk=cycle_id)
    visible = Ticket.objects.visible_to(request.user).values("pk")
    items = list(
        cycle.items.filter(ticket__in=visible)
        .select_related("ticket", "agent", "reviewer", "review")
        .order_by("agent__name", "ticket_id")
    )
    pools = [str(samples.POOLS[pool]) for pool in cycle.pools if pool in samples.POOLS and pool != samples.TAGGED]
    return render(request, "quality/sample_detail.html", {"cycle": cycle, "items": items, "pools": pools})


@review_quality
@require_GET
def scorecard_list(request: AuthedRequest) -> HttpResponse:
    scorecards = Scorecard.objects.select_related("team").prefetch_related("versions").order_by("name", "pk")
    return render(request, "quality/scorecard_list.html", {"scorecards": scorecards})


def _preview(source: str, options: dict[str, Any]) -> dict[str, Any]:
    try:
        definition = cards.parse(source, **options)
    except cards.CardError as error:
        return {"error": error.message}
    return {"sections": cards.shares(definition), "definition": definition}


@review_quality
@require_http_methods(["GET", "POST"])
def scorecard_edit(request: AuthedRequest, scorecard_id: int | None = None) -> HttpResponse:
    scorecard = get_object_or_404(Scorecard, pk=scorecard_id) if scorecard_id else None
    initial: dict[str, Any] = {"is_active": True, "bonus_cap": 100}
    if scorecard is not None:
        latest = scorecard.latest_version()
        initial = {
            "name": scorecard.name,
            "team": scorecard.team,
            "is_active": scorecard.is_active,
            "source": latest.source,
            "na_as_pass": latest.definition.get("na_as_pass", False),
            "flag_only": latest.definition.get("flag_only", False),
            "bonus_cap": latest.definition.get("bonus_cap", 100),
        }
    form = ScorecardForm(request.POST or None, initial=initial)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            saved = reviews.save_scorecard(scorecard, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("qa:scorecard_edit", saved.pk)
    data = form.data if form.is_bound else initial
    cap = str(data.get("bonus_cap") or "100")
    options = {
        "na_as_pass": bool(data.get("na_as_pass")),
        "flag_only": bool(data.get("flag_only")),
        "bonus_cap": int(cap) if cap.isdigit() and len(cap) < 5 else 100,
    }
    preview = _preview(str(data.get("source") or ""), options) if data.get("source") else None
    if is_htmx(request):
        return render(request, "quality/partials/scorecard_preview.html", {"preview": preview})
    return render(
        request,
        "quality/scorecard_form.html",
        {
            "form": form,
            "scorecard": scorecard,
            "preview": preview,
            "title": scorecard.name if scorecard else _("New scorecard"),
            "versions": scorecard.versions.order_by("-number") if scorecard else [],
        },
        status=400 if request.method == "POST" and "preview" not in request.POST else 200,
    )


@review_quality
@require_http_methods(["GET", "POST"])
def ticket_review(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """The review page: the conversation on the left, the scorecard on the right; comments on single messages."""
    ticket = get_ticket_for_user(request.user, ticket_id)
    scorecards = list(Scorecard.objects.filter(is_active=True).order_by("name"))
    if not scorecards:
        messages.info(request, _("Build a scorecard first."))
        return redirect("qa:scorecard_create")
    chosen = next((s for s in scorecards if str(s.pk) == request.GET.get("scorecard", "")), None)
    chosen = chosen or next((s for s in scorecards if s.team_id == ticket.team_id), scorecards[0])
    version = chosen.latest_version()
    conversation = list(
        Message.objects.filter(ticket=ticket)
        .select_related("author_user", "author_customer")
        .order_by("created_at", "pk")
    )
    agents = sorted({pk for pk, _at in reviews.public_replies(ticket.pk)})
    suggested = sampling.reviewee(reviews.public_replies(ticket.pk)) or ticket.assignee_id
    form = ReviewForm(
        request.POST or None,
        version=version,
        messages_list=conversation,
        reviewees=User.objects.filter(Q(pk__in=agents) | Q(pk=ticket.assignee_id)).exclude(role="customer"),
        initial={"reviewee": suggested},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = reviews.submit_review(
                ticket,
                scorecard=chosen,
                reviewee=form.cleaned_data["reviewee"],
                ratings=form.ratings(),
                summary=form.cleaned_data["summary"],
                comments=form.comments(),
                share=form.cleaned_data["share"],
                actor=request.user,
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("Review saved: %(score)s.") % {"score": review.score if review.score is not None else "—"}
            )
            return redirect("qa:review_detail", review.pk)
    return render(
        request,
        "quality/ticket_review.html",
        {
            "ticket": ticket,
            "form": form,
            "scorecards": scorecards,
            "chosen": chosen,
            "version": version,
            "conversation": [(message, form[f"comment_{message.pk}"]) for message in conversation],
            "sections": form.sections(),
            "head_fields": [form["reviewee"]],
            "tail_fields": [form["summary"], form["share"]],
        },
        status=400 if request.method == "POST" else 200,
    )


def _refuse_forbidden(error: ActionError) -> None:
    """The action's refusal for who may not do this at all is a 403 page, not a message on the review."""
    if error.status == 403:
        raise PermissionDenied


def _visible_review(request: AuthedRequest, review_id: int) -> Review:
    review = (
        Review.objects.visible_to(request.user)
        .select_related("ticket", "version", "scorecard", "reviewee", "reviewer")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    return review


@staff_required
@require_GET
def review_detail(request: AuthedRequest, review_id: int) -> HttpResponse:
    review = _visible_review(request, review_id)
    result = reviews.result_of(review)
    rows = [
        {
            **item,
            "rating": review.ratings.get(item["key"]),
            "score": result.items.get(item["key"]),
            "failed": item["key"] in result.failed_critical,
        }
        for item in cards.items(review.version.definition)
    ]
    disputes = list(review.disputes.select_related("opened_by", "resolver").order_by("created_at"))
    open_dispute = next((d for d in disputes if d.state == Dispute.State.OPEN), None)
    user = request.user
    return render(
        request,
        "quality/review_detail.html",
        {
            "review": review,
            "result": result,
            "rows": rows,
            "sections": [
                {"name": section["name"], "score": result.sections.get(section["key"])}
                for section in review.version.definition["sections"]
            ],
            "comments": review.comments.select_related("message").order_by("message__created_at", "pk"),
            "disputes": disputes,
            "open_dispute": open_dispute,
            "can_share": review.state == Review.State.SUBMITTED and can(user, Capability.REVIEW_QUALITY),
            "can_acknowledge": review.state == Review.State.SHARED and review.reviewee_id == user.pk,
            "can_dispute": open_dispute is None and review.shared_at is not None and (review.reviewee_id == user.pk),
            "can_resolve": open_dispute is not None
            and can(user, Capability.REVIEW_QUALITY)
            and review.reviewee_id != user.pk,
            "can_withdraw": open_dispute is not None and open_dispute.opened_by_id == user.pk,
            "dispute_form": DisputeForm(version=review.version),
            "resolve_form": ResolveForm(version=review.version),
        },
    )


@staff_required
@require_POST
def review_share(request: AuthedRequest, review_id: int) -> HttpResponse:
    review = _visible_review(request, review_id)
    try:
        reviews.share_review(review, actor=request.user)
    except ActionError as error:
        _refuse_forbidden(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Shared with %(agent)s.") % {"agent": review.reviewee.name})
    return redirect_after_post(request, review.get_absolute_url())


@staff_required
@require_POST
def review_acknowledge(request: AuthedRequest, review_id: int) -> HttpResponse:
    review = _visible_review(request, review_id)
    try:
        reviews.acknowledge_review(review, actor=request.user)
    except ActionError as error:
        _refuse_forbidden(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Acknowledged."))
    return redirect_after_post(request, review.get_absolute_url())


@staff_required
@require_POST
def review_dispute(request: AuthedRequest, review_id: int) -> HttpResponse:
    review = _visible_review(request, review_id)
    form = DisputeForm(request.POST, version=review.version)
    if form.is_valid():
        try:
            reviews.open_dispute(
                review, actor=request.user, comment=form.cleaned_data["comment"], proposed=form.ratings()
            )
        except ActionError as error:
            _refuse_forbidden(error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("Dispute sent."))
    else:
        messages.error(request, _("Say why you dispute the review."))
    return redirect_after_post(request, review.get_absolute_url())


@staff_required
@require_POST
def dispute_resolve(request: AuthedRequest, dispute_id: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute, pk=dispute_id)
    review = _visible_review(request, dispute.review_id)
    form = ResolveForm(request.POST, version=review.version)
    if request.POST.get("state") == "withdrawn":
        try:
            reviews.resolve_dispute(dispute, actor=request.user, state="withdrawn")
        except ActionError as error:
            _refuse_forbidden(error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("Dispute withdrawn."))
    elif form.is_valid():
        try:
            reviews.resolve_dispute(
                dispute,
                actor=request.user,
                state=form.cleaned_data["state"],
                resolution=form.cleaned_data["resolution"],
                ratings=form.ratings(),
            )
        except ActionError as error:
            _refuse_forbidden(error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("Dispute resolved."))
    else:
        messages.error(request, _("Choose how the dispute ends."))
    return redirect_after_post(request, review.get_absolute_url())


# --- calibration ---------------------------------------------------------------------------------------------------


def _session_for(request: AuthedRequest, session_id: int) -> CalibrationSession:
    session = get_object_or_404(
        CalibrationSession.objects.select_related("scorecard", "version", "calibrator"), pk=session_id
    )
    if not calibrations.takes_part(session, request.user):
        raise Http404
    return session


@review_quality
@require_GET
def calibration_history(request: AuthedRequest) -> HttpResponse:
    """Each reviewer's deviation from the baseline, session by session."""
    past = calibrations.history(request.user)
    people = {pk for entry in past for pk in entry.reviewers}
    names = dict(User.objects.filter(pk__in=people).values_list("pk", "name"))
    rows = [
        (names.get(pk, f"#{pk}"), [entry.reviewers.get(pk) for entry in past])
        for pk in sorted(people, key=lambda pk: names.get(pk, "").lower())
    ]
    return render(request, "quality/calibration_history.html", {"past": past, "rows": rows})


@review_quality
@require_http_methods(["GET", "POST"])
def calibration_create(request: AuthedRequest) -> HttpResponse:
    form = CalibrationForm(request.POST or None, reviewers=_reviewers().exclude(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            session = calibrations.start_session(
                form.cleaned_data["scorecard"],
                name=form.cleaned_data["name"],
                tickets=form.cleaned_data["tickets"],
                participants=list(form.cleaned_data["participants"]),
                actor=request.user,
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            return redirect(session.get_absolute_url())
    return render(
        request, "quality/calibration_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@review_quality
@require_GET
def calibration_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    people = [session.calibrator, *session.participants.order_by("name")]
    mine = set(session.reviews.filter(reviewer=request.user).values_list("ticket_id", flat=True))
    done = dict(session.reviews.values_list("reviewer").annotate(n=Count("pk")).values_list("reviewer", "n"))
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in=session.tickets)}
    context: dict[str, Any] = {
        "session": session,
        "people": [(person, done.get(person.pk, 0)) for person in people],
        "tickets": [(tickets[pk], pk in mine) for pk in session.tickets if pk in tickets],
        "is_calibrator": request.user.pk == session.calibrator_id,
    }
    if session.revealed_at is not None:
        found = calibrations.report(session)
        names = {item["key"]: item["name"] for item in cards.items(session.version.definition)}
        context.update(
            {
                "report": found,
                "score_rows": [
                    (tickets[pk], [found.scores.get(pk, {}).get(person.pk) for person in people])
                    for pk in session.tickets
                    if pk in tickets
                ],
                "deviations": [(person, found.reviewers.get(person.pk)) for person in people[1:]],
                "spread": [(names.get(key, key), value) for key, value in found.spread],
            }
        )
    return render(request, "quality/calibration_detail.html", context)


@review_quality
@require_http_methods(["GET", "POST"])
def calibration_score(request: AuthedRequest, session_id: int, ticket_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    if ticket_id not in session.tickets:
        raise Http404
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    mine = session.reviews.filter(reviewer=request.user, ticket_id=ticket_id).first()
    initial = {}
    if mine is not None:
        initial = {f"item_{key}": ("na" if value is None else str(value)) for key, value in mine.ratings.items()}
    form = BlindScoreForm(request.POST or None, version=session.version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            calibrations.score_blind(session, ticket_id, ratings=form.ratings(), actor=request.user)
        except ActionError as error:
            _refuse_forbidden(error)
            add_action_error(form, error)
        else:
            messages.success(request, _("Your score is saved; the others see it when the calibration is revealed."))
            return redirect(session.get_absolute_url())
    conversation = list(
        Message.objects.filter(ticket=ticket)
        .select_related("author_user", "author_customer")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "quality/ticket_review.html",
        {
            "ticket": ticket,
            "form": form,
            "scorecards": [],
            "chosen": session.scorecard,
            "version": session.version,
            "conversation": [(message, None) for message in conversation],
            "sections": form.sections(),
            "head_fields": [],
            "tail_fields": [],
            "calibration": session,
        },
        status=400 if request.method == "POST" else 200,
    )


@review_quality
@require_POST
def calibration_reveal(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    try:
        calibrations.reveal(session, actor=request.user)
    except ActionError as error:
        _refuse_forbidden(error)
        messages.error(request, error.message)
    return redirect_after_post(request, session.get_absolute_url())


# --- the quality dashboard -----------------------------------------------------------------------------------------

DASHBOARD_DAYS = {"7": 7, "30": 30, "90": 90}
DRILL_PAGE = 50


def _days(request: AuthedRequest) -> int:
    return DASHBOARD_DAYS.get(request.GET.get("days", "30"), 30)


@capability_required(Capability.VIEW_REPORTS)
@require_GET
def quality_dashboard(request: AuthedRequest) -> HttpResponse:
    days = _days(request)
    found = dashboard.page(request.user, days=days, zone=request.user.time_zone, today=timezone.localdate())
    return render(
        request,
        "quality/dashboard.html",
        {
            "days": days,
            "day_choices": DASHBOARD_DAYS,
            "now": found["now"],
            "before": found["before"],
            "weeks": found["weeks"],
            "agents": found["agents"],
            "teams": found["teams"],
            "topic_lists": list(zip((_("Rising"), _("Falling")), found["topics"], strict=True)),
            "computed_at": found["at"],
            "may_coach": can(request.user, Capability.REVIEW_QUALITY),
        },
    )


@capability_required(Capability.VIEW_REPORTS)
@require_GET
def quality_drill(request: AuthedRequest, metric: str) -> HttpResponse:
    """The answers or reviews behind a figure of the dashboard, newest first, each with its ticket."""
    if metric not in dashboard.METRICS:
        raise Http404
    days = _days(request)
    span = dashboard.period(days, zone=request.user.time_zone, today=timezone.localdate())
    page = parse_int(request.GET["page"], field="page", label=_("Page")) if "page" in request.GET else 1
    rows: list[Any]
    if metric == "iqs":
        rows = list(
            dashboard.reviews(request.user)
            .filter(created_at__gte=span.start, created_at__lt=span.end)
            .select_related("ticket", "reviewee", "scorecard")
            .order_by("-created_at", "-pk")[(page - 1) * DRILL_PAGE : page * DRILL_PAGE + 1]
        )
    else:
        found = dashboard.answers(request.user).filter(answered_at__gte=span.start, answered_at__lt=span.end)
        if metric != "response_rate":
            found = found.filter(kind=metric)
        if request.GET.get("negative") == "1":
            found = found.filter(actions.negative_q())
        term, language = request.GET.get("term", "")[:100], request.GET.get("lang", "")
        if term and language:
            found = found.filter(pk__in=dashboard.mentioning(request.user, span, term=term, language=language))
        rows = list(
            found.select_related("ticket", "agent").order_by("-answered_at", "-pk")[
                (page - 1) * DRILL_PAGE : page * DRILL_PAGE + 1
            ]
        )
    return render(
        request,
        "quality/drill.html",
        {
            "metric": metric,
            "days": days,
            "rows": rows[:DRILL_PAGE],
            "page": page,
            "more": len(rows) > DRILL_PAGE,
            "negative": request.GET.get("negative") == "1",
            "term": request.GET.get("term", "")[:100],
            "lang": request.GET.get("lang", "")[:8],
        },
    )
