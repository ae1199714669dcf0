"""Who may reach an outgoing mail: whoever manages settings reaches every mail; other staff reach a ticket's mail
when they may change that ticket (404 when they may not see it, 403 when they may only read it). Inbound mail is
for those who manage the channels."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from opsdesk.accounts.capabilities import Capability, can, check
from opsdesk.accounts.models import User
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging.models import InboundEmail
from opsdesk.tickets.access import can_edit, get_ticket_for_user
from opsdesk.tickets.models import Ticket


def may_resend(user: User, mail: OutgoingMail) -> bool:
    if can(user, Capability.MANAGE_SETTINGS):
        return True
    ticket = Ticket.objects.visible_to(user).filter(pk=mail.ticket_id).first() if mail.ticket_id else None
    return ticket is not None and can_edit(user, ticket)


def get_mail_for_user(user: User, pk: int) -> OutgoingMail:
    mail = get_object_or_404(OutgoingMail, pk=pk)
    if can(user, Capability.MANAGE_SETTINGS):
        return mail
    if mail.ticket_id is None:
        raise Http404
    get_ticket_for_user(user, mail.ticket_id, write=True)
    return mail


def get_inbound_for_user(user: User, pk: int) -> InboundEmail:
    """An inbound message, for those who manage the channels (403 for others, before the id is looked up)."""
    check(user, Capability.MANAGE_CHANNELS)
    return get_object_or_404(InboundEmail.objects.select_related("mailbox"), pk=pk)
