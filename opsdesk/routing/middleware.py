"""Activity keeps an agent online: a signed-in assignable user's request writes `last_active_at` at most once per
OPSDESK_ROUTING_ACTIVITY_SECONDS (per process, remembered in memory), so most requests cost nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.routing.actions import record_activity

logger = logging.getLogger(__name__)

# user id -> monotonic time of the last write from this process
_last_written: dict[int, float] = {}


def forget() -> None:
    """Tests: start from no remembered activity."""
    _last_written.clear()


class ActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        every = settings.OPSDESK_ROUTING_ACTIVITY_SECONDS
        user = getattr(request, "user", None)
        if every > 0 and user is not None and user.is_authenticated and response.status_code < 500:
            now = time.monotonic()
            last = _last_written.get(user.pk)
            if (last is None or now - last >= every) and can(user, Capability.BE_ASSIGNED):
                _last_written[user.pk] = now
                try:
                    record_activity(user)
                except DatabaseError:  # the page was served; presence is caught up by the next request
                    logger.warning("Could not record the activity of user %s", user.pk, exc_info=True)
        return response
