"""The bell and the notifications page: the unread count, the list with the timeline's sentences, and opening it
marking what it shows read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions import tracking
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.models import SlaPolicy
from opsdesk.sla.tests.test_tracking import START, consume, standard, start_consuming
from opsdesk.tickets import actions
from opsdesk.tickets.models import Notification, TicketEvent


def notify(world: Any, user: Any, count: int) -> list[Notification]:
    made = []
    for index in range(count):
        ticket = world.ticket(subject=f"Broken {index}")
        event = TicketEvent.objects.get(ticket=ticket, kind="ticket.created")
        made += actions.notify_staff(ticket, [user], event=event, data={})
    return made


def bell(client: Client) -> str:
    return client.get(reverse("notifications:notification_count")).content.decode()


def test_the_bell_counts_unread_and_the_page_marks_what_it_shows_read(client: Client, world: Any) -> None:
    made = notify(world, world.agent, 2)
    notify(world, world.lead, 1)  # someone else's
    client.force_login(world.agent)
    assert '<span class="bell-count" aria-hidden="true">2</span>' in bell(client)
    assert '<span class="sr-only">Notifications, 2 unread</span>' in bell(client)
    html = client.get(reverse("notifications:notification_list")).content.decode()
    assert html.count('<li class="notification unread">') == 2
    assert html.count('<span class="badge notification-new">New</span>') == 2
    newest = made[-1]
    assert (f'<a href="/tickets/{newest.ticket_id}/#event-{newest.event_id}">#{newest.ticket_id} Broken 1</a>') in html
    assert Notification.objects.filter(user=world.agent, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=world.lead, read_at__isnull=True).count() == 1
    assert "bell-count" not in bell(client)
    assert '<span class="sr-only">Notifications, 0 unread</span>' in bell(client)
    again = client.get(reverse("notifications:notification_list")).content.decode()
    assert again.count('<li class="notification">') == 2  # still listed, no longer new


def test_an_escalation_reads_as_its_timeline_sentence(client: Client, world: Any) -> None:
    start_consuming()
    standard(world.manager, TargetInput("normal", "first_reply", 3600, business_hours=False))
    policy_actions.save_escalation(
        SlaPolicy.objects.get(is_default=True),
        None,
        level=1,
        trigger="breached",
        metric="first_reply",
        delay=0,
        notify=["assignee"],
        by_email=False,
        raise_priority=False,
        move_to_team=None,
        add_tag="",
        actor=world.manager,
    )
    with time_machine.travel(START, tick=False):
        ticket = world.ticket(subject="Printer")
        actions.assign_ticket(ticket, assignee=world.agent, actor=world.agent)
    consume(START + timedelta(seconds=5))
    tracking.check_due(START + timedelta(hours=1, seconds=20))
    with time_machine.travel(START + timedelta(hours=1, minutes=1), tick=False):
        client.force_login(world.agent)
        html = client.get(reverse("notifications:notification_list")).content.decode()
    assert "<div>Escalation level 1, First reply target missed: notified Alice Agent</div>" in html
    assert f"#{ticket.pk} Printer</a>" in html


def test_the_bell_is_in_the_staff_top_bar_only(client: Client, world: Any) -> None:
    client.force_login(world.agent)
    page = client.get(reverse("people:team_list")).content.decode()
    assert 'hx-get="/notifications/count/" hx-trigger="load, every 60s"' in page
    client.force_login(world.customer_user)
    assert "/notifications/" not in client.get(reverse("portal:ticket_list")).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_notifications_page_query_count_does_not_grow_with_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    notify(world, world.agent, rows)
    client.force_login(world.agent)
    # session, user, the notifications with their events and tickets, the statuses their sentences may name (no
    # user, team or customer here), marking them read (an update inside the action's savepoint: 3)
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications:notification_list"))
    assert response.content.decode().count('<li class="notification unread">') == rows


def test_the_notifications_page_pages_with_a_cursor(client: Client, world: Any) -> None:
    made = notify(world, world.agent, 55)
    client.force_login(world.agent)
    first = client.get(reverse("notifications:notification_list"))
    assert first.content.decode().count('<li class="notification') == 50
    assert [i["notification"].pk for i in first.context["items"]] == [n.pk for n in reversed(made)][:50]
    second = client.get(first.context["next_url"])
    assert [i["notification"].pk for i in second.context["items"]] == [n.pk for n in reversed(made)][50:]
    assert second.context["next_url"] is None
