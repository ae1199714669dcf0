"""Administrator page: the event consumers, how far each has read and how far behind it is."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.http import AuthedRequest
from opsdesk.tickets import consumers


@capability_required(Capability.MANAGE_SETTINGS)
@require_GET
def consumer_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "tickets/settings/consumer_list.html", {"consumers": consumers.lags()})
