"""Outgoing mail: the admins' list by state, and sending a failed mail again (also from the ticket page)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import staff_required
from opsdesk.accounts.capabilities import Capability, check
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging import actions
from opsdesk.messaging.access import get_mail_for_user

PAGE = 50
_ID = re.compile(r"[1-9][0-9]{0,17}")  # ASCII digits only, and small enough for a 64-bit column


@staff_required
@require_GET
def mail_list(request: AuthedRequest) -> HttpResponse:
    """Newest first, one state or all, 50 a page with an "Older" link (keyset on the id, no OFFSET)."""
    check(request.user, Capability.MANAGE_SETTINGS)
    state = request.GET.get("state", "")
    before = request.GET.get("before", "")
    context: dict[str, Any] = {"state": state, "states": OutgoingMail.State.choices, "mails": [], "next_before": None}
    if state and state not in OutgoingMail.State.values:
        return render(request, "messaging/mail_list.html", {**context, "error": _("Choose a valid state.")}, status=400)
    if before and not _ID.fullmatch(before):
        error = _("This page link is not valid.")
        return render(request, "messaging/mail_list.html", {**context, "error": error}, status=400)
    mails = OutgoingMail.objects.defer("body_text", "body_html", "headers")
    if state:
        mails = mails.filter(state=state)
    if before:
        mails = mails.filter(pk__lt=int(before))
    rows = list(mails.order_by("-id")[: PAGE + 1])
    context.update(mails=rows[:PAGE], next_before=rows[PAGE - 1].pk if len(rows) > PAGE else None)
    return render(request, "messaging/mail_list.html", context)


@staff_required
@require_POST
def mail_resend(request: AuthedRequest, mail_id: int) -> HttpResponse:
    mail = get_mail_for_user(request.user, mail_id)
    try:
        actions.resend_mail(mail, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The mail to %(to)s will be sent again.") % {"to": ", ".join(mail.recipients)})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = (
            reverse("tickets:ticket_detail", args=[mail.ticket_id])
            if mail.ticket_id
            else reverse("messaging:mail_list")
        )
    return redirect_after_post(request, back)
