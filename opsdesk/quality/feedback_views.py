"""The customer feedback report (quality/feedback.py) for the support team: the page, its XLSX, and a read-only
link for another department (analytics' dashboard links, kind "feedback"; the public page is
analytics/views/sharing.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics.actions import sharing
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.core.params import parse_int
from opsdesk.core.site import absolute_url
from opsdesk.quality import feedback

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIODS = {str(n): n for n in sharing.FEEDBACK_PERIODS}

view_reports = capability_required(Capability.VIEW_REPORTS)


def period_days(value: str | None) -> int:
    return PERIODS.get(value or "30", 30)


def xlsx_response(report: feedback.Report) -> HttpResponse:
    response = HttpResponse(feedback.to_xlsx(report), content_type=XLSX_TYPE)
    start, end = report.span.start.date(), report.span.end.date()
    response["Content-Disposition"] = f'attachment; filename="opsdesk-feedback-{start}-{end}.xlsx"'
    return response


@view_reports
@require_GET
def feedback_report(request: AuthedRequest) -> HttpResponse:
    days = period_days(request.GET.get("days"))
    report = feedback.build(request.user, days=days, limit=feedback.PAGE_COMMENTS)
    return render(
        request,
        "quality/feedback.html",
        {
            **feedback.page_context(report),
            "days": days,
            "periods": PERIODS,
            "may_share": can(request.user, Capability.MANAGE_REPORTS),
            "links": True,
        },
    )


@view_reports
@require_GET
def feedback_export(request: AuthedRequest) -> HttpResponse:
    return xlsx_response(feedback.build(request.user, days=period_days(request.GET.get("days"))))


@capability_required(Capability.MANAGE_REPORTS)
@require_POST
def feedback_share(request: AuthedRequest) -> HttpResponse:
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
    link = absolute_url(reverse("analytics_shared:shared_dashboard", args=[raw]))
    return render(request, "quality/feedback_link.html", {"share": share, "link": link})
