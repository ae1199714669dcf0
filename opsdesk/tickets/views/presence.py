"""The ticket page's collision warning: the stream of who else has the ticket open, and the composer's "replying"
report (opsdesk/messaging/presence.py keeps the state)."""

from __future__ import annotations

import re

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import staff_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import InvalidParameter, parse_choice
from opsdesk.messaging import presence
from opsdesk.messaging.chat import streams
from opsdesk.tickets.access import get_ticket_for_user

CONNECTION = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def _connection(value: str | None) -> str:
    if not value or not CONNECTION.match(value):
        raise InvalidParameter("conn", _("The page's connection id is not valid."))
    return value


@require_GET
async def ticket_presence_events(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    """The stream of one open ticket page: `presence` events naming the others present."""
    user = await request.auser()
    if not user.is_authenticated or not can(user, Capability.USE_WORKSPACE):
        raise PermissionDenied
    await sync_to_async(get_ticket_for_user)(user, ticket_id)  # 404 for a ticket the user cannot see
    conn = _connection(request.GET.get("conn"))
    await sync_to_async(streams.release_connection)()
    return streams.response(
        presence.ticket_stream(ticket_id, conn=conn, user_id=user.pk, name=user.name, language=user.language)
    )


@staff_required
@require_POST
def ticket_presence(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """The composer reports typing ("replying") or its end ("viewing")."""
    get_ticket_for_user(request.user, ticket_id)
    conn = _connection(request.POST.get("conn"))
    state = parse_choice(request.POST.get("state"), {s: s for s in presence.STATES}, field="state", label=_("State"))
    told: presence.State = "replying" if state == "replying" else "viewing"
    if presence.mark(ticket_id, conn=conn, user_id=request.user.pk, name=request.user.name, state=told):
        presence.announce(ticket_id)
    return HttpResponse(status=204)
