"""The staff member's notifications (the bell): the unread count in the top bar, and the list, whose opening marks
what it shows read (tickets.actions.mark_notifications_read)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import staff_required
from opsdesk.core import params
from opsdesk.core.http import AuthedRequest
from opsdesk.tickets import actions, events, timeline
from opsdesk.tickets.models import Notification

PAGE_SIZE = 50


@staff_required
@require_GET
def notification_count(request: AuthedRequest) -> HttpResponse:
    """The bell's inside (fetched by htmx, so no page pays for it): one indexed count."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "tickets/partials/notification_bell.html", {"unread": unread})


@staff_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    """The newest notifications first, a keyset page at a time; those shown unread are marked read as they are
    shown (and still flagged "new" on this page)."""
    query = Notification.objects.filter(user=request.user).select_related("event", "ticket")
    cursor = request.GET.get("cursor")
    if cursor:
        created, pk = params.decode_cursor(cursor)
        query = query.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    rows = list(query.order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    shown, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    names = timeline.names_for([n.event for n in shown])
    items = [
        {
            "notification": n,
            "sentence": events.render(n.event.kind, n.event.data, names),
            "unread": n.read_at is None,
        }
        for n in shown
    ]
    unread = [n.pk for n in shown if n.read_at is None]
    if unread:
        actions.mark_notifications_read(request.user, ids=unread)
    next_url = None
    if more:
        last = shown[-1]
        cursor = params.encode_cursor(last.created_at, last.pk)
        next_url = reverse("notifications:notification_list") + "?" + urlencode({"cursor": cursor})
    return render(request, "tickets/notification_list.html", {"items": items, "next_url": next_url})
