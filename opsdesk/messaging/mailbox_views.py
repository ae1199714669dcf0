"""Mailbox settings pages (manage channels): the list, a form to create or change one, deactivating it, and
testing its IMAP connection with the saved settings."""

from __future__ import annotations

import imaplib
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, is_htmx, redirect_after_post
from opsdesk.messaging import actions
from opsdesk.messaging.email import imap
from opsdesk.messaging.mailbox_forms import MailboxForm
from opsdesk.messaging.models import Mailbox

manage_channels = capability_required(Capability.MANAGE_CHANNELS)


@manage_channels
@require_GET
def mailbox_list(request: AuthedRequest) -> HttpResponse:
    mailboxes = (
        Mailbox.objects.select_related("team").defer("signature", "imap_password").order_by("-active", "address")
    )
    return render(request, "messaging/mailbox_list.html", {"mailboxes": mailboxes})


def _form_page(request: AuthedRequest, mailbox: Mailbox | None) -> HttpResponse:
    initial: dict[str, Any] = {"language": "en", "imap_security": Mailbox.Security.SSL, "imap_folder": "INBOX"}
    if mailbox is not None:
        initial = {
            field: getattr(mailbox, field)
            for field in (
                "name", "address", "language", "signature", "imap_host", "imap_port", "imap_security",
                "imap_username", "imap_folder", "imap_processed_folder",
            )
        }  # fmt: skip
        initial["team"] = mailbox.team_id
    form = MailboxForm(request.POST or None, initial=initial, mailbox=mailbox)
    if request.method == "POST" and form.is_valid():
        if mailbox is None:
            saved = form.apply(actions.create_mailbox, actor=request.user)
        else:
            saved = form.apply(actions.update_mailbox, mailbox, actor=request.user)
        if saved is not None:
            messages.success(request, _("Mailbox %(address)s saved.") % {"address": saved.address})
            return redirect("mailboxes:mailbox_edit", saved.pk)
    response = render(
        request,
        "messaging/mailbox_form.html",
        {"form": form, "mailbox": mailbox},
        status=400 if request.method == "POST" else 200,
    )
    patch_cache_control(response, no_store=True, private=True)  # a form with errors carries the typed password
    return response


@manage_channels
@require_http_methods(["GET", "POST"])
def mailbox_create(request: AuthedRequest) -> HttpResponse:
    return _form_page(request, None)


@manage_channels
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: AuthedRequest, mailbox_id: int) -> HttpResponse:
    return _form_page(request, get_object_or_404(Mailbox, pk=mailbox_id))


@manage_channels
@require_POST
def mailbox_set_active(request: AuthedRequest, mailbox_id: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox, pk=mailbox_id)
    active = request.POST.get("active") == "1"
    try:
        actions.set_mailbox_active(mailbox, active=active, actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, _("Mailbox %(address)s is active again.") % {"address": mailbox.address})
        else:
            messages.success(request, _("Mailbox %(address)s is deactivated.") % {"address": mailbox.address})
    return redirect_after_post(request, reverse("mailboxes:mailbox_edit", args=[mailbox.pk]))


@manage_channels
@require_POST
def mailbox_test(request: AuthedRequest, mailbox_id: int) -> HttpResponse:
    """Sign in with the saved settings and count the messages in the folder; nothing changes on the server."""
    mailbox = get_object_or_404(Mailbox, pk=mailbox_id)
    try:
        count = imap.check_connection(mailbox)
    except (OSError, imaplib.IMAP4.error, imap.ImapError) as error:
        ok, text = False, _("The connection failed. %(reason)s") % {"reason": imap.describe(error)}
    else:
        ok = True
        text = ngettext(
            "Connected. The folder %(folder)s holds %(count)d message.",
            "Connected. The folder %(folder)s holds %(count)d messages.",
            count,
        ) % {"folder": mailbox.imap_folder, "count": count}
    if is_htmx(request):
        return render(request, "messaging/partials/mailbox_test_result.html", {"ok": ok, "text": text})
    (messages.success if ok else messages.error)(request, text)
    return redirect("mailboxes:mailbox_edit", mailbox.pk)
