"""Writes on outgoing mail: sending a failed mail again, with an audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.accounts.models import User
from opsdesk.audit import actions as audit
from opsdesk.core import outbox
from opsdesk.core.errors import ActionError
from opsdesk.core.models import OutgoingMail
from opsdesk.messaging.access import may_resend


@transaction.atomic
def resend_mail(mail: OutgoingMail, *, actor: User) -> OutgoingMail:
    """Queue a failed mail again (refused unless it failed and has not expired); the worker sends it as before.

    Whoever manages settings may send any mail again; other staff a ticket's mail when they may change the ticket."""
    if not may_resend(actor, mail):
        raise ActionError("forbidden", _("Your role does not allow this."), status=403)
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    before = {"attempts": mail.attempts, "last_error": mail.last_error}
    mail = outbox.requeue(mail)
    audit.record(
        actor=actor,
        verb="mail.resent",
        target=mail,
        data={"kind": mail.kind, "ticket": mail.ticket_id, "recipients": mail.recipients, **before},
    )
    return mail
