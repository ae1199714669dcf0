"""Phone calls in the workspace: the list (filtered by outcome, direction, agent and day; scoped by
`CallRecord.objects.visible_to`) and the "Log a call" form, opened from a ticket or a customer."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opsdesk.accounts.access import capability_required, staff_required
from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import int_param, parse_choice, parse_day
from opsdesk.customers.models import Customer
from opsdesk.messaging import actions
from opsdesk.messaging.forms import CallLogForm
from opsdesk.messaging.models import CallRecord
from opsdesk.tickets.access import get_ticket_for_user

PAGE = 50
# The action names the call's two numbers; the form names the customer's side and ours.
_NUMBER_FIELDS = {
    "inbound": {"from_number": "number", "to_number": "our_number"},
    "outbound": {"from_number": "our_number", "to_number": "number"},
}


@staff_required
@require_GET
def call_list(request: AuthedRequest) -> HttpResponse:
    """The newest call first, by when it started (a call logged afterwards, or posted late by a telephony system,
    takes its place in time), 50 a page (an "Older" link, keyset on the start and the id). Filters: outcome,
    direction, agent (id), day (the user's date); a bad value is a 400 naming it (core.params)."""
    params = request.GET
    calls = CallRecord.objects.visible_to(request.user).select_related("agent", "customer", "team", "ticket")
    chosen: dict[str, str] = {}
    if outcome := params.get("outcome", ""):
        chosen["outcome"] = parse_choice(
            outcome, dict(CallRecord.Outcome.choices), field="outcome", label=gettext_lazy("Outcome")
        )
        calls = calls.filter(outcome=chosen["outcome"])
    if direction := params.get("direction", ""):
        chosen["direction"] = parse_choice(
            direction, dict(CallRecord.Direction.choices), field="direction", label=gettext_lazy("Direction")
        )
        calls = calls.filter(direction=chosen["direction"])
    if (agent_id := int_param(params, "agent", default=None, label=gettext_lazy("Agent"))) is not None:
        chosen["agent"] = str(agent_id)
        calls = calls.filter(agent_id=agent_id)
    if day_text := params.get("day", ""):
        day = parse_day(day_text, field="day", label=gettext_lazy("Day"))
        start = timezone.make_aware(datetime.combine(day, time()))
        chosen["day"] = day.isoformat()
        calls = calls.filter(offered_at__gte=start, offered_at__lt=start + timedelta(days=1))
    if (before := int_param(params, "before", default=None)) is not None:
        # the page after call `before`: calls that started earlier, or at the same moment with a smaller id
        started = CallRecord.objects.filter(pk=before).values_list("offered_at", flat=True).first()
        calls = (
            calls.none()
            if started is None
            else calls.filter(Q(offered_at__lt=started) | Q(offered_at=started, pk__lt=before))
        )
    rows = list(calls.order_by("-offered_at", "-id")[: PAGE + 1])
    agents = User.objects.filter(role__in=roles_with(Capability.LOG_CALLS), is_active=True).order_by("name")
    context: dict[str, Any] = {
        "calls": rows[:PAGE],
        "chosen": chosen,
        "outcomes": CallRecord.Outcome.choices,
        "directions": CallRecord.Direction.choices,
        "agents": agents,
        "next_query": urlencode({**chosen, "before": str(rows[PAGE - 1].pk)}) if len(rows) > PAGE else "",
    }
    return render(request, "messaging/call_list.html", context)


@capability_required(Capability.LOG_CALLS)
@require_http_methods(["GET", "POST"])
def call_create(request: AuthedRequest) -> HttpResponse:
    """Log a finished call. `?ticket=<id>` logs it on a ticket the user sees (or a new one); `?customer=<id>` for a
    customer, with the customer's number filled in."""
    ticket_id = int_param(request.GET, "ticket", default=None, label=gettext_lazy("Ticket"))
    customer_id = int_param(request.GET, "customer", default=None, label=gettext_lazy("Customer"))
    ticket = get_ticket_for_user(request.user, ticket_id) if ticket_id is not None else None
    customer = (
        get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        if customer_id is not None
        else (ticket.requester if ticket is not None else None)
    )
    initial: dict[str, Any] = {"direction": CallRecord.Direction.INBOUND, "outcome": CallRecord.Outcome.ANSWERED}
    if customer is not None and (phone := customer.phones.first()) is not None:
        initial["number"] = phone.number
    form = CallLogForm(request.POST or None, initial=initial, on_ticket=ticket is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inbound = data["direction"] == CallRecord.Direction.INBOUND
        try:
            call = actions.log_call(
                actor=request.user,
                direction=data["direction"],
                from_number=data["number"] if inbound else data["our_number"],
                to_number=data["our_number"] if inbound else data["number"],
                offered_at=data["offered_at"],
                answered_at=data.get("answered_at"),
                ended_at=data.get("ended_at"),
                outcome=data["outcome"],
                notes=data["notes"],
                customer=customer,
                ticket=ticket if data["link"] == "ticket" else None,
                new_ticket=data["link"] == "new",
                subject=data["subject"],
                submission=data["submission"],
            )
        except ActionError as error:
            field = _NUMBER_FIELDS[data["direction"]].get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("The call was logged."))
            if call.ticket_id:
                return redirect("tickets:ticket_detail", call.ticket_id)
            if call.customer_id:
                return redirect("customers:customer_detail", call.customer_id)
            return redirect("calls:call_list")
    context = {"form": form, "ticket": ticket, "customer": customer}
    return render(request, "messaging/call_form.html", context, status=400 if request.method == "POST" else 200)
