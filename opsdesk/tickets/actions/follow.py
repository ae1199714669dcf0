"""Follow links: how a requester without a portal login reads and answers one request from its acknowledgement
(docs/adr/0029-follow-links-for-senders-without-account.md).

The acknowledgement carries the link; its token is the mail's own secret (core.outbox.mail_secret), filled in only
when the mail is sent, so neither the outbox row nor the job queue holds it, and only its SHA-256 is stored here.
A link opens one ticket for `OPSDESK_FOLLOW_LINK_DAYS` (90) days; merging the ticket into another revokes it, and
deleting the ticket deletes it. A reply through it is the intake's `add_customer_reply`, as an emailed reply is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from opsdesk.core import outbox
from opsdesk.tickets.models import FollowLink, Ticket

if TYPE_CHECKING:
    from opsdesk.core.models import OutgoingMail
    from opsdesk.customers.models import Customer


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def wants_follow_link(customer: Customer) -> bool:
    """Whether mail to this requester should carry a follow link: they have no portal login to follow it with."""
    user = customer.user if customer.user_id else None
    return user is None or not user.is_active


def issue_follow_link(ticket: Ticket, *, mail: OutgoingMail) -> FollowLink:
    """Store the hash of the link `mail` carries (queued with `has_secret`), in the transaction that queued it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_follow_link() belongs inside the transaction that queues its mail")
    return FollowLink.objects.create(
        ticket=ticket,
        customer_id=ticket.requester_id,
        token_hash=hash_token(outbox.mail_secret(mail)),
        expires_at=timezone.now() + timedelta(days=settings.OPSDESK_FOLLOW_LINK_DAYS),
    )


def revoke_follow_links(ticket: Ticket) -> int:
    """Stop every link of `ticket` (it was merged into another); returns how many were live."""
    return FollowLink.objects.filter(ticket=ticket, revoked_at__isnull=True).update(revoked_at=timezone.now())


class FollowLinkError(Exception):
    """A link that opens nothing: `reason` is "invalid" (unknown, altered, or its request moved to someone else),
    "expired" or "revoked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Followed:
    """What a valid link opens: the ticket and the customer who writes through it."""

    link: FollowLink
    ticket: Ticket
    customer: Customer


def follow_link_for(raw: str) -> Followed:
    """The ticket a link opens, or FollowLinkError. The token is compared by its hash (a database lookup by a value
    the caller cannot choose the hash of), so no timing of a comparison leaks how much of a guess was right."""
    if not raw or len(raw) > 100:
        raise FollowLinkError("invalid")
    link = (
        FollowLink.objects.select_related("ticket__status", "customer__user").filter(token_hash=hash_token(raw)).first()
    )
    if link is None:
        raise FollowLinkError("invalid")
    if link.revoked_at is not None or link.ticket.merged_into_id is not None:
        raise FollowLinkError("revoked")
    if link.expires_at <= timezone.now():
        raise FollowLinkError("expired")
    customer = link.customer
    seen = {customer.pk}
    while customer.merged_into_id and customer.merged_into_id not in seen:  # the customer was merged: write as the
        customer = type(customer).objects.select_related("user").get(pk=customer.merged_into_id)  # one they became
        seen.add(customer.pk)
    if link.ticket.requester_id != customer.pk:
        raise FollowLinkError("invalid")  # the request was given to another requester since
    return Followed(link=link, ticket=link.ticket, customer=customer)
