"""The language of a customer's message, as detected by the `messaging.language` consumer, applied to its ticket
(docs/adr/0019-language-detection.md).

The rule, in one place:
- a detected language is kept on the ticket (`detected_language`, filterable) whether it is used or not;
- it becomes the ticket's language when it is one of the interface's languages and the customer's language is not
  known (`Customer.language_confirmed`: chosen by the customer or set by staff);
- no language (a short, mixed or uncertain text) on the ticket's first detection falls back to the mailbox's
  default language, when the ticket has a mailbox and the customer's language is not known; later messages without
  a clear language change nothing ("Thanks!" does not undo the Greek of the first message);
- the customer's own language follows a used detection while it is not known (replies then go out in it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer
from opsdesk.tickets import timeline
from opsdesk.tickets.actions.common import _lock
from opsdesk.tickets.models import Message, TicketEvent, TicketStatus

KIND = "language.detected"
REASONS = ("short", "mixed", "uncertain")


@transaction.atomic
def record_detected_language(
    message: Message, *, language: str | None, confidence: float, reason: str = ""
) -> TicketEvent | None:
    """Record the detection of `message`'s language on its ticket and apply the rule above. Safe to run twice (a
    message's detection is recorded once); a closed ticket is left as it is (None)."""
    if language is None and reason not in REASONS:
        raise ValueError(f"A detection without a language needs a reason, one of {REASONS}")
    if language is not None and (not language.isalpha() or len(language) > 8):
        raise ValueError(f"Not a language code: {language!r}")
    ticket = _lock(message.ticket)
    if ticket.status_category == TicketStatus.Category.CLOSED:
        return None
    # a ticket's detections are few: one query tells whether this message's is recorded and whether it is the first
    detected = set(TicketEvent.objects.filter(ticket=ticket, kind=KIND).values_list("data__comment", flat=True))
    if message.pk in detected:
        return None
    first = not detected
    customer = Customer.objects.get(pk=message.author_customer_id or ticket.requester_id)
    before = (ticket.language, ticket.detected_language)
    interface = {code for code, _name in settings.LANGUAGES}
    target = fallback = mailbox_language = None
    if language is not None:
        ticket.detected_language = language
        if customer.language_confirmed:
            fallback = "known"
        elif language not in interface:
            fallback = "unsupported"
        else:
            target = language
    else:
        fallback = reason
        if first and not customer.language_confirmed and ticket.mailbox is not None and ticket.mailbox.language:
            target = mailbox_language = ticket.mailbox.language
    applied = target is not None and target != ticket.language
    if applied and target is not None:
        ticket.language = target
    if (ticket.language, ticket.detected_language) != before:
        ticket.save(update_fields=["language", "detected_language"])
    if language is not None and fallback is None and customer.language != language:
        customer_actions.set_detected_language(customer, language=language)
    return timeline.record(
        ticket,
        KIND,
        actor=None,
        role="system",
        data={
            "comment": message.pk,
            "language": language,
            "confidence": max(0, min(100, round(confidence * 100))),
            "applied": applied,
            "fallback": fallback,
            "mailbox_language": mailbox_language,
            "ticket_language": ticket.language,
        },
    )
