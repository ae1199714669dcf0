"""How rollups are summed (bench/analytics.py measures it at a million tickets): the consumer re-sums only the days
whose sums a ticket's change moved (rollups.refresh compares the tickets' own cells before and after), and what it
stores is still what a rebuild stores; a range is summed in one read of the facts; a full rebuild leaves the
planner statistics of the tables it filled."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection

from opsdesk.analytics import rollups
from opsdesk.analytics.models import DirtyDay, Rollup, TicketActivity
from opsdesk.analytics.tests.test_rollups import MONDAY, build_desk, rollup_rows
from opsdesk.tickets import actions
from opsdesk.tickets.models import TicketEvent


def dirty() -> set[date]:
    return set(DirtyDay.objects.values_list("day", flat=True))


def refreshed(*tickets: Any) -> set[date]:
    rollups.refresh([t.pk for t in tickets])
    return dirty()


@pytest.mark.django_db
def test_only_the_days_whose_sums_changed_are_dirty(world: Any) -> None:
    made = build_desk(world)  # Monday 1 March: A, B, C created; B solved; Tuesday: A reopened and solved again
    b, c = made["b"], made["c"]
    assert not dirty()
    friday = MONDAY + timedelta(days=4)
    with time_machine.travel(friday, tick=False):
        actions.add_note(c, body="Still looking.", actor=world.manager)
    assert refreshed(c) == set()  # a note changes no figure: nothing to sum again
    with time_machine.travel(friday + timedelta(minutes=5), tick=False):
        actions.reply_to_ticket(c, body="Found it.", actor=world.manager)
    # C's first reply and its reply count on Friday; its creation on Monday did not change
    assert refreshed(c) == {date(2027, 3, 5)}
    rollups.sum_dirty()
    with time_machine.travel(friday + timedelta(days=1), tick=False):
        actions.add_customer_reply(b, body="It broke again.", customer=b.requester, actor=None)
    # B is reopened on Saturday: its solve (and resolution) leave Monday, its first solve there now has a reopen
    assert refreshed(b) == {date(2027, 3, 1), date(2027, 3, 6)}
    rollups.sum_dirty()
    assert not dirty()
    incremental = rollup_rows()
    rollups.rebuild()
    assert rollup_rows() == incremental


@pytest.mark.django_db
def test_a_new_ticket_and_a_changed_team_dirty_every_day_they_count_on(world: Any) -> None:
    made = build_desk(world)
    a = made["a"]  # created Monday, first reply Monday, first solve Monday, solved again Tuesday
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        actions.set_team(a, team=world.billing, actor=world.manager)
        new = world.ticket(subject="E")
    assert TicketEvent.objects.filter(ticket=a, kind="group.changed").exists()
    # every cell of A moves from the support team to billing; E is counted on Thursday
    assert refreshed(a, new) == {date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 4)}
    rollups.sum_dirty()
    incremental = rollup_rows()
    rollups.rebuild()
    assert rollup_rows() == incremental


def merged(parts: list[dict[tuple[Any, ...], list[Any]]], days: set[date]) -> dict[tuple[Any, ...], list[Any]]:
    """Cells of several tickets added up, on these days only."""
    found: dict[tuple[Any, ...], list[Any]] = {}
    for cells in parts:
        for key, (n, total, counts) in cells.items():
            if key[0] not in days:
                continue
            cell = found.setdefault(key, [0, 0, {} if counts is not None else None])
            cell[0] += n
            cell[1] += total
            for bucket, count in (counts or {}).items():
                cell[2][bucket] = cell[2].get(bucket, 0) + count
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("days", [(1, 1), (2, 2), (1, 2), (2, 3), (1, 7)])
def test_a_range_holds_what_each_ticket_adds_on_its_days(world: Any, days: tuple[int, int]) -> None:
    """One query reads the rows counted on any day column in the range; each ticket's cells, read by ticket, add
    up to the same cells on those days (and nothing outside them)."""
    made = build_desk(world)
    start, end = date(2027, 3, days[0]), date(2027, 3, days[1])
    summed = rollups.collect(start, end).cells
    assert summed and all(start <= key[0] <= end for key in summed)
    wanted = {start + timedelta(days=n) for n in range((end - start).days + 1)}
    each = [rollups.collect(*rollups.EVERY_DAY, tickets=[t.pk]).cells for t in made.values()]
    assert summed == merged(each, wanted)
    if start == date(2027, 3, 1):  # Monday's creations, first replies and B's solve are all in it
        assert {("created", "all"), ("frt", "all"), ("solved", "all"), ("resolved", "all")} <= {
            (key[1], key[2]) for key in summed
        }


def statistics_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [table])
        found = cursor.fetchone()
        return int(found[0].split()[0]) if found else 0


@pytest.mark.django_db
def test_a_full_rebuild_leaves_the_statistics_of_what_it_filled(world: Any) -> None:
    build_desk(world)
    rollups.rebuild()
    assert statistics_rows("analytics_ticketfacts") == 4
    assert statistics_rows("analytics_ticketactivity") == TicketActivity.objects.count() > 4
    assert statistics_rows("analytics_rollup") == Rollup.objects.count() > 100
