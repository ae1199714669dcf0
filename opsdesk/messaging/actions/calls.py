"""Phone calls: logged by an agent from the workspace (`log_call`) or posted by a telephony system through the signed
webhook (`receive_call`, idempotent on the provider's call id). Both check everything before writing, find the
customer by phone number, and link the call to an existing ticket or open one through the one intake
(`tickets.actions.create_ticket(channel="phone")`), all under the `phone` event source.

On a ticket, a finished call leaves one `call.logged` event (its sentence is also the summary of the internal note
or the new ticket's first message), so the timeline reads "Inbound call from +358…, answered by Alice, 4 min 12 s".
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.core.origin import origin
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer, CustomerPhone
from opsdesk.messaging.models import CallRecord, TelephonyProvider
from opsdesk.messaging.phone import numbers
from opsdesk.people.models import Team
from opsdesk.tickets import actions as ticket_actions
from opsdesk.tickets import events, timeline
from opsdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_NOTES = 10_000
MAX_QUEUE = 100
MAX_EXTERNAL_ID = 100
MAX_URL = 500
MAX_CALL = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)
SUMMARY_TOLERANCE = 1  # seconds a provider's own wait/talk figures may differ from ours (rounding)
Outcome = CallRecord.Outcome
Direction = CallRecord.Direction


def _error(code: str, message: str, field: str) -> ActionError:
    return ActionError(code, message, field=field, status=422)


@dataclass(frozen=True)
class CallData:
    """A call's state as given (by the form or the webhook), before it is checked and stored."""

    direction: str
    from_number: str = ""
    to_number: str = ""
    offered_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = ""
    hold_seconds: int = 0
    queue: str = ""
    recording_url: str = ""
    notes: str = ""
    agent: User | None = None
    team: Team | None = None
    wait_seconds: int | None = None  # a provider's own figures, checked against the times; never trusted alone
    talk_seconds: int | None = None


@dataclass(frozen=True)
class CheckedCall:
    data: CallData
    wait_seconds: int | None
    talk_seconds: int | None


def _number(raw: str, field: str, *, required: bool) -> str:
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise _error("required", _("Enter the phone number."), field)
        return ""
    found = numbers.normalise(raw)
    if found is None:
        raise _error("invalid_number", _("Enter a phone number such as +358 40 123 4567."), field)
    return found


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return int((later - earlier).total_seconds())


def check_call(data: CallData, *, finished: bool) -> CheckedCall:
    """Every rule of a call, before anything is written: numbers, choices, lengths, the order of its times, the
    outcome against them, and the derived seconds (and a provider's own figures against those)."""
    if data.direction not in Direction.values:
        raise _error("invalid_direction", _("Choose inbound or outbound."), "direction")
    inbound = data.direction == Direction.INBOUND
    data = replace(
        data,
        from_number=_number(data.from_number, "from_number", required=inbound),
        to_number=_number(data.to_number, "to_number", required=not inbound),
    )
    if data.outcome and data.outcome not in Outcome.values:
        raise _error("invalid_outcome", _("Choose a valid outcome."), "outcome")
    if finished and not data.outcome:
        raise _error("required", _("Choose the outcome of the call."), "outcome")
    if data.outcome == Outcome.ABANDONED and not inbound:
        raise _error("invalid_outcome", _("Only an inbound call can be abandoned."), "outcome")
    if len(data.queue) > MAX_QUEUE:
        raise _error("too_long", _("The queue name can be at most 100 characters."), "queue")
    if len(data.notes) > MAX_NOTES:
        raise _error("too_long", _("The notes can be at most 10,000 characters."), "notes")
    if data.recording_url:
        if len(data.recording_url) > MAX_URL or not data.recording_url.lower().startswith(("http://", "https://")):
            raise _error("invalid_url", _("Enter an http or https address of at most 500 characters."), "recording_url")
        try:
            URLValidator(schemes=["http", "https"])(data.recording_url)
        except ValidationError:
            raise _error(
                "invalid_url", _("Enter an http or https address of at most 500 characters."), "recording_url"
            ) from None
    if data.agent is not None and (not data.agent.is_agent_side or not data.agent.is_active):
        raise _error("invalid_agent", _("The agent must be an active staff member."), "agent")
    if not 0 <= data.hold_seconds <= MAX_CALL.total_seconds():
        raise _error("invalid_seconds", _("Enter the hold time in seconds, at most a day."), "hold_seconds")
    _check_times(data)
    wait = _seconds(data.answered_at or data.ended_at, data.offered_at)
    talk = _seconds(data.ended_at, data.answered_at)
    if talk is not None:
        if data.hold_seconds > talk:
            raise _error("invalid_seconds", _("The hold time is longer than the call."), "hold_seconds")
        talk -= data.hold_seconds
    elif data.ended_at is not None:
        talk = 0  # ended without an answer: no talk
    for name, given, ours in (("wait_seconds", data.wait_seconds, wait), ("talk_seconds", data.talk_seconds, talk)):
        if given is not None and (ours is None or abs(given - ours) > SUMMARY_TOLERANCE):
            raise _error("inconsistent", _("%(field)s does not match the call's times.") % {"field": name}, name)
    return CheckedCall(data, wait, talk)


def _check_times(data: CallData) -> None:
    if data.offered_at is None:
        raise _error("required", _("Enter when the call started."), "offered_at")
    if data.offered_at > timezone.now() + CLOCK_SKEW:
        raise _error("in_future", _("The call cannot start in the future."), "offered_at")
    if data.answered_at is not None and data.answered_at < data.offered_at:
        raise _error("invalid_order", _("A call is answered after it starts."), "answered_at")
    if data.ended_at is not None:
        if data.ended_at < (data.answered_at or data.offered_at):
            raise _error("invalid_order", _("A call ends after it starts and is answered."), "ended_at")
        if data.ended_at - data.offered_at > MAX_CALL:
            raise _error("too_long", _("A call can last at most 24 hours."), "ended_at")
    answered = data.outcome == Outcome.ANSWERED
    if answered and data.answered_at is None:
        raise _error("required", _("Enter when the call was answered."), "answered_at")
    if data.outcome and not answered and data.answered_at is not None:
        raise _error("invalid_outcome", _("An unanswered call has no answer time."), "answered_at")
    if data.outcome and data.ended_at is None:
        raise _error("required", _("Enter when the call ended."), "ended_at")
    if not data.outcome and data.ended_at is not None:
        raise _error("required", _("Choose the outcome of the call."), "outcome")


def find_customer(number: str) -> Customer | None:
    """The customer one of whose phone numbers is `number` (normalised on both sides; the oldest customer when
    several share it; a merged customer stands for the one it was merged into)."""
    if not number:
        return None
    stripped: Any = "number"
    for separator in (" ", "-", ".", "/", "(", ")", "\u00a0"):
        stripped = Replace(stripped, Value(separator), Value(""))
    candidates = (
        CustomerPhone.objects.annotate(stripped=stripped)
        .filter(stripped__endswith=numbers.match_key(number))
        .select_related("customer")
        .order_by("customer_id")
    )
    for phone in candidates:
        found = numbers.normalise(phone.number)
        if found is not None and numbers.same_number(found, number):
            customer = phone.customer
            seen = {customer.pk}
            while customer.merged_into_id and customer.merged_into_id not in seen:
                customer = Customer.objects.get(pk=customer.merged_into_id)
                seen.add(customer.pk)
            return customer
    return None


def summary(call: CallRecord) -> str:
    """The call in one sentence, in the active language: the `call.logged` sentence."""
    names = {"user": {call.agent_id: call.agent.name}} if call.agent_id and call.agent else {}
    return events.render("call.logged", _payload(call), names)


def _payload(call: CallRecord) -> dict[str, Any]:
    return {
        "call": call.pk,
        "direction": call.direction,
        "number": call.customer_number,
        "outcome": call.outcome,
        "agent": call.agent_id,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
    }


def _apply(call: CallRecord, checked: CheckedCall) -> None:
    data = checked.data
    for name in (
        "direction",
        "from_number",
        "to_number",
        "offered_at",
        "answered_at",
        "ended_at",
        "outcome",
        "hold_seconds",
        "queue",
        "recording_url",
        "notes",
        "agent",
        "team",
    ):
        setattr(call, name, getattr(data, name))
    call.wait_seconds = checked.wait_seconds
    call.talk_seconds = checked.talk_seconds


def _open_ticket(call: CallRecord, *, subject: str, actor: User | None, submission: str) -> Ticket:
    """A new ticket for the call through the one intake: the customer found by number (or created with it)."""
    customer = call.customer
    if customer is None:
        number = call.customer_number
        customer = customer_actions.create_customer(name=number, phones=[number], actor=actor)
        call.customer = customer
    if not subject:
        subject = (
            _("Phone call from %(number)s") if call.direction == Direction.INBOUND else _("Phone call to %(number)s")
        ) % {"number": call.customer_number}
    body = summary(call) + (f"\n\n{call.notes}" if call.notes else "")
    agent = call.agent if call.agent is not None and call.agent.can_reply_publicly else None
    return ticket_actions.create_ticket(
        subject=subject[:250],
        body=body,
        requester=customer,
        actor=actor,
        channel=Ticket.Channel.PHONE,
        via="call",
        public=actor is None,  # staff log the call as an internal note: nothing is mailed to the customer
        team=call.team,
        assignee=agent if actor is not None else None,
        submission=submission,
    )


def _record_on_ticket(call: CallRecord, *, actor: User | None, note: bool) -> None:
    """The ticket's `call.logged` event, once the call has ended; with the notes as an internal note."""
    if call.ticket_id is None or call.event_recorded or not call.outcome:
        return
    ticket = call.ticket
    assert ticket is not None
    timeline.record(ticket, "call.logged", actor=actor, data=_payload(call))
    if note and call.notes:
        ticket_actions.add_note(ticket, body=f"{summary(call)}\n\n{call.notes}", actor=actor, via="call")
    call.event_recorded = True


@transaction.atomic
def log_call(
    *,
    actor: User,
    direction: str,
    from_number: str = "",
    to_number: str = "",
    offered_at: datetime | None,
    answered_at: datetime | None = None,
    ended_at: datetime | None = None,
    outcome: str,
    agent: User | None = None,
    team: Team | None = None,
    hold_seconds: int = 0,
    recording_url: str = "",
    notes: str = "",
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    new_ticket: bool = False,
    subject: str = "",
    submission: str = "",
) -> CallRecord:
    """An agent logs a finished call: linked to `ticket` (which they see), to a new ticket, or to none."""
    require(actor, Capability.LOG_CALLS)
    if ticket is not None and new_ticket:
        raise _error("ticket_choice", _("Link the call to this ticket or to a new one, not both."), "ticket")
    if ticket is not None and not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise ActionError("forbidden", _("You cannot see this ticket."), field="ticket", status=403)
    if ticket is not None and ticket.merged_into_id is not None:
        raise _error("ticket_merged", _("This ticket was merged into another one."), "ticket")
    if customer is not None and customer.merged_into_id is not None:
        raise _error("customer_merged", _("This customer was merged into another one."), "customer")
    if len(subject) > 250:
        raise _error("too_long", _("The subject can be at most 250 characters."), "subject")
    checked = check_call(
        CallData(
            direction=direction,
            from_number=from_number,
            to_number=to_number,
            offered_at=offered_at,
            answered_at=answered_at,
            ended_at=ended_at,
            outcome=outcome,
            hold_seconds=hold_seconds,
            recording_url=recording_url.strip(),
            notes=notes.strip(),
            agent=agent or actor,
            team=team if team is not None else (ticket.team if ticket is not None else None),
        ),
        finished=True,
    )
    with origin("phone"):
        call = CallRecord(logged_by=actor, ticket=ticket)
        _apply(call, checked)
        call.customer = customer or (ticket.requester if ticket is not None else None)
        call.customer = call.customer or find_customer(call.customer_number)
        call.save()
        if new_ticket:
            call.ticket = _open_ticket(call, subject=subject, actor=actor, submission=submission)
        _record_on_ticket(call, actor=actor, note=not new_ticket)
        call.save(update_fields=["ticket", "customer", "event_recorded", "updated_at"])
    return call


def receive_call(
    provider: TelephonyProvider,
    *,
    external_id: str,
    given: dict[str, Any],
    ticket: Ticket | None = None,
    new_ticket: bool = False,
    agent_email: str = "",
) -> tuple[CallRecord, bool]:
    """A telephony system's post about one call: the first post creates the record, later ones (the same
    `external_id`) update it; `given` holds only the fields this post carries (CallData names). Returns (the call,
    whether it was created). A concurrent first post of the same call becomes an update, never a second row."""
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > MAX_EXTERNAL_ID:
        raise _error("invalid_external_id", _("Send the call's id, at most 100 characters."), "external_id")
    if ticket is not None and new_ticket:
        raise _error("ticket_choice", _("Link the call to this ticket or to a new one, not both."), "ticket_id")
    agent = None
    if agent_email:
        agent = User.objects.filter(email__iexact=agent_email.strip(), is_active=True).first()
        agent = agent if agent is not None and agent.is_agent_side else None  # unknown: the call is kept without one

    def run() -> tuple[CallRecord, bool]:
        return _upsert(provider, external_id, given, agent=agent, ticket=ticket, new_ticket=new_ticket)

    try:
        return _atomic(run)
    except IntegrityError:  # another post of the same call inserted it first: this one updates it
        return _atomic(run)


def _atomic(run: Callable[[], tuple[CallRecord, bool]]) -> tuple[CallRecord, bool]:
    with transaction.atomic(), origin("phone"):
        return run()


def _upsert(
    provider: TelephonyProvider,
    external_id: str,
    given: dict[str, Any],
    *,
    agent: User | None,
    ticket: Ticket | None,
    new_ticket: bool,
) -> tuple[CallRecord, bool]:
    call = (
        CallRecord.objects.select_for_update(of=("self",))
        .select_related("agent", "team", "ticket", "customer")
        .filter(provider=provider, external_id=external_id)
        .first()
    )
    created = call is None
    known = {f.name for f in fields(CallData)}
    if call is None:
        if "direction" not in given:
            raise _error("required", _("Send the call's direction."), "direction")
        base = CallData(direction=given["direction"], team=provider.team)
        call = CallRecord(provider=provider, external_id=external_id)
    else:
        base = CallData(**{name: getattr(call, name) for name in known if hasattr(call, name)})
        base = replace(base, wait_seconds=None, talk_seconds=None)
    data = replace(base, **{k: v for k, v in given.items() if k in known})
    if agent is not None:
        data = replace(data, agent=agent)
    checked = check_call(data, finished=False)
    _apply(call, checked)
    if call.customer_id is None:
        call.customer = find_customer(call.customer_number)
    if call.ticket_id is None and ticket is not None:
        call.ticket = ticket
    call.save()
    if call.ticket_id is None and new_ticket:
        call.ticket = _open_ticket(call, subject="", actor=None, submission="")
    _record_on_ticket(call, actor=None, note=True)
    provider.last_used_at = timezone.now()
    provider.save(update_fields=["last_used_at"])
    call.save(update_fields=["ticket", "customer", "event_recorded", "updated_at"])
    return call, created
