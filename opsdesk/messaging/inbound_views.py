"""Inbound mail for admins (MANAGE_CHANNELS): the list by state, with what needs a decision first (quarantined and
ignored mail), one message's headers and source (escaped, never rendered), its raw .eml, and the two decisions:
process it again, or discard it."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import staff_required
from opsdesk.accounts.capabilities import Capability, check
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.core.params import int_param, parse_choice
from opsdesk.messaging import actions
from opsdesk.messaging.access import get_inbound_for_user
from opsdesk.messaging.email.parse import decode_header_value
from opsdesk.messaging.models import InboundEmail

PAGE = 50
ATTENTION = "attention"  # the default tab: quarantined and ignored mail
SOURCE_SHOWN = 200_000  # bytes of the source shown on the page; the download has all of it
HEADERS_SHOWN = 300
State = InboundEmail.State
REASONS = {
    "duplicate": gettext_lazy("A copy of a message already processed"),
    "bounce": gettext_lazy("A bounce (delivery failure report)"),
    "auto-submitted": gettext_lazy("Automatic (Auto-Submitted header)"),
    "precedence": gettext_lazy("Bulk or list mail (Precedence header)"),
    "list": gettext_lazy("Mailing list mail"),
    "x-autoreply": gettext_lazy("An auto-reply (X-Autoreply header)"),
    "auto-response-suppress": gettext_lazy("Automatic (X-Auto-Response-Suppress header)"),
    "mailer-daemon": gettext_lazy("From a mail server (mailer-daemon)"),
    "rate_limit": gettext_lazy("Too many messages from this sender in an hour"),
    "loop": gettext_lazy("Sent from one of our own addresses"),
    "unparseable": gettext_lazy("Could not be read"),
    "refused": gettext_lazy("Refused when writing the ticket"),
    "failed": gettext_lazy("Failed after several attempts"),
    "too_large": gettext_lazy("Too large: left on the IMAP server, headers only here"),
}
THREAD_REASONS = {
    "message_id": gettext_lazy("threaded by our Message-ID in its references"),
    "reply_address": gettext_lazy("threaded by the reply address"),
    "body_token": gettext_lazy("threaded by the reference in its text"),
    "subject": gettext_lazy("threaded by the ticket number in its subject"),
    "new": gettext_lazy("opened a new ticket"),
}


def _labelled(row: InboundEmail) -> InboundEmail:
    row.reason_label = str(REASONS.get(row.reason, row.reason))  # type: ignore[attr-defined]
    row.thread_label = str(THREAD_REASONS.get(row.thread_reason, row.thread_reason))  # type: ignore[attr-defined]
    return row


@staff_required
@require_GET
def inbound_list(request: AuthedRequest) -> HttpResponse:
    """Newest first in one tab (needs attention, a state, or all), 50 a page with an "Older" link (keyset on the
    id). A bad `state` or `before` is a 400 naming it."""
    check(request.user, Capability.MANAGE_CHANNELS)
    tabs = {ATTENTION: _("Needs attention"), **dict(State.choices), "all": _("All")}
    state = parse_choice(request.GET.get("state", ATTENTION), tabs, field="state", label=_("State"))
    rows = InboundEmail.objects.only(
        "pk", "state", "reason", "thread_reason", "sender", "subject", "received_at", "ticket_id", "attempts", "via"
    )
    if state == ATTENTION:
        rows = rows.filter(state__in=[State.QUARANTINED, State.IGNORED])
    elif state != "all":
        rows = rows.filter(state=state)
    if (before := int_param(request.GET, "before", default=None)) is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-id")[: PAGE + 1])
    context = {
        "state": state,
        "tabs": list(tabs.items()),
        "rows": [_labelled(row) for row in page[:PAGE]],
        "next_before": page[PAGE - 1].pk if len(page) > PAGE else None,
    }
    return render(request, "messaging/inbound_list.html", context)


@staff_required
@require_GET
def inbound_detail(request: AuthedRequest, inbound_id: int) -> HttpResponse:
    row = get_inbound_for_user(request.user, inbound_id)
    raw = bytes(row.raw)
    parsed = BytesHeaderParser(policy=compat32).parsebytes(raw)
    headers = [(name[:100], decode_header_value(value, 2000)) for name, value in parsed.items()[:HEADERS_SHOWN]]
    context = {
        "row": _labelled(row),
        "headers": headers,
        "more_headers": max(len(parsed.items()) - HEADERS_SHOWN, 0),
        "source": raw[:SOURCE_SHOWN].decode("utf-8", errors="replace"),
        "source_cut": len(raw) > SOURCE_SHOWN,
        "too_large": _too_large(row) if row.reason == actions.TOO_LARGE else "",
        "can_retry": row.state in (State.QUARANTINED, State.IGNORED) and row.reason != actions.TOO_LARGE,
        "can_discard": row.state in (State.QUARANTINED, State.IGNORED, State.RECEIVED),
    }
    return render(request, "messaging/inbound_detail.html", context)


def _too_large(row: InboundEmail) -> str:
    """What a header-only row is, and where its message is (the admin fetches it from there, or lets it go)."""
    return _(
        "This message (%(size)s) is larger than the limit of %(limit)s MB, so it was left on the IMAP server in "
        "folder %(folder)s (UID %(uid)s) of %(mailbox)s, flagged as read. Only its headers are stored here. To take "
        "it in, raise the limit and mark it unread on the server, then discard this entry; or answer the sender "
        "and ask for a smaller message."
    ) % {
        "size": filesizeformat(row.size),
        "limit": settings.OPSDESK_MAX_EMAIL_BYTES // (1024 * 1024),
        "folder": row.server_folder or "—",
        "uid": row.server_uid or "—",
        "mailbox": row.mailbox.address if row.mailbox else "—",
    }


@staff_required
@require_GET
def inbound_download(request: AuthedRequest, inbound_id: int) -> HttpResponse:
    row = get_inbound_for_user(request.user, inbound_id)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="inbound-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def inbound_retry(request: AuthedRequest, inbound_id: int) -> HttpResponse:
    row = get_inbound_for_user(request.user, inbound_id)
    try:
        row = actions.retry_email(row, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message processed again: %(state)s.") % {"state": row.get_state_display().lower()})
    return redirect_after_post(request, reverse("inbound_mail:inbound_detail", args=[row.pk]))


@staff_required
@require_POST
def inbound_discard(request: AuthedRequest, inbound_id: int) -> HttpResponse:
    row = get_inbound_for_user(request.user, inbound_id)
    try:
        actions.discard_email(row, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message discarded."))
    return redirect_after_post(request, reverse("inbound_mail:inbound_detail", args=[row.pk]))
