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


def safe_url(request: HttpRequest, target: str, fallback: str) -> str:
    """`target` when it is a page of this site, else `fallback`: where to go back to, never another site."""
    from django.utils.http import url_has_allowed_host_and_scheme

    secure = request.is_secure()
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=secure)
    return target if target and allowed else fallback


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` the request carries (form or query string), if it is safe (`safe_url`), else `fallback`."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next") or "", fallback)


def token_in_address(response: HttpResponse) -> HttpResponse:
    """A page whose address holds a secret token (a follow link, a survey link): never sent to another site, never
    indexed. Not "no-referrer", with which browsers post the page's forms with `Origin: null`, and Django's CSRF
    check refuses them."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
