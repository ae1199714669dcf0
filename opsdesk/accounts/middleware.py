"""The API's rate limit, per account (tokens and session together) or, without one, per IP address.

It runs before CSRF checking and body parsing (see settings.MIDDLEWARE), so a client over its limit is refused
before its request body is read. The limit's counters are shared by every process (`core.ratelimit`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from opsdesk.accounts.api_auth import find_token
from opsdesk.core import ratelimit

WINDOW = 60


def api_rate_limit_key(request: HttpRequest) -> str:
    token = find_token(request)
    if token is not None:
        return f"api:user:{token.user_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"api:user:{user.pk}"
    return ratelimit.ip_key("api", request)


@cache
def _documents() -> frozenset[str]:
    """The API's own documentation (the OpenAPI document and the Swagger page): static, not limited."""
    return frozenset({reverse("api:openapi-json"), reverse("api:openapi-view")})


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path.startswith("/api/")
            and path not in _documents()
            and not ratelimit.hit(
                api_rate_limit_key(request), limit=settings.OPSDESK_API_RATE_LIMIT, window_seconds=WINDOW
            )
        ):
            message = _("Too many requests. Wait and try again.")
            response = JsonResponse({"code": "rate_limited", "message": message, "field": None}, status=429)
            response["Retry-After"] = str(ratelimit.retry_after(WINDOW))
            return response
        return self.get_response(request)
