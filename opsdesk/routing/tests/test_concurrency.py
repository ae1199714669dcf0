"""Parallel workers, each a thread with its own database connection (PostgreSQL row locks; SQLite's IMMEDIATE
transactions): routing never gives one ticket twice and never puts an agent over capacity."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import close_old_connections, connection

from opsdesk.routing import actions
from opsdesk.routing.models import RoutingWait
from opsdesk.routing.tests.factories import agent, team_routing
from opsdesk.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_consumers(settings: Any) -> None:
    """The tickets are set up without routing running on commit: the threads do all the routing."""
    settings.OPSDESK_EVENT_CONSUMERS = {}


def in_parallel(work: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work[index]()
        except Exception as error:  # noqa: BLE001 - the test asserts there were none
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    return results


def test_parallel_workers_never_exceed_an_agents_capacity(world: Any) -> None:
    team = world.support
    team_routing(team, world.admin, "least_loaded")
    anna = agent("anna@example.com", "Anna", team, world.admin, capacity={"tickets": 2})
    bert = agent("bert@example.com", "Bert", team, world.admin, capacity={"tickets": 2})
    tickets = [world.ticket(subject=f"T{n}") for n in range(8)]
    results = in_parallel([lambda t=t: actions.route_ticket(t) for t in tickets])
    assert [r for r in results if isinstance(r, Exception)] == []
    held = Counter(Ticket.objects.filter(assignee__isnull=False).values_list("assignee_id", flat=True))
    assert held == {anna.pk: 2, bert.pk: 2}
    assert sorted(str(r.reasons[0]) for r in results if r.assignee is None) == ["all_full"] * 4
    assert RoutingWait.objects.count() == 4
    assert TicketEvent.objects.filter(kind="routing.assigned").count() == 4


def test_parallel_workers_assign_one_ticket_once(world: Any) -> None:
    team = world.support
    team_routing(team, world.admin)
    for n in range(3):
        agent(f"a{n}@example.com", f"Agent {n}", team, world.admin)
    ticket = world.ticket()
    results = in_parallel([lambda: actions.route_ticket(ticket) for _ in range(6)])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(1 for r in results if r.assignee is not None) == 1
    assert [r.reasons for r in results if r.assignee is None] == [["not_routable"]] * 5
    assert TicketEvent.objects.filter(ticket=ticket, kind="assignee.changed").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="routing.assigned").count() == 1
