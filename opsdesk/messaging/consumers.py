"""The `messaging.language` event consumer: detects the language of every customer message, from every channel,
and records it on the ticket (docs/adr/0019-language-detection.md).

It runs where the event consumers run, in the worker (tickets.consumers, tickets.tasks), so the detector's
language models (messaging.language) are loaded there once and never in a web process; each batch's work commits
with the consumer's position, so a crash repeats the detection instead of losing it, and the action records a
message's detection once.
"""

from __future__ import annotations

from opsdesk.core.origin import origin
from opsdesk.messaging import language
from opsdesk.tickets import actions
from opsdesk.tickets.consumers import Staged
from opsdesk.tickets.models import Message, TicketEvent

NAME = "messaging.language"
# Messages copied by a merge or a split were detected where they were first written.
COPIED = frozenset({"merge", "split"})


def is_customer_text(event: TicketEvent) -> bool:
    """A message an end user wrote themselves: public, not automatic, not copied, and not a call's notes (the agent
    writes those)."""
    data = event.data or {}
    return (
        event.kind == "comment.added"
        and data.get("author_role") == "end_user"
        and data.get("visibility") == "public"
        and not data.get("is_automated")
        and data.get("channel") != "phone"
        and data.get("via") not in COPIED
    )


def _detect(events: list[TicketEvent]) -> list[tuple[TicketEvent, Message, language.Detection]]:
    """Each customer message in `events` not yet detected, with its language: reads and CPU time only, run before
    the batch's transaction (tickets.consumers.Staged). A ticket opened by a customer in the same batch has its
    subject read with its opening message (more text, a surer answer)."""
    opened = {e.ticket_id for e in events if e.kind == "ticket.created" and e.data.get("created_by") == "end_user"}
    wanted = [e for e in events if is_customer_text(e)]
    if not wanted:
        return []
    # the worker detects an email's language as it processes it: those messages are done already
    done = set(
        TicketEvent.objects.filter(kind="language.detected", ticket_id__in={e.ticket_id for e in wanted}).values_list(
            "data__comment", flat=True
        )
    )
    wanted = [e for e in wanted if e.data["comment"] not in done]
    if not wanted:
        return []
    messages = Message.objects.select_related("ticket").in_bulk([e.data["comment"] for e in wanted])
    found = []
    for event in wanted:
        message = messages.get(event.data["comment"])
        if message is None:  # deleted with its ticket since
            continue
        text = language.customer_text(message.body_text)
        if event.ticket_id in opened:
            opened.discard(event.ticket_id)  # only the opening message
            text = f"{language.customer_text(message.ticket.subject)}. {text}"
        found.append((event, message, language.detect(text)))
    return found


def _record(events: list[TicketEvent], found: list[tuple[TicketEvent, Message, language.Detection]]) -> None:
    """Record what `_detect` found, inside the batch's transaction; a message deleted since is passed over (the
    action records a message's detection once, so one recorded since is not recorded again)."""
    present = set(Message.objects.filter(pk__in=[message.pk for _e, message, _d in found]).values_list("pk", flat=True))
    for event, message, detection in found:
        if message.pk not in present:
            continue
        with origin("system", cause_event=event.pk, cause=f"consumer:{NAME}"):
            actions.record_detected_language(
                message, language=detection.language, confidence=detection.confidence, reason=detection.reason
            )


# Detect and record the language of each customer message in a batch of events.
detect_languages = Staged(prepare=_detect, apply=_record)
