"""Facts and rollups kept from the real ticket actions: the consumer's incremental update, the rebuild (which must
store the same rows), figures from the rollups against the exact drill-down, and cuts the rollups do not hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from opsdesk.analytics import kpis, query, rollups
from opsdesk.analytics.consumers import update_kpis
from opsdesk.analytics.models import DirtyDay, Rollup, TicketActivity, TicketFacts
from opsdesk.analytics.periods import Period
from opsdesk.tickets import actions, consumers
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import TicketEvent

MONDAY = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki, the reporting zone


def consume_new(seen: list[int]) -> None:
    """Hand the KPI consumer what was written since its last call (the transport is tested in tickets)."""
    rows = list(TicketEvent.objects.filter(id__gt=seen[0]).order_by("id"))
    if rows:
        seen[0] = rows[-1].pk
        update_kpis(rows)


def rollup_rows() -> list[tuple[Any, ...]]:
    return sorted(Rollup.objects.values_list("day", "measure", "dim", "key", "n", "total", "sketch"))


def build_desk(world: Any) -> dict[str, Any]:
    """Four tickets over three days, through the actions, the consumer run after each step."""
    seen = [0]
    made: dict[str, Any] = {}
    with time_machine.travel(MONDAY, tick=False):
        a = world.ticket(subject="A")
        b = world.ticket(subject="B", priority="high")
        c = world.ticket(subject="C", team=world.billing)
        made.update(a=a, b=b, c=c)
    consume_new(seen)
    with time_machine.travel(MONDAY + timedelta(minutes=30), tick=False):
        actions.assign_ticket(a, assignee=world.agent, actor=world.agent)
        actions.reply_to_ticket(a, body="Try turning it off.", actor=world.agent)
        actions.add_note(b, body="Looking.", actor=world.agent)  # a note: no first reply
    consume_new(seen)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        actions.reply_to_ticket(b, body="Fixed.", actor=world.agent, status=default_status("solved"))
        actions.change_status(a, status=default_status("solved"), actor=world.agent)
    consume_new(seen)
    with time_machine.travel(MONDAY + timedelta(days=1, hours=1), tick=False):
        # the customer answers A: reopened, answered, solved again — a non-trivial reopen
        actions.add_customer_reply(a, body="Still broken.", customer=world.customer, actor=None)
        actions.reply_to_ticket(a, body="Replaced it.", actor=world.agent, status=default_status("solved"))
        d = world.ticket(subject="D")
        made["d"] = d
    consume_new(seen)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        actions.merge_tickets(d, target=c, actor=world.manager)  # D is a merge source: left out of everything
    consume_new(seen)
    return made


@pytest.mark.django_db
def test_the_kpi_consumer_is_configured() -> None:
    assert consumers.handlers()["analytics.kpis"] is update_kpis


@pytest.mark.django_db
def test_incremental_update_and_rebuild_store_the_same_rows(world: Any) -> None:
    made = build_desk(world)
    assert not DirtyDay.objects.exists()
    incremental = rollup_rows()
    facts = sorted(TicketFacts.objects.values_list())
    activity = sorted(TicketActivity.objects.values_list("ticket_id", "kind", "detail", "at", "day", "agent_id"))
    assert incremental
    result = rollups.rebuild()
    assert result["tickets"] == 4
    assert rollup_rows() == incremental
    assert sorted(TicketFacts.objects.values_list()) == facts
    assert sorted(TicketActivity.objects.values_list("ticket_id", "kind", "detail", "at", "day", "agent_id")) == (
        activity
    )
    # a range rebuild gives the same rows too
    call_command("analytics_rebuild", "--from", "2027-03-02", "--to", "2027-03-02", stdout=None)
    assert rollup_rows() == incremental
    assert TicketFacts.objects.get(ticket_id=made["d"].pk).counted is False


@pytest.mark.django_db
def test_figures_from_rollups_agree_with_the_drill_down(world: Any) -> None:
    made = build_desk(world)
    a, b = made["a"], made["b"]
    week = Period(date(2027, 3, 1), date(2027, 3, 7))
    cut = query.Cut(week)
    found = query.figures(cut)
    assert found["created"].value == 3  # A, B, C; D was merged away
    assert found["solved"].value == 3  # B once, A twice
    assert found["replies"].value == 3
    assert found["backlog"].value == 1  # C
    assert found["reopen_rate"].numerator == 1 and found["reopen_rate"].n == 2
    assert found["reopen_rate"].value == pytest.approx(50.0)
    assert found["one_touch"].n == 2 and found["one_touch"].numerator == 1  # B only
    frt = found["frt"]
    assert frt.n == 2  # A after 30 min, B after 2 h (the note did not count)
    assert frt.mean == pytest.approx((1800 + 7200) / 2)
    for key in ("created", "solved", "replies", "one_touch", "reopen_rate", "frt", "resolution"):
        kpi = kpis.BY_KEY[key]
        rows = query.drill_query(cut, kpi).rows
        expected = found[key].n if kpi.kind != kpis.COUNT else found[key].value
        assert rows.count() == expected, key
    exact = query.exact_figure(cut, kpis.BY_KEY["frt"])
    assert exact is not None and exact.n == 2
    assert exact.value == pytest.approx(4500.0)  # type 7 median of 1800 and 7200
    assert frt.value is not None
    assert abs(frt.value - 4500) <= 0.02 * 4500  # the sketch's median, within its 2 % of the exact one
    resolution = query.exact_figure(cut, kpis.BY_KEY["resolution"])
    assert resolution is not None and resolution.n == 2
    values = TicketFacts.objects.filter(ticket_id__in=[a.pk, b.pk]).order_by("resolution")
    assert list(values.values_list("resolution", flat=True)) == [7200, 86400 + 3600]


@pytest.mark.django_db
def test_cuts_the_rollups_do_not_hold_are_summed_from_the_facts(world: Any) -> None:
    build_desk(world)
    week = Period(date(2027, 3, 1), date(2027, 3, 7))
    by_team = query.figures(query.Cut(week, rollups.Where(team=world.support.pk)))
    assert by_team["created"].value == 2
    both = query.Cut(week, rollups.Where(team=world.support.pk, priority="high"))
    assert both.rollup_key() is None
    found = query.figures(both)
    assert found["created"].value == 1 and found["solved"].value == 1 and found["frt"].n == 1
    mine = query.figures(query.Cut(week, rollups.Where(agent=world.agent.pk)))
    assert mine["replies"].value == 3 and mine["solved"].value == 2  # B was solved unassigned
    org = query.figures(query.Cut(week, rollups.Where(organization=world.organization.pk + 999)))
    assert org["created"].value == 0 and org["frt"].value is None and org["frt"].n == 0


@pytest.mark.django_db
def test_the_backlog_reconciles_with_the_tickets_unsolved_now(world: Any) -> None:
    build_desk(world)
    from opsdesk.tickets.models import Ticket

    live = Ticket.objects.unsolved().live().count()
    assert query.backlog_at(query.Cut(Period(date(2027, 3, 1), date(2027, 3, 1))), date(2030, 1, 1)) == live


def test_the_command_refuses_bad_dates() -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("analytics_rebuild", "--from", "yesterday")
    with pytest.raises(CommandError, match="must not be before"):
        call_command("analytics_rebuild", "--from", "2027-03-02", "--to", "2027-03-01")


@pytest.mark.django_db
def test_a_page_reads_each_measure_of_a_cut_once(world: Any, django_assert_num_queries: Any) -> None:
    """Within query.reading() the cells of a cut are read once per measure: a second ask reads nothing, a wider
    one only the measures not read yet, and the figures are those read without it."""
    build_desk(world)
    rollups.rebuild()
    cut = query.Cut(Period(date(2027, 3, 1), date(2027, 3, 7)))
    wanted = [kpis.BY_KEY[k] for k in ("created", "frt", "one_touch")]
    alone = query.figures(cut, wanted)
    with query.reading():
        with django_assert_num_queries(1):
            first = query.cells(cut, frozenset({"created", "frt"}))
        with django_assert_num_queries(0):
            assert query.cells(cut, frozenset({"frt"})) is first
        with django_assert_num_queries(1) as wider:
            both = query.figures(cut, wanted)
        assert "'one_touch'" in wider.captured_queries[0]["sql"] and "'frt'" not in wider.captured_queries[0]["sql"]
        with django_assert_num_queries(0):
            query.merged_sketch(cut, "frt")
    assert {k: (f.value, f.n) for k, f in both.items()} == {k: (f.value, f.n) for k, f in alone.items()}
    assert both["created"].value == 3


@pytest.mark.django_db
def test_a_full_rebuild_loads_without_indexes_and_leaves_every_one_in_place(world: Any) -> None:
    """The facts tables are loaded without their indexes and indexed once at the end; a rebuild after one that
    stopped half-way (indexes missing) puts them back, and the figures are the same."""
    from django.db import connection

    build_desk(world)
    wanted = {i.name for model in rollups.LOADED for i in model._meta.indexes}
    seen: list[set[str]] = []
    original = rollups._store

    def spying(*args: Any, **kwargs: Any) -> None:
        seen.append({n for model in rollups.LOADED for n in rollups._index_names(model._meta.db_table)} & wanted)
        original(*args, **kwargs)

    rollups._store = spying
    try:
        rollups.rebuild()
    finally:
        rollups._store = original
    assert seen and all(found == set() for found in seen)  # loaded with none of them
    present = {n for model in rollups.LOADED for n in rollups._index_names(model._meta.db_table)}
    assert wanted <= present
    week = query.Cut(Period(date(2027, 3, 1), date(2027, 3, 7)))
    before = query.figures(week)["frt"]
    with connection.cursor() as cursor:  # as a rebuild stopped while loading leaves them
        cursor.execute(f"DROP INDEX {connection.ops.quote_name('facts_first_reply')}")
    rollups.rebuild(date(2027, 3, 1), date(2027, 3, 7))
    assert "facts_first_reply" in rollups._index_names("analytics_ticketfacts")
    assert query.figures(week)["frt"] == before
