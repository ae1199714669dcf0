"""Which ticket an inbound message belongs to, most reliable first, and why (the reason is stored on the inbound row
and shown on the timeline):

1. `message_id`: one of our signed Message-IDs in In-Reply-To or References (core.outbox), newest first;
2. `reply_address`: a signed reply address (support+t42-<sig>@…) among the recipients: To, Cc, Delivered-To and
   the envelope's (core.replytokens);
3. `body_token`: the signed `[ref:t42-<sig>]` token in the text, quoted or not;
4. `subject`: the ticket number in the subject (`[#42]`, `#42`, `Ticket #42` and its translations), accepted only
   when the sender is one of the ticket's participants (its requester or a CC'd customer, by any of their
   addresses), because a number, unlike the signed references, can be guessed;
5. otherwise `new`: the message opens a new ticket.

Signed references name tickets that exist or did: a deleted ticket falls through to the next rule. Merged and closed
tickets are followed by the intake (`add_customer_reply`), which knows the rules for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from opsdesk.core import outbox, replytokens
from opsdesk.customers.models import CustomerEmail
from opsdesk.messaging.email.parse import ParsedEmail
from opsdesk.tickets.models import Ticket

MESSAGE_ID, REPLY_ADDRESS, BODY_TOKEN, SUBJECT, NEW = "message_id", "reply_address", "body_token", "subject", "new"
REASONS = (MESSAGE_ID, REPLY_ADDRESS, BODY_TOKEN, SUBJECT, NEW)

_SUBJECT_NUMBER = re.compile(
    r"\[#(?P<bracket>[1-9][0-9]{0,9})\]"
    r"|\b(?:ticket|tiketti|tukipyyntö|pyyntö|ärende|biljett|заявка|запрос|обращение|тикет|αίτημα|δελτίο)"
    r"\s*(?:n[or]\.?|№)?\s*#?\s*(?P<word>[1-9][0-9]{0,9})\b"
    r"|(?:^|[\s(\[:])#(?P<hash>[1-9][0-9]{0,9})\b",
    re.IGNORECASE,
)


def subject_number(subject: str) -> int | None:
    """The ticket number a subject names, if any ("Re: [#42] Printer", "Ticket #42", "Заявка №42")."""
    match = _SUBJECT_NUMBER.search(subject)
    if match is None:
        return None
    return int(match["bracket"] or match["word"] or match["hash"])


def _existing(ticket_id: int | None) -> Ticket | None:
    if ticket_id is None:
        return None
    return Ticket.objects.select_related("requester").filter(pk=ticket_id).first()


def is_participant(ticket: Ticket, address: str) -> bool:
    """Whether `address` belongs to the ticket's requester or one of its CC'd customers (any of their addresses)."""
    owner = CustomerEmail.objects.filter(address=address.strip().lower()).values_list("customer_id", flat=True).first()
    if owner is None:
        return False
    return owner == ticket.requester_id or ticket.cc.filter(pk=owner).exists()


def find_ticket(parsed: ParsedEmail, *, recipients: Iterable[str] = ()) -> tuple[Ticket | None, str]:
    """(the ticket, the reason) for a parsed message; (None, "new") when it starts a new ticket."""
    for reference in reversed((*parsed.references, *parsed.in_reply_to)):
        ours = outbox.parse_message_id(reference)
        if ours is not None and (ticket := _existing(ours.ticket_id)) is not None:
            return ticket, MESSAGE_ID
    addresses: Sequence[str] = (*parsed.to, *parsed.cc, *parsed.delivered_to, *recipients)
    for address in addresses:
        if (ticket := _existing(replytokens.parse_reply_address(address))) is not None:
            return ticket, REPLY_ADDRESS
    if (ticket := _existing(replytokens.find_body_token(parsed.text))) is not None:
        return ticket, BODY_TOKEN
    ticket = _existing(subject_number(parsed.subject))
    if ticket is not None and is_participant(ticket, parsed.from_address):
        return ticket, SUBJECT
    return None, NEW
