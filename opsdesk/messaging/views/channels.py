"""The channel settings hub (manage channels): one page that lists every channel's settings page with what it is,
the target of the navigation's "Channels" entry and of the Settings page's link."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core.http import AuthedRequest


@capability_required(Capability.MANAGE_CHANNELS)
@require_GET
def channel_index(request: AuthedRequest) -> HttpResponse:
    pages = [
        (
            reverse("mailboxes:mailbox_list"),
            _("Mailboxes"),
            _("The addresses customers write to: the team and language of their tickets, and where mail is fetched."),
        ),
        (
            reverse("inbound_mail:inbound_list"),
            _("Inbound mail"),
            _("Every message received, as it arrived; mail that was ignored or quarantined waits here for a decision."),
        ),
        (
            reverse("chat:widget_list"),
            _("Chat widgets"),
            _("The live chat boxes on your websites: which sites may show them and which team answers."),
        ),
        (
            reverse("channel_settings:webform_list"),
            _("Web forms"),
            _("Contact forms on your websites or here, each one opening tickets for its team."),
        ),
        (
            reverse("channel_settings:telephony_list"),
            _("Telephony"),
            _("Phone systems that report calls to a signed webhook, so each call is logged on its customer."),
        ),
    ]
    return render(request, "messaging/channel_index.html", {"pages": pages})
