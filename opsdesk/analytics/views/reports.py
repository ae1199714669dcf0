"""Scheduled report pages: the list of subscriptions with the form to add one, a subscription's edit page, the
preview of the e-mail a subscription would send for its latest finished period (before subscribing too), and the
public unsubscribe page the e-mail links to (no sign-in: the signed token decides; rate-limited per address)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.analytics import scheduled
from opsdesk.analytics.actions import reports as actions
from opsdesk.analytics.forms import SubscriptionEditForm, SubscriptionForm
from opsdesk.analytics.models import ReportSubscription
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, redirect_after_post

manager_only = capability_required(Capability.MANAGE_REPORTS)
UNSUBSCRIBE_SCOPE = "report-unsubscribe"
UNSUBSCRIBE_LIMIT = 30  # visits of unsubscribe links per address in ten minutes
UNSUBSCRIBE_WINDOW = 600
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


def _list_context(form: SubscriptionForm) -> dict[str, Any]:
    subscriptions = list(
        ReportSubscription.objects.select_related("user", "team").order_by("-is_active", "frequency", "id")
    )
    names = dict(settings.LANGUAGES)  # each language in its own words, as the language menus show them
    for subscription in subscriptions:
        subscription.language_name = names.get(subscription.language, subscription.language)  # type: ignore[attr-defined]
    return {"form": form, "subscriptions": subscriptions}


@manager_only
@require_http_methods(["GET", "POST"])
def subscription_list(request: AuthedRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.apply(actions.subscribe, actor=request.user):
            messages.success(
                request, _("Subscribed. The report of the latest finished period is sent within the hour.")
            )
            return redirect_after_post(request, reverse("analytics_reports:subscription_list"))
    return render(request, "analytics/subscription_list.html", _list_context(form), status=status)


@manager_only
@require_http_methods(["GET", "POST"])
def subscription_edit(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    subscription = get_object_or_404(ReportSubscription.objects.select_related("user", "team"), pk=subscription_id)
    initial = {
        "frequency": subscription.frequency,
        "language": subscription.language,
        "team": subscription.team,
        "is_active": subscription.is_active,
    }
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.apply(actions.update_subscription, subscription, actor=request.user):
            messages.success(request, _("Saved."))
            return redirect_after_post(request, reverse("analytics_reports:subscription_list"))
    preview = {
        "frequency": subscription.frequency,
        "team": subscription.team_id or "",
        "user": subscription.user_id or "",
        "email": subscription.email,
        "language": subscription.language,
    }
    context = {"form": form, "subscription": subscription, "preview_query": urlencode(preview)}
    return render(request, "analytics/subscription_form.html", context, status=status)


@manager_only
@require_POST
def subscription_stop(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    subscription = get_object_or_404(ReportSubscription, pk=subscription_id)
    actions.unsubscribe(subscription, actor=request.user)
    messages.success(request, _("The report is no longer sent."))
    return redirect_after_post(request, reverse("analytics_reports:subscription_list"))


def _preview(params: QueryDict) -> tuple[SubscriptionForm, scheduled.Rendered | None]:
    """The e-mail the subscription the parameters describe would send now, for its latest finished period."""
    form = SubscriptionForm(params)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        recipient = actions.check_subscription(**data)
    except ActionError as error:
        add_action_error(form, error)
        return form, None
    draft = ReportSubscription(
        frequency=data["frequency"],
        user=recipient.user,
        email=recipient.email,
        language=recipient.language,
        team=data["team"],
    )
    return form, scheduled.render(draft, scheduled.finished_period(draft.frequency, timezone.now()))


@manager_only
@require_GET
def report_preview(request: AuthedRequest) -> HttpResponse:
    form, rendered = _preview(request.GET)
    context = {
        "form": form,
        "rendered": rendered,
        "query": request.GET.urlencode(),
        "fields": [(name, form.data.get(name, "")) for name in ("user", "email", "language", "frequency", "team")],
    }
    return render(request, "analytics/report_preview.html", context, status=200 if rendered else 400)


@manager_only
@require_GET
@xframe_options_sameorigin
def report_preview_email(request: AuthedRequest) -> HttpResponse:
    """The e-mail's HTML exactly as it would be sent, for the preview page's frame: its inline styles are allowed
    here only, in a sandbox that runs nothing."""
    form, rendered = _preview(request.GET)
    if rendered is None:
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''}: {e}" for f, es in form.errors.items() for e in es
        )
        return HttpResponse(errors, content_type="text/plain; charset=utf-8", status=400)
    response = HttpResponse(rendered.mail.body_html)
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


# --- the public unsubscribe page ----------------------------------------------------------------------------------


def _unsubscribe_page(request: HttpRequest, state: str, subscription: Any = None, status: int = 200) -> HttpResponse:
    response = render(
        request,
        "analytics/unsubscribe.html",
        {
            "state": state,
            "subscription": subscription,
            "address": scheduled.address_of(subscription) if subscription else "",
            "token_days": scheduled.TOKEN_DAYS,
        },
        status=status,
    )
    # the token is in this page's address: sent to no other site. Not "no-referrer": browsers then post the page's
    # form with `Origin: null`, and the CSRF check refuses it (403).
    response["Referrer-Policy"] = "same-origin"
    return response


def _refuse_unsubscribe(request: HttpRequest) -> HttpResponse:
    return _unsubscribe_page(request, "too_many", status=429)


@never_cache
@ratelimit.guard(
    UNSUBSCRIBE_SCOPE,
    limit=UNSUBSCRIBE_LIMIT,
    window_seconds=UNSUBSCRIBE_WINDOW,
    counts_every_request=True,
    refuse=_refuse_unsubscribe,
)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link stops, with a button (mail scanners follow links); POST stops it. No sign-in."""
    if request.method == "GET":  # the guard counts posts before their body is read; visits are counted here
        key = ratelimit.ip_key(UNSUBSCRIBE_SCOPE, request)
        if not ratelimit.hit(key, limit=UNSUBSCRIBE_LIMIT, window_seconds=UNSUBSCRIBE_WINDOW):
            response = _refuse_unsubscribe(request)
            response["Retry-After"] = str(ratelimit.retry_after(UNSUBSCRIBE_WINDOW))
            return response
    try:
        subscription = scheduled.subscription_for_token(token)
    except scheduled.TokenError as error:
        return _unsubscribe_page(request, error.reason, status=400)
    if request.method == "POST":
        actions.unsubscribe(subscription, actor=None)
        return _unsubscribe_page(request, "done", subscription)
    return _unsubscribe_page(request, "confirm" if subscription.is_active else "already", subscription)
