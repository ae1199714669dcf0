"""The site's own address, for every absolute link OpsDesk writes: in mail, webhook and chat posts, exports, and the
snippets and hook addresses the settings pages show to paste elsewhere.

One rule decides the address, in this order:

1. `OPSDESK_SITE_URL` when it is set: a deployment's public address (behind a proxy, what people type);
2. in a request, the address that request came to (its scheme and its Host, which Django has checked against
   ALLOWED_HOSTS), so a page or a mail made while serving it links back to where the person is;
3. outside a request (the worker, a command), the address the server listens on: `opsdesk serve` and `opsdesk demo`
   set it (`serve_at`) and pass it to the processes they start as `OPSDESK_SERVED_URL`;
4. else `http://127.0.0.1:8000`, the default address of `opsdesk serve`.

Code never adds `settings.SITE_URL` to a path, nor calls `request.build_absolute_uri`: it calls `absolute_url`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

DEFAULT = "http://127.0.0.1:8000"
SERVED_URL_VARIABLE = "OPSDESK_SERVED_URL"

_request_site: ContextVar[str] = ContextVar("opsdesk_request_site", default="")


def served_url(host: str, port: int) -> str:
    """The address a server listening on `host`:`port` is reached at on this machine: an any-address bind
    (0.0.0.0, ::) is reached on the loopback address, an IPv6 literal is written in brackets."""
    host = host.strip() or "127.0.0.1"
    if host in ("0.0.0.0", "*"):  # noqa: S104 - naming the any-address, not binding to it
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{int(port)}"


def serve_at(url: str) -> None:
    """Record the address this process serves on, for itself and for every process it starts afterwards."""
    os.environ[SERVED_URL_VARIABLE] = url.rstrip("/")


def configured() -> str:
    """`OPSDESK_SITE_URL` without its trailing slash, or "" when it is not set."""
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")


def site_url() -> str:
    """The address absolute links start with, without a trailing slash (see the module's rule)."""
    return configured() or _request_site.get() or os.environ.get(SERVED_URL_VARIABLE, "").rstrip("/") or DEFAULT


def absolute_url(path: str) -> str:
    """`path` (as `reverse()` or `get_absolute_url()` give it) as an absolute link on the site's address."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + "/" + path.lstrip("/")


def request_site(request: HttpRequest) -> str:
    """The scheme and host a request came to; "" when its Host is not one ALLOWED_HOSTS accepts."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f"{request.scheme}://{host}"


class SiteAddressMiddleware:
    """While a request is served, absolute links use the address it came to (unless OPSDESK_SITE_URL is set)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_site.set(request_site(request))
        try:
            return self.get_response(request)
        finally:
            _request_site.reset(token)
