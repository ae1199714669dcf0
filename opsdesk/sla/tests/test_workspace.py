"""SLA in the workspace: the ticket page's panel, the inbox's next-due order, column and At risk view, and the
customer's "we aim to reply by"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.sla import status
from opsdesk.sla.actions import tracking
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.tests.test_tracking import START, consume, standard, start_consuming
from opsdesk.tickets import actions
from opsdesk.tickets.models import Ticket, TicketEvent, TicketStatus


def clock_lines(html: str) -> list[str]:
    """The SLA panel's clocks as the reader sees them: one line of text each."""
    panel = html.split('<div class="panel sla-panel"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li class="sla-clock ([^"]*)">(.*?)</li>', panel, re.S)
    return [f"[{css}] " + " ".join(re.sub(r"<[^>]+>", " ", body).split()) for css, body in items]


def page(client: Client, ticket: Ticket, at: datetime, user: Any) -> str:
    with time_machine.travel(at, tick=False):
        client.force_login(user)  # a session of then: one made now would have expired by 2027
        return client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()


def event_id(ticket: Ticket, kind: str) -> int:
    return TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("-at", "-id").values_list("pk", flat=True)[0]


@pytest.fixture
def reply_hour(world: Any) -> Ticket:
    """A customer's ticket opened at START under a round-the-clock first reply target of one hour."""
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 3600, business_hours=False))
    with time_machine.travel(START, tick=False):
        ticket = world.ticket(subject="Printer")
    consume(START + timedelta(seconds=5))
    return Ticket.objects.get(pk=ticket.pk)


def test_the_panel_shows_a_running_clock_with_its_due_time_and_time_left(
    client: Client, world: Any, reply_hour: Ticket
) -> None:
    html = page(client, reply_hour, START + timedelta(minutes=20), world.agent)  # Europe/Helsinki, English
    activated = event_id(reply_hour, "sla.activated")
    assert clock_lines(html) == [
        "[sla-running] First reply Running Due 3 Mar 2027, 12:00 40 min left In the history",
    ]
    assert '<p class="small muted">Policy: Standard</p>' in html
    assert f'<a href="#event-{activated}">In the history</a>' in html
    assert f'<li id="event-{activated}">' in html  # the anchor it jumps to
    assert 'data-sla-due="2027-03-03T12:00:00+02:00"' in html
    assert '<script id="sla-words" type="application/json">' in html
    assert '<script src="/static/sla/countdown.js" defer></script>' in html


def test_the_panel_shows_a_breached_clock_counting_on_overdue(client: Client, world: Any, reply_hour: Ticket) -> None:
    tracking.check_due(START + timedelta(hours=1, seconds=30))
    html = page(client, reply_hour, START + timedelta(hours=1, minutes=12), world.agent)
    assert clock_lines(html) == [
        "[sla-breached] First reply Breached Due 3 Mar 2027, 12:00 overdue by 12 min In the history",
    ]
    assert f'<a href="#event-{event_id(reply_hour, "sla.breached")}">' in html
    assert '<span class="sla-due sla-overdue" data-sla-due="2027-03-03T12:00:00+02:00">overdue by 12 min</span>' in html


def test_the_panel_shows_a_paused_clock_with_what_is_left_and_settled_ones(client: Client, world: Any) -> None:
    start_consuming()
    standard(
        world.manager,
        TargetInput("normal", "first_reply", 3600, business_hours=False),
        TargetInput("normal", "requester_wait", 4 * 3600, business_hours=False),
    )
    with time_machine.travel(START, tick=False):
        ticket = world.ticket(subject="VPN")
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        actions.reply_to_ticket(ticket, body="Looking", actor=world.agent)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        actions.change_status(ticket, status=TicketStatus.objects.get(name="Pending"), actor=world.agent)
    consume(START + timedelta(hours=1, seconds=1))
    html = page(client, ticket, START + timedelta(hours=2), world.agent)
    assert clock_lines(html) == [
        "[sla-achieved] First reply Achieved Met at 3 Mar 2027, 11:30 In the history",
        "[sla-paused] Requester wait time Paused 3 h 0 min left when it resumes In the history",
    ]
    events = TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    found = status.clocks_for(ticket.pk, events, now=START + timedelta(hours=2))
    assert found is not None
    assert [(c.metric, c.state, c.counting, c.left_seconds) for c in found.clocks] == [
        ("first_reply", "achieved", False, None),
        ("requester_wait", "paused", False, 3 * 3600),
    ]


def test_a_ticket_without_a_policy_says_so(client: Client, world: Any) -> None:
    ticket = world.ticket()
    client.force_login(world.agent)
    html = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert '<p class="small muted">No SLA policy applies to this ticket yet.</p>' in html
    assert "sla-words" not in html


# --- the inbox -------------------------------------------------------------------------------------------------


def with_deadlines(world: Any, minutes: list[int | None], **kwargs: Any) -> list[Ticket]:
    """Tickets whose earliest counting deadline is START + each number of minutes (None: nothing counting)."""
    made = []
    for index, offset in enumerate(minutes):
        ticket = world.ticket(subject=f"T{index}", **kwargs)
        due = START + timedelta(minutes=offset) if offset is not None else None
        Ticket.objects.filter(pk=ticket.pk).update(sla_deadline_at=due)
        made.append(ticket)
    return made


def numbers(client: Client, user: Any, query: str, at: datetime = START) -> list[int]:
    with time_machine.travel(at, tick=False):
        client.force_login(user)
        return [t.pk for t in client.get(reverse("tickets:ticket_list") + query).context["tickets"]]


def test_next_due_lists_only_counting_tickets_earliest_first_and_says_so(client: Client, world: Any) -> None:
    late, later, none, early = with_deadlines(world, [30, 90, None, -15])
    assert numbers(client, world.admin, "?view=open&sort=due") == [early.pk, late.pk, later.pk]
    assert none.pk in numbers(client, world.admin, "?view=open")
    with time_machine.travel(START, tick=False):
        due = client.get(reverse("tickets:ticket_list") + "?view=open&sort=due").content.decode()
        updated = client.get(reverse("tickets:ticket_list") + "?view=open").content.decode()
    line = "Only tickets with an SLA clock counting are listed, the earliest due first."
    link = '<a href="/sla/risk/">Breach risk by team</a>'
    assert f'<p class="small muted" id="only-counting">{line} {link}</p>' in due
    assert line not in updated


def test_next_due_pages_with_a_keyset_cursor_without_gaps_or_repeats(client: Client, world: Any) -> None:
    offsets: list[int | None] = [(i * 37) % 120 - 30 for i in range(120)] + [None] * 5
    offsets[7] = offsets[8] = offsets[60] = 0  # equal deadlines: the ticket number breaks the tie
    made = with_deadlines(world, offsets)
    counting = [(o, t.pk) for o, t in zip(offsets, made, strict=True) if o is not None]
    expected = [pk for _o, pk in sorted(counting)]
    client.force_login(world.admin)
    seen: list[int] = []
    sizes = []
    url: str | None = reverse("tickets:ticket_list") + "?view=open&sort=due"
    while url:
        response = client.get(url)
        sizes.append(len(response.context["tickets"]))
        seen += [t.pk for t in response.context["tickets"]]
        url = response.context["next_url"]
    assert seen == expected
    assert sizes == [50, 50, 20]


@pytest.mark.parametrize("rows", [1, 30])
def test_next_due_query_count_does_not_grow_with_rows(
    client: Client, django_assert_num_queries: Any, world: Any, rows: int
) -> None:
    for ticket in with_deadlines(world, list(range(rows))):
        actions.assign_ticket(ticket, assignee=world.agent, actor=world.admin)
    client.force_login(world.agent)
    # as the inbox's other orders: session, user, team ids, sort keys per unsolved category (4), the page's rows,
    # saved views, teams, statuses, agents
    with django_assert_num_queries(12):
        response = client.get(reverse("tickets:ticket_list") + "?view=mine&sort=due")
    assert len(response.context["tickets"]) == rows


def test_the_due_column_is_relative_with_the_exact_time_on_hover_and_coloured_by_urgency(
    client: Client, world: Any
) -> None:
    with_deadlines(world, [-12, 40, 150, None])
    with time_machine.travel(START, tick=False):
        client.force_login(world.agent)
        html = client.get(reverse("tickets:ticket_list") + "?view=open&sort=-created").content.decode()
    assert (
        '<time class="sla-due sla-overdue" datetime="2027-03-03T08:48:00+00:00" title="3 Mar 2027, 10:48"'
        ' data-sla-due="2027-03-03T08:48:00+00:00">overdue by 12 min</time>'
    ) in html
    assert (
        '<time class="sla-due sla-soon" datetime="2027-03-03T09:40:00+00:00" title="3 Mar 2027, 11:40"'
        ' data-sla-due="2027-03-03T09:40:00+00:00">40 min left</time>'
    ) in html
    assert (
        '<time class="sla-due " datetime="2027-03-03T11:30:00+00:00" title="3 Mar 2027, 13:30"'
        ' data-sla-due="2027-03-03T11:30:00+00:00">2 h 30 min left</time>'
    ) in html
    assert html.count('<td class="hide-narrow"><span class="muted">—</span></td>') == 1
    assert '<th scope="col" class="hide-narrow">Next SLA due</th>' in html
    assert html.count("overdue by 12 min</time>") == 2  # the column, and under the subject on a phone


def test_at_risk_is_overdue_or_due_within_the_hour_unsolved_and_scoped(client: Client, world: Any) -> None:
    overdue, soon, later, _none = with_deadlines(world, [-12, 40, 150, None])
    (billing,) = with_deadlines(world, [10], team=world.billing)  # another team's: the agent does not see it
    (solved,) = with_deadlines(world, [5])
    actions.change_status(solved, status=TicketStatus.objects.get(name="Solved"), actor=world.admin)
    Ticket.objects.filter(pk=solved.pk).update(sla_deadline_at=START + timedelta(minutes=5))
    assert numbers(client, world.agent, "?view=at_risk") == [overdue.pk, soon.pk]
    assert numbers(client, world.agent, "?view=at_risk", START + timedelta(minutes=100)) == [
        overdue.pk,
        soon.pk,
        later.pk,
    ]
    assert numbers(client, world.admin, "?view=at_risk") == [overdue.pk, billing.pk, soon.pk]
    with time_machine.travel(START, tick=False):
        html = client.get(reverse("tickets:ticket_list") + "?view=at_risk").content.decode()
        counts = client.get(reverse("tickets:ticket_counts")).content.decode()
    assert 'name="all_matching"' not in html  # "all matching" would send the filter without the due limit
    assert '<option value="due" selected>Next SLA due</option>' in html
    assert '<span id="count-at_risk" class="muted small" hx-swap-oob="true">3</span>' in counts


# --- the portal ------------------------------------------------------------------------------------------------


def test_the_customer_sees_when_we_aim_to_reply_in_their_time_zone(world: Any, reply_hour: Ticket) -> None:
    world.customer_user.time_zone = "America/New_York"
    world.customer_user.save(update_fields=["time_zone"])
    customer = Client()
    url = reverse("portal:ticket_detail", args=[reply_hour.pk])
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        customer.force_login(world.customer_user)
        html = customer.get(url).content.decode()
    assert '<p class="sla-promise">We aim to reply by 3 Mar 2027, 05:00.</p>' in html
    tracking.check_due(START + timedelta(hours=1, seconds=30))
    with time_machine.travel(START + timedelta(hours=1, minutes=5), tick=False):
        html = customer.get(url).content.decode()
    assert '<p class="sla-promise">We will reply as soon as we can.</p>' in html
    with time_machine.travel(START + timedelta(hours=1, minutes=10), tick=False):
        actions.reply_to_ticket(reply_hour, body="On it", actor=world.agent)
    consume(START + timedelta(hours=1, minutes=11))
    with time_machine.travel(START + timedelta(hours=1, minutes=12), tick=False):
        html = customer.get(url).content.decode()
    assert "sla-promise" not in html


def test_the_customer_sees_no_promise_without_a_reply_target(world: Any) -> None:
    start_consuming()
    standard(world.manager, TargetInput("normal", "requester_wait", 3600, business_hours=False))
    with time_machine.travel(START, tick=False):
        ticket = world.ticket()
    consume(START + timedelta(seconds=5))
    customer = Client()
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        customer.force_login(world.customer_user)
        html = customer.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "sla-promise" not in html


def test_a_greek_reader_gets_greek_words(client: Client, world: Any, reply_hour: Ticket) -> None:
    world.agent.language = "el"
    world.agent.save(update_fields=["language"])
    html = page(client, reply_hour, START + timedelta(minutes=20), world.agent)
    assert clock_lines(html) == [
        "[sla-running] Πρώτη απάντηση Σε εξέλιξη Προθεσμία 3/3/2027 12:00 απομένουν 40 λεπ. Στο ιστορικό"
    ]


@pytest.mark.parametrize("scope", ["category", "team", "assignee"])
def test_the_next_due_sort_reads_a_deadline_index_in_order(world: Any, scope: str) -> None:
    """One part of an inbox page sorted by next due, as `inbox.page` reads it: in index order, no sort step, so it
    costs what the other sorts cost at any size (bench/ holds the million-ticket figures of those)."""
    from django.db import connection

    query = Ticket.objects.filter(status_category="open", sla_deadline_at__isnull=False)
    index = "ticket_category_deadline"
    if scope == "team":
        query, index = query.filter(team_id=world.support.pk), "ticket_team_deadline"
    elif scope == "assignee":
        query, index = query.filter(assignee_id=world.agent.pk), "ticket_mine_deadline"
    page = query.order_by("sla_deadline_at", "pk").values_list("pk", flat=True)[:51]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a near-empty table is cheapest read whole
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = page.explain()
        # on a near-empty test table the planner may take the category's deadline index and filter the team or
        # assignee (its statistics say one row); either way a deadline index, read in order, with no sort
        assert re.search(r"Index (Only )?Scan using ticket_(category|team|mine)_deadline\b", plan), plan
        assert "Sort" not in plan.replace("Sort Key", ""), plan
    else:
        plan = page.explain()
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan, plan
