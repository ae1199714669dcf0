"""The read-only audit log for administrators and managers."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.audit.models import AuditEvent
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import int_param

PAGE = 100


@capability_required(Capability.VIEW_AUDIT)
@require_GET
def event_list(request: AuthedRequest) -> HttpResponse:
    qs = AuditEvent.objects.select_related("actor")
    if verb := request.GET.get("verb", "").strip():
        qs = qs.filter(verb__startswith=verb)
    if (before := int_param(request.GET, "before", default=None)) is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: PAGE + 1])
    return render(
        request,
        "audit/event_list.html",
        {"events": rows[:PAGE], "verb": verb, "next_before": rows[PAGE - 1].pk if len(rows) > PAGE else None},
    )
