"""Outgoing mail: the admins' list by state, and sending a failed mail again (also from the ticket page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import staff_required
from opsdesk.accounts.capabilities import Capability, check
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post, safe_next
from opsdesk.core.models import OutgoingMail
from opsdesk.core.params import int_param, parse_choice
from opsdesk.messaging import actions
from opsdesk.messaging.access import get_mail_for_user

PAGE = 50


@staff_required
@require_GET
def mail_list(request: AuthedRequest) -> HttpResponse:
    """Newest first, one state or all, 50 a page with an "Older" link (keyset on the id, no OFFSET). A bad `state`
    or `before` is a 400 naming it (core.params)."""
    check(request.user, Capability.MANAGE_SETTINGS)
    state = request.GET.get("state", "")
    if state:
        state = parse_choice(state, dict(OutgoingMail.State.choices), field="state", label=_("State"))
    mails = OutgoingMail.objects.defer("body_text", "body_html", "headers")
    if state:
        mails = mails.filter(state=state)
    if (before := int_param(request.GET, "before", default=None)) is not None:
        mails = mails.filter(pk__lt=before)
    rows = list(mails.order_by("-id")[: PAGE + 1])
    context = {
        "state": state,
        "states": OutgoingMail.State.choices,
        "mails": rows[:PAGE],
        "next_before": rows[PAGE - 1].pk if len(rows) > PAGE else None,
    }
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
    back = safe_next(
        request,
        reverse("tickets:ticket_detail", args=[mail.ticket_id]) if mail.ticket_id else reverse("messaging:mail_list"),
    )
    return redirect_after_post(request, back)
