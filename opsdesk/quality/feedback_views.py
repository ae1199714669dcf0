"""The customer feedback report (quality/feedback.py) for the support team: the page and its XLSX. Its read-only
link for another department is one of analytics' dashboard links, kind "feedback" (analytics/views/sharing.py:
making it and the public page)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.http import AuthedRequest
from opsdesk.quality import feedback

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIODS = {str(n): n for n in feedback.PERIODS}

view_reports = capability_required(Capability.VIEW_REPORTS)


def period_days(value: str | None) -> int:
    return PERIODS.get(value or "30", 30)


def xlsx_response(report: feedback.Report) -> HttpResponse:
    response = HttpResponse(feedback.to_xlsx(report), content_type=XLSX_TYPE)
    start, end = report.span.start.date(), (report.span.end - timedelta(days=1)).date()  # the last day shown
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
