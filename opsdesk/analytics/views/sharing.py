"""Saved dashboard views, and read-only dashboard links for other departments (no account needed; expiring,
revocable, rate-limited per address like every public page)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics import cuts, dashboard, periods
from opsdesk.analytics.actions import sharing
from opsdesk.analytics.models import DashboardShare, DashboardView
from opsdesk.analytics.views.access import reads_figures
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.core.params import parse_int
from opsdesk.core.site import absolute_url
from opsdesk.quality import feedback
from opsdesk.quality.feedback_views import xlsx_response

manage_reports = capability_required(Capability.MANAGE_REPORTS)
signed_in = capability_required(Capability.USE_WORKSPACE)


def _may_save(request: AuthedRequest) -> None:
    if not reads_figures(request.user):
        raise PermissionDenied


def _dashboard_url(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return reverse("analytics:dashboard") + ("?" + urlencode(params) if params else "")


@signed_in
@require_POST
def view_save(request: AuthedRequest) -> HttpResponse:
    _may_save(request)
    try:
        cuts.parse(request.POST)  # a view keeps only filters that read
        view = sharing.save_view(name=request.POST.get("name", ""), params=request.POST, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, _dashboard_url(sharing.kept_params(request.POST)))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect_after_post(request, _dashboard_url(view.params))


@signed_in
@require_POST
def view_delete(request: AuthedRequest, dashboard_view_id: int) -> HttpResponse:
    view = get_object_or_404(DashboardView, pk=dashboard_view_id, owner=request.user)
    sharing.delete_view(view, actor=request.user)
    messages.success(request, _("View deleted."))
    return redirect_after_post(request, reverse("analytics:dashboard"))


@manage_reports
@require_GET
def share_list(request: AuthedRequest) -> HttpResponse:
    shares = DashboardShare.objects.select_related("created_by").order_by("-created_at")[:100]
    return render(request, "analytics/share_list.html", {"shares": shares, "here": "shares"})


@manage_reports
@require_POST
def share_create(request: AuthedRequest) -> HttpResponse:
    cuts.parse(request.POST)
    days = parse_int(request.POST.get("days") or 30, field="days", label=_("Days"), maximum=10_000)
    try:
        share, raw = sharing.share_dashboard(
            label=request.POST.get("label", ""), days=days, params=request.POST, actor=request.user
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, _dashboard_url(sharing.kept_params(request.POST)))
    return _created(request, share, raw, "analytics/share_created.html")


@manage_reports
@require_POST
def share_revoke(request: AuthedRequest, share_id: int) -> HttpResponse:
    share = get_object_or_404(DashboardShare, pk=share_id)
    sharing.revoke_share(share, actor=request.user)
    messages.success(request, _("The link no longer works."))
    return redirect_after_post(request, reverse("analytics:share_list"))


@manage_reports
@require_POST
def feedback_share(request: AuthedRequest) -> HttpResponse:
    """A read-only link to the customer feedback report (quality/feedback.py), from that report's page."""
    days = parse_int(request.POST.get("valid_days") or 30, field="valid_days", label=_("Days"), maximum=10_000)
    period = parse_int(request.POST.get("days") or 30, field="days", label=_("Period"), maximum=10_000)
    try:
        share, raw = sharing.share_feedback(
            label=request.POST.get("label", ""),
            days=days,
            period_days=period,
            comments=request.POST.get("comments") == "on",
            actor=request.user,
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, reverse("qa:feedback") + f"?days={period}")
    return _created(request, share, raw, "quality/feedback_link.html")


def _created(request: AuthedRequest, share: DashboardShare, raw: str, template: str) -> HttpResponse:
    """The page that shows a new link once (its token is stored only hashed)."""
    link = absolute_url(reverse("analytics_shared:shared_dashboard", args=[raw]))
    return render(request, template, {"share": share, "link": link, "here": "shares"})


def _refuse(request: HttpRequest) -> HttpResponse:
    page = render(request, "analytics/shared_gone.html", {"too_many": True}, status=429)
    page["Retry-After"] = "60"
    return page


@ratelimit.guard(
    "shared_dashboard",
    limit=lambda: int(settings.OPSDESK_SHARED_DASHBOARD_RATE_LIMIT),
    window_seconds=60,
    counts_every_request=True,
    refuse=_refuse,
)
@require_GET
def shared_dashboard(request: HttpRequest, token: str) -> HttpResponse:
    share = sharing.find_share(token)
    if share is None:
        return render(request, "analytics/shared_gone.html", {"too_many": False}, status=404)
    if share.kind == DashboardShare.Kind.FEEDBACK:
        return _shared_feedback(request, share, token)
    parsed = cuts.parse(share.params)
    cut = parsed.cut
    charts = dashboard.charts(cut)
    response = render(
        request,
        "analytics/shared.html",
        {
            "share": share,
            "cut": cut,
            "period_text": dashboard.period_text(cut.period),
            "cards": dashboard.cards(cut, parsed.compare, dashboard.CARDS, []),
            "compare_text": dashboard.period_text(parsed.compare.period) if parsed.compare else "",
            "chart_data": {
                key: charts[key]
                for key in ("labels", "created", "solved", "backlog", "frt_hours", "channels", "distribution")
            },
            "heat": dashboard.heat_rows(charts["heatmap"]),
            "hours": list(range(24)),
            "span_text": dashboard.period_text(charts["span"]),
            "zone": periods.zone_name(),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


def _feedback(share: DashboardShare) -> feedback.Report | None:
    """The feedback report a link shows, read as the person who shared it (their tickets); none once they left."""
    author = share.created_by
    if author is None or not author.is_active or not can(author, Capability.MANAGE_REPORTS):
        return None
    days = int(share.params.get("days", 30))
    limit = feedback.MAX_COMMENTS if share.params.get("comments") == "1" else 0
    return feedback.build(author, days=days, limit=limit)


def _shared_feedback(request: HttpRequest, share: DashboardShare, token: str) -> HttpResponse:
    report = _feedback(share)
    if report is None:
        return render(request, "analytics/shared_gone.html", {"too_many": False}, status=404)
    response = render(
        request,
        "quality/feedback_shared.html",
        {
            **feedback.page_context(report),
            "share": share,
            "show_comments": share.params.get("comments") == "1",
            "xlsx_url": reverse("analytics_shared:shared_feedback_xlsx", args=[token]),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


@ratelimit.guard(
    "shared_dashboard",
    limit=lambda: int(settings.OPSDESK_SHARED_DASHBOARD_RATE_LIMIT),
    window_seconds=60,
    counts_every_request=True,
    refuse=_refuse,
)
@require_GET
def shared_feedback_xlsx(request: HttpRequest, token: str) -> HttpResponse:
    share = sharing.find_share(token)
    report = _feedback(share) if share is not None and share.kind == DashboardShare.Kind.FEEDBACK else None
    if report is None:
        return render(request, "analytics/shared_gone.html", {"too_many": False}, status=404)
    response = xlsx_response(report)
    response["X-Robots-Tag"] = "noindex"
    return response
