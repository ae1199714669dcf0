"""Security headers and refusals that must happen before a view runs: the Content-Security-Policy on every
response, and per-address rate limits checked before the body is read. (The one-line 403 log is in core.logs.)"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from opsdesk.core import ratelimit

# No inline script or style anywhere: templates load core/static files; htmx's own indicator style is switched off
# in base.html. Attachment downloads set their own sandboxing policy, which is kept.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add the strict policy to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class RateLimitGuardMiddleware:
    """Apply a view's `@ratelimit.guard` before CSRF checking or the view reads `request.POST` / `request.FILES`,
    so a client over its limit is refused without its body (a 1 GB upload included) being read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                view = resolve(request.path_info).func
            except Resolver404:
                view = None
            found = getattr(view, "rate_limit_guard", None)
            if isinstance(found, ratelimit.Guard) and request.method in found.methods and not found.allows(request):
                response = found.refuse(request)
                response.status_code = 429
                response["Retry-After"] = str(ratelimit.retry_after(found.window_seconds))
                return response
        return self.get_response(request)
