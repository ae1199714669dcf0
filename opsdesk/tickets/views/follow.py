"""The page a follow link opens (actions/follow.py, ADR 0029): one request's status and public conversation, and a
reply form, for its requester without a portal login and without signing in.

The token in the address decides everything: no session, no role. An unknown, altered, expired or revoked token
gets a page saying so and nothing of any request. Visits and replies count against a per-address limit, as the
report unsubscribe links do; the page is never cached and sends its address (with the token) to no other site."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.http import token_in_address
from opsdesk.tickets import actions
from opsdesk.tickets.actions.follow import Followed, FollowLinkError, follow_link_for, wants_follow_link
from opsdesk.tickets.forms import FollowReplyForm
from opsdesk.tickets.models import Message, Ticket

FOLLOW_SCOPE = "follow-link"
FOLLOW_WINDOW = 600
# what each refusal says is in the template; its HTTP status here
REFUSED = {"invalid": 404, "expired": 410, "revoked": 410, "too_many": 429}


def _limit() -> int:
    return int(settings.OPSDESK_FOLLOW_RATE_LIMIT)


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    response = render(request, "portal/follow_refused.html", {"state": state}, status=REFUSED[state])
    if state == "too_many":
        response["Retry-After"] = str(ratelimit.retry_after(FOLLOW_WINDOW))
    return token_in_address(response)


def _refuse_follow(request: HttpRequest) -> HttpResponse:
    return _refused(request, "too_many")


def _page(request: HttpRequest, followed: Followed, form: FollowReplyForm, status: int = 200) -> HttpResponse:
    ticket = followed.ticket
    public = list(
        ticket.messages.filter(visibility=Message.Visibility.PUBLIC)
        .select_related("author_user", "author_customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    response = render(
        request,
        "portal/follow_detail.html",
        {
            "ticket": ticket,
            "messages_list": public,
            "form": form,
            # the portal only when they have a login now; there is no sign-up to offer (ADR 0029)
            "has_portal_login": not wants_follow_link(followed.customer),
        },
        status=status,
    )
    return token_in_address(response)


@never_cache
@ratelimit.guard(
    FOLLOW_SCOPE, limit=_limit, window_seconds=FOLLOW_WINDOW, counts_every_request=True, refuse=_refuse_follow
)
@require_http_methods(["GET", "POST"])
def follow_request(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the request; POST adds the sender's reply through the intake, once per submission token."""
    if request.method == "GET":  # the guard counts posts before their body is read; visits are counted here
        key = ratelimit.ip_key(FOLLOW_SCOPE, request)
        if not ratelimit.hit(key, limit=_limit(), window_seconds=FOLLOW_WINDOW):
            return _refuse_follow(request)
    try:
        followed = follow_link_for(token)
    except FollowLinkError as error:
        return _refused(request, error.reason)
    with translation.override(_language(request, followed)):
        return _follow(request, followed, token)


def _language(request: HttpRequest, followed: Followed) -> str:
    """The requester's language, as their mail was in, unless this browser chose one (?lang=, or its cookie)."""
    if request.GET.get("lang") or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return followed.customer.language if followed.customer.language in codes else settings.LANGUAGE_CODE


def _follow(request: HttpRequest, followed: Followed, token: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, followed, FollowReplyForm())
    form = FollowReplyForm(request.POST)
    if form.is_valid():
        try:
            message = actions.add_customer_reply(
                followed.ticket,
                body=form.cleaned_data["body"],
                customer=followed.customer,
                actor=None,
                channel=Ticket.Channel.WEB,
                via="follow_link",
                submission=form.cleaned_data["submission"],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if message.ticket_id != followed.ticket.pk:
                text = _("This request was closed, so we opened a new one, #%(n)s; its confirmation email links to it.")
                messages.success(request, text % {"n": message.ticket_id})
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect("follow_request", token)
    return _page(request, followed, form, status=400)
