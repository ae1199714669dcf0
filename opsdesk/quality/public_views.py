"""The customer's survey page, opened from a link in the survey mail, without signing in (METRICS.md §4).

The link carries the survey request and the rating, signed (quality/links.py). Opening it records that rating once,
so one click answers; a link opened again, or another rating's link of the same mail, records nothing and shows the
answer given, which the page may change, with a comment and a reason, until the answer window (28 days) ends. An
altered, forged or expired link gets a page saying so and nothing is recorded. Visits and answers count against a
per-address limit; the page is never cached and sends its address (with the token) to no other site."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import token_in_address
from opsdesk.quality import actions, links
from opsdesk.quality.forms import AnswerForm
from opsdesk.quality.models import SurveyRequest

SCOPE = "survey-answer"
WINDOW = 600
REFUSED = {"invalid": 404, "expired": 410, "too_many": 429}


def _limit() -> int:
    return int(settings.OPSDESK_SURVEY_RATE_LIMIT)


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    response = render(request, "quality/survey_refused.html", {"state": state}, status=REFUSED[state])
    if state == "too_many":
        response["Retry-After"] = str(ratelimit.retry_after(WINDOW))
    return token_in_address(response)


def _refuse(request: HttpRequest) -> HttpResponse:
    return _refused(request, "too_many")


def _opened(token: str) -> tuple[SurveyRequest, int] | str:
    """The request and the rating the link answers with, or why it is refused."""
    try:
        request_id, rating = links.read_answer_token(token)
    except links.LinkRefused as refused:
        return refused.reason
    found = (
        SurveyRequest.objects.select_related("survey", "ticket", "customer")
        .filter(pk=request_id, state=SurveyRequest.State.SENT)
        .first()
    )
    if found is None:
        return "invalid"
    if not actions.answer_window_open(found, timezone.now()):
        return "expired"
    return found, rating


def _language(request: HttpRequest, survey_request: SurveyRequest) -> str:
    """The language the survey was sent in, unless this browser chose one (?lang=, or its cookie)."""
    if request.GET.get("lang") or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return survey_request.language if survey_request.language in codes else settings.LANGUAGE_CODE


def _page(request: HttpRequest, survey_request: SurveyRequest, form: AnswerForm, status: int = 200) -> HttpResponse:
    survey = survey_request.survey
    return token_in_address(
        render(
            request,
            "quality/survey_answer.html",
            {
                "survey_request": survey_request,
                "survey": survey,
                "form": form,
                "more_fields": [form["reason"], form["comment"]],
                "labels": actions.scale_labels(survey),
                "opted_out": hasattr(survey_request.customer, "survey_opt_out"),
                "window_ends": survey_request.sent_at + links.ANSWER_WINDOW if survey_request.sent_at else None,
            },
            status=status,
        )
    )


def _counted(request: HttpRequest) -> bool:
    return ratelimit.hit(ratelimit.ip_key(SCOPE, request), limit=_limit(), window_seconds=WINDOW)


@never_cache
@ratelimit.guard(SCOPE, limit=_limit, window_seconds=WINDOW, counts_every_request=True, refuse=_refuse)
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """GET records the link's rating (once) and shows the page; POST changes the answer or adds a comment."""
    if request.method == "GET" and not _counted(request):  # the guard counts posts; visits are counted here
        return _refuse(request)
    opened = _opened(token)
    if isinstance(opened, str):
        return _refused(request, opened)
    survey_request, rating = opened
    with translation.override(_language(request, survey_request)):
        if request.method == "GET":
            try:
                survey_request, recorded = actions.answer(survey_request, rating=rating, one_click=True)
            except ActionError as error:
                return _refused(request, "expired" if error.code == "expired" else "invalid")
            if recorded:
                messages.success(request, _("Thank you! Your answer was recorded."))
            initial = {
                "rating": survey_request.rating,
                "reason": survey_request.reason,
                "comment": survey_request.comment,
            }
            return _page(request, survey_request, AnswerForm(initial=initial, survey=survey_request.survey))
        form = AnswerForm(request.POST, survey=survey_request.survey)
        if form.is_valid():
            try:
                actions.answer(survey_request, **form.cleaned_data)
            except ActionError as error:
                if error.code == "expired":
                    return _refused(request, "expired")
                add_action_error(form, error)
            else:
                messages.success(request, _("Thank you! Your answer was saved."))
                return redirect("survey_answer", token)
        return _page(request, survey_request, form, status=400)


@never_cache
@ratelimit.guard(SCOPE, limit=_limit, window_seconds=WINDOW, counts_every_request=True, refuse=_refuse)
@require_POST
def survey_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The customer asks not to be surveyed again: honoured by every survey from now on."""
    opened = _opened(token)
    if isinstance(opened, str):
        return _refused(request, opened)
    survey_request, _rating = opened
    with translation.override(_language(request, survey_request)):
        actions.opt_out(survey_request.customer, via="link", ticket=survey_request.ticket)
        messages.success(request, _("We will not send you surveys again."))
    return redirect("survey_answer", token)
