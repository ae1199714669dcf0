"""Home redirect, health check and error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from opsdesk.core import outbox
from opsdesk.core.models import Heartbeat


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:sign_in")
    if getattr(user, "role", "") == "customer":
        return redirect("portal:ticket_list")
    return redirect("tickets:ticket_list")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Database reachable, when each background job last ran (null: the worker never ran it), and the outbox's
    backlog: queued mail overdue by five minutes (a stopped worker) and mail that failed in the last day."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beats = {b.name: b.at.isoformat() for b in Heartbeat.objects.all()}
    return JsonResponse({"status": "ok", "database": connection.vendor, "jobs": beats, "mail": outbox.backlog()})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404}, status=404)
