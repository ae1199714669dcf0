"""Small helpers for views: page-or-partial rendering, post/redirect for htmx, the typed request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

if TYPE_CHECKING:
    from opsdesk.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """An htmx swap gets the fragment; everything else gets the whole page."""
    template = partial if is_htmx(request) and not request.headers.get("HX-Boosted") else page
    return render(request, template, context, status=status)


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))
