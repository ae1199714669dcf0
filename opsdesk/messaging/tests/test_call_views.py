"""The call pages: the list (filters, scoping, a fixed query budget) and "Log a call" from a ticket or a customer,
with the calls shown on both pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsdesk.customers import actions as customer_actions
from opsdesk.messaging import actions
from opsdesk.messaging.models import CallRecord
from opsdesk.tickets.models import Ticket, TicketEvent


def _call(world: Any, *, actor: Any = None, **kwargs: Any) -> CallRecord:
    start = timezone.now() - timedelta(hours=1)
    values: dict[str, Any] = {
        "actor": actor or world.agent,
        "direction": "inbound",
        "from_number": "+358401234567",
        "offered_at": start,
        "answered_at": start + timedelta(seconds=10),
        "ended_at": start + timedelta(seconds=70),
        "outcome": "answered",
    }
    values.update(kwargs)
    return actions.log_call(**values)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_1_and_30_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for _ in range(rows):
        _call(world, ticket=world.ticket())
    client.force_login(world.agent)
    with django_assert_num_queries(5):  # session, user, teams (scope), the calls, the agents filter
        response = client.get(reverse("calls:call_list"))
    assert len(response.context["calls"]) == rows


def test_the_list_shows_the_newest_call_first_by_when_it_started_and_pages_on(
    client: Client, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now().replace(microsecond=0)

    def at(minutes_ago: int, **kwargs: Any) -> CallRecord:
        start = now - timedelta(minutes=minutes_ago)
        return _call(
            world,
            offered_at=start,
            answered_at=start + timedelta(seconds=10),
            ended_at=start + timedelta(seconds=70),
            **kwargs,
        )

    earlier = at(30)
    latest = at(5)
    same_a, same_b = at(60), at(60)  # started at the same moment: the larger id first
    logged_late = at(10)  # logged last, started between the others
    missed = _call(
        world,
        offered_at=now - timedelta(minutes=90),
        answered_at=None,
        ended_at=now - timedelta(minutes=89),
        outcome="missed",
    )
    client.force_login(world.manager)
    url = reverse("calls:call_list")
    everything = [latest.pk, logged_late.pk, earlier.pk, same_b.pk, same_a.pk, missed.pk]
    page = client.get(url)
    assert [c.pk for c in page.context["calls"]] == everything
    cells = page.content.decode().split('data-label="Talked">')[1:]
    assert [cell.split("</td>")[0] for cell in cells] == ["1 min 0 s"] * 5 + ["—"]
    monkeypatch.setattr("opsdesk.messaging.views.calls.PAGE", 2)
    first = client.get(url)
    assert [c.pk for c in first.context["calls"]] == everything[:2]
    second = client.get(url + "?" + first.context["next_query"])
    assert [c.pk for c in second.context["calls"]] == everything[2:4]
    third = client.get(url + "?" + second.context["next_query"])
    assert [c.pk for c in third.context["calls"]] == everything[4:]
    assert third.context["next_query"] == ""
    assert client.get(url + "?before=999999").context["calls"] == []


def test_the_list_filters_and_refuses_a_bad_value_naming_it(client: Client, world: Any) -> None:
    answered = _call(world)
    missed = _call(world, outcome="missed", answered_at=None, direction="outbound", to_number="+358501112222")
    client.force_login(world.manager)
    url = reverse("calls:call_list")

    def shown(query: str) -> list[int]:
        return [c.pk for c in client.get(url + query).context["calls"]]

    assert shown("") == [missed.pk, answered.pk]
    assert shown("?outcome=missed") == [missed.pk]
    assert shown("?direction=inbound") == [answered.pk]
    # the day in the reader's time zone, which the list filters by (it differs from UTC's near midnight)
    today = timezone.localdate(timezone=ZoneInfo(world.manager.time_zone))
    assert shown(f"?agent={world.agent.pk}&day={today.isoformat()}") == [missed.pk, answered.pk]
    assert shown("?day=2001-01-01") == []
    bad = client.get(url + "?outcome=lost")
    assert bad.status_code == 400
    assert "Outcome: “lost” is not one of answered, missed, abandoned, voicemail." in bad.content.decode()
    assert client.get(url + "?agent=abc").status_code == 400
    assert client.get(url + "?day=31.1.2025").status_code == 400


def test_agents_see_the_calls_of_their_tickets_and_teams_only(client: Client, world: Any) -> None:
    mine = _call(world, ticket=world.ticket())
    client.force_login(world.other_agent)
    assert list(client.get(reverse("calls:call_list")).context["calls"]) == []
    page = client.get(reverse("customers:customer_detail", args=[world.customer.pk])).content.decode()
    assert "Inbound call from +358401234567" not in page
    client.force_login(world.agent)
    assert [c.pk for c in client.get(reverse("calls:call_list")).context["calls"]] == [mine.pk]


def test_log_a_call_from_the_ticket_page(client: Client, world: Any) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    log_url = reverse("calls:call_create") + f"?ticket={ticket.pk}"
    assert f'href="{log_url}"' in page.replace("&amp;", "&")
    form = client.get(log_url)
    assert form.status_code == 200 and form.context["form"].fields["link"].initial == "ticket"
    start = timezone.localtime() - timedelta(minutes=10)
    response = client.post(
        log_url,
        {
            "direction": "inbound",
            "number": "+358 40 123 4567",
            "outcome": "answered",
            "offered_at": start.strftime("%Y-%m-%dT%H:%M:%S"),
            "duration": "4:12",
            "notes": "Refund agreed.",
            "link": "ticket",
        },
    )
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    call = CallRecord.objects.get()
    assert (call.ticket_id, call.wait_seconds, call.talk_seconds, call.agent_id) == (ticket.pk, 0, 252, world.agent.pk)
    assert TicketEvent.objects.filter(ticket=ticket, kind="call.logged").count() == 1
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Inbound call from +358401234567, answered by Alice Agent, 4 min 12 s" in page


def test_log_a_call_from_the_customer_page_prefills_the_number_and_opens_a_ticket(client: Client, world: Any) -> None:
    customer_actions.update_customer(
        world.customer,
        name=world.customer.name,
        emails=["carl@acme.example"],
        phones=["+358 50 765 4321"],
        organization=None,
        language="en",
        time_zone="Europe/Helsinki",
        actor=world.manager,
    )
    client.force_login(world.agent)
    url = reverse("calls:call_create") + f"?customer={world.customer.pk}"
    assert f'href="{url}"' in client.get(
        reverse("customers:customer_detail", args=[world.customer.pk])
    ).content.decode().replace("&amp;", "&")
    form = client.get(url)
    assert form.context["form"]["number"].value() == "+358 50 765 4321"
    assert [value for value, _label in form.context["form"].fields["link"].choices] == ["new", "none"]
    start = timezone.localtime() - timedelta(minutes=10)
    response = client.post(
        url,
        {
            "direction": "outbound",
            "number": "+358 50 765 4321",
            "outcome": "voicemail",
            "offered_at": start.strftime("%Y-%m-%dT%H:%M:%S"),
            "duration": "1",
            "link": "new",
            "subject": "Call back about the invoice",
        },
    )
    ticket = Ticket.objects.get(subject="Call back about the invoice")
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.requester_id, ticket.channel) == (world.customer.pk, "phone")
    page = client.get(reverse("customers:customer_detail", args=[world.customer.pk])).content.decode()
    assert "Outbound call to +358507654321, voicemail left" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": "call me"}, "number", "Enter a phone number such as +358 40 123 4567."),
        ({"duration": ""}, "duration", "Enter the length of the call, or when it ended."),
        ({"duration": "4:75"}, "duration", "Enter minutes, or minutes:seconds such as 4:12."),
        ({"outcome": "abandoned", "direction": "outbound"}, "outcome", "Only an inbound call can be abandoned."),
    ],
)
def test_a_bad_call_is_a_form_error(
    client: Client, world: Any, changes: dict[str, str], field: str | None, message: str
) -> None:
    client.force_login(world.agent)
    start = timezone.localtime() - timedelta(minutes=10)
    data = {
        "direction": "inbound",
        "number": "+358 40 123 4567",
        "outcome": "answered",
        "offered_at": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "duration": "3",
        "link": "none",
        **changes,
    }
    response = client.post(reverse("calls:call_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[field or "__all__"] == [message]
    assert CallRecord.objects.count() == 0


def test_light_agents_see_calls_but_cannot_log_them(client: Client, world: Any) -> None:
    ticket = world.ticket()
    _call(world, ticket=ticket)
    client.force_login(world.light_agent)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Inbound call from +358401234567" in page
    assert "Log a call" not in page
    assert client.get(reverse("calls:call_create")).status_code == 403
    assert 'href="/calls/new/">Log a call</a>' not in client.get(reverse("calls:call_list")).content.decode()
    client.force_login(world.agent)  # the Calls page offers logging a call to those who may
    assert 'href="/calls/new/">Log a call</a>' in client.get(reverse("calls:call_list")).content.decode()
