"""Fetch one outgoing mail for a user, or fail: admins reach every mail, other staff a ticket's mail when they may
change that ticket (404 when they may not see it, 403 when they may only read it)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from opsdesk.accounts.models import Role, User
from opsdesk.core.models import OutgoingMail
from opsdesk.tickets.access import get_ticket_for_user


def get_mail_for_user(user: User, pk: int) -> OutgoingMail:
    mail = get_object_or_404(OutgoingMail, pk=pk)
    if user.role == Role.ADMIN:
        return mail
    if mail.ticket_id is None:
        raise Http404
    get_ticket_for_user(user, mail.ticket_id, write=True)
    return mail
