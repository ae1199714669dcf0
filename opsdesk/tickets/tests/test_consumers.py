"""Event consumers: every committed event handled once, in order, after crashes, kills and late commits."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Max

from opsdesk.analytics.models import EventCount
from opsdesk.core.origin import origin
from opsdesk.tickets import actions, consumers, timeline
from opsdesk.tickets.models import EventConsumer, Ticket, TicketEvent

ROOT = Path(__file__).resolve().parents[3]
# Committed for real: on PostgreSQL a consumer reads only what finished transactions wrote.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _only_the_analytics_consumer(settings: Any) -> None:
    """The mechanism's tests count what one consumer did; language detection (messaging) writes events of its own
    when the consumers run on commit, and is tested in its app."""
    settings.OPSDESK_EVENT_CONSUMERS = {"analytics.event_counts": "opsdesk.analytics.consumers.count_events"}


def counted() -> int:
    return sum(EventCount.objects.values_list("count", flat=True))


def settle() -> None:
    """PostgreSQL: wait until every transaction older than the newest event has ended. The horizon is the whole
    cluster's, so another database's test run on a shared server can hold it back for a moment."""
    newest = TicketEvent.objects.aggregate(newest=Max("xid"))["newest"]
    limit = consumers.horizon()
    deadline = time.monotonic() + 60
    while limit is not None and newest is not None and limit <= newest:
        assert time.monotonic() < deadline, "a transaction in the cluster stayed open for a minute"
        time.sleep(0.05)
        limit = consumers.horizon()


def test_a_new_consumer_starts_after_existing_events_and_each_commit_wakes_it(world: Any) -> None:
    world.ticket()
    consumers.ensure("analytics.event_counts")
    before = TicketEvent.objects.count()
    ticket = world.ticket()
    actions.add_note(ticket, body="Checked the logs.", actor=world.agent)
    new = TicketEvent.objects.count() - before
    settle()
    # Each commit queued a run (jobs run inline in tests); whatever an older transaction held back is read now.
    consumers.run("analytics.event_counts", consumers.handlers()["analytics.event_counts"])
    assert counted() == new
    assert consumers.run("analytics.event_counts", consumers.handlers()["analytics.event_counts"]) == 0
    consumer = EventConsumer.objects.get(name="analytics.event_counts")
    assert (consumer.position_id, consumer.processed) == (TicketEvent.objects.latest("id").pk, new)
    assert list(EventCount.objects.filter(kind="comment.added").values_list("source", "count")) == [("system", 2)]


def test_events_are_handed_over_in_id_order_in_batches(world: Any) -> None:
    consumers.ensure("test.order")
    ticket = world.ticket()
    for n in range(5):
        actions.add_note(ticket, body=f"Note {n}", actor=world.agent)
    seen: list[list[int]] = []
    settle()
    consumers.run("test.order", lambda rows: seen.append([e.pk for e in rows]), batch=3)
    flat = [pk for batch in seen for pk in batch]
    assert flat == list(TicketEvent.objects.order_by("id").values_list("pk", flat=True))[-len(flat) :]
    assert [len(b) for b in seen][:-1] == [3] * (len(seen) - 1)


SEEN: list[int] = []


def record_batch(rows: list[TicketEvent]) -> None:
    SEEN.append(len(rows))


def test_run_all_takes_each_consumers_batch_size_from_the_settings(world: Any, settings: Any) -> None:
    """A consumer that spends CPU time on every event takes small batches, so its transaction (SQLite's write lock)
    stays short: a language-detection backlog taken 500 events at a time made other writers give up."""
    consumers.ensure("test.small")
    ticket = world.ticket()
    for n in range(4):
        actions.add_note(ticket, body=f"Note {n}", actor=world.agent)
    settle()
    settings.OPSDESK_EVENT_CONSUMERS = {"test.small": "opsdesk.tickets.tests.test_consumers.record_batch"}
    settings.OPSDESK_EVENT_CONSUMER_BATCH = {"test.small": 2}
    SEEN.clear()
    consumers.run_all()
    assert SEEN == [2, 2, 2]  # the ticket's two events and four notes, two at a time


def writer_waits() -> bool:
    """Whether another connection would wait for the write lock now (SQLite), or this one is inside a transaction."""
    if connection.vendor != "sqlite":
        return connection.in_atomic_block
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()
    return False


def test_a_staged_handler_prepares_each_batch_before_its_transaction(world: Any) -> None:
    """Language detection takes CPU time per message; inside the batch's transaction it held SQLite's write lock for
    seconds and a sign-in on a fresh demo failed ("database is locked"). Its slow part runs before the lock."""
    consumers.ensure("test.staged")
    ticket = world.ticket()
    for n in range(4):
        actions.add_note(ticket, body=f"Note {n}", actor=world.agent)
    settle()
    prepared: list[tuple[list[int], bool]] = []
    applied: list[tuple[list[int], list[int], bool]] = []

    def prepare(rows: list[TicketEvent]) -> list[int]:
        prepared.append(([e.pk for e in rows], writer_waits()))
        return [e.pk * 10 for e in rows]

    def apply(rows: list[TicketEvent], found: list[int]) -> None:
        applied.append(([e.pk for e in rows], found, writer_waits()))

    handled = consumers.run("test.staged", consumers.Staged(prepare=prepare, apply=apply), batch=4)
    assert handled == 6
    assert [len(pks) for pks, _waits in prepared] == [4, 2]
    assert [waits for _pks, waits in prepared] == [False, False]  # no lock held while preparing
    assert [waits for _pks, _found, waits in applied] == [True, True]  # the writes inside the batch's transaction
    assert [found for _pks, found, _w in applied] == [[pk * 10 for pk in pks] for pks, _f, _w in applied]
    assert [pks for pks, _f, _w in applied] == [pks for pks, _w in prepared]


def test_a_staged_handler_prepares_again_when_the_batch_moved_meanwhile(world: Any) -> None:
    """Another runner that handled the batch between the look ahead and the lock: what was prepared for it is thrown
    away and the batch actually read is prepared inside the transaction."""
    consumers.ensure("test.moved")
    ticket = world.ticket()
    for n in range(3):
        actions.add_note(ticket, body=f"Note {n}", actor=world.agent)
    settle()
    ordered = list(TicketEvent.objects.order_by(*consumers._order()).values_list("pk", "xid"))
    events = [pk for pk, _xid in ordered]
    prepared: list[list[int]] = []
    applied: list[tuple[list[int], list[int]]] = []

    def prepare(rows: list[TicketEvent]) -> list[int]:
        if not prepared:  # the first look ahead: meanwhile another runner takes the first two events
            EventConsumer.objects.filter(name="test.moved").update(
                position_id=ordered[-4][0], position_xid=ordered[-4][1]
            )
        prepared.append([e.pk for e in rows])
        return [e.pk for e in rows]

    def apply(rows: list[TicketEvent], found: list[int]) -> None:
        applied.append(([e.pk for e in rows], found))

    consumers.run("test.moved", consumers.Staged(prepare=prepare, apply=apply), batch=10)
    assert applied == [(events[-3:], events[-3:])]
    assert prepared == [events[-5:], events[-3:]]


def test_a_failing_handler_keeps_its_position_records_the_error_and_the_next_run_retries(world: Any) -> None:
    consumers.ensure("test.flaky")
    ticket = world.ticket()
    waiting = TicketEvent.objects.filter(ticket=ticket).count()
    calls: list[int] = []

    def flaky(rows: list[TicketEvent]) -> None:
        calls.append(len(rows))
        EventCount.objects.create(day="2026-01-01", kind="x", source="ui", count=len(rows))  # work that must roll back
        if len(calls) == 1:
            raise RuntimeError("webhook endpoint down")

    settle()
    with pytest.raises(RuntimeError):
        consumers.run("test.flaky", flaky)
    consumer = EventConsumer.objects.get(name="test.flaky")
    assert (consumer.processed, consumer.failures, consumer.last_error) == (
        0,
        1,
        "RuntimeError: webhook endpoint down",
    )
    assert EventCount.objects.count() == 0
    assert consumers.run("test.flaky", flaky) == waiting
    consumer.refresh_from_db()
    assert (consumer.processed, consumer.last_error, calls) == (waiting, "", [waiting, waiting])


def test_events_record_their_source_and_cause(world: Any, client: Any) -> None:
    ticket = world.ticket()
    actions.add_note(ticket, body="From a job", actor=world.agent)
    assert TicketEvent.objects.filter(ticket=ticket).latest("id").source == "system"
    cause = TicketEvent.objects.filter(ticket=ticket).latest("id")
    with origin("automation", cause_event=cause.pk, cause="trigger:12"):
        actions.set_priority(ticket, priority="high", actor=None)
    event = TicketEvent.objects.get(ticket=ticket, kind="priority.changed")
    assert (event.source, event.cause_event, event.cause, event.actor_role) == (
        "automation",
        cause.pk,
        "trigger:12",
        "system",
    )
    client.force_login(world.agent)
    response = client.post(f"/tickets/{ticket.pk}/note/", {"body": "From the page"})
    assert response.status_code == 302
    assert TicketEvent.objects.filter(ticket=ticket, kind="comment.added").latest("id").source == "ui"


def test_a_late_committing_transaction_is_not_skipped(world: Any) -> None:
    """PostgreSQL: an event whose transaction took an id before another's but commits after it is still read.
    SQLite: a second writer cannot even start while the first is open, so id order is commit order."""
    ticket = world.ticket()
    consumers.ensure("test.late")
    seen: list[int] = []

    def handle(rows: list[TicketEvent]) -> None:
        seen.extend(e.pk for e in rows)

    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    early: list[int] = []
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                event = timeline.record(
                    Ticket.objects.get(pk=ticket.pk), "followers.changed", actor=None, data={"added": [], "removed": []}
                )
                early.append(event.pk)
                started.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
            started.set()
        finally:
            connections.close_all()
            finished.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert started.wait(10) and not errors, errors
    if connection.vendor == "postgresql":
        late = timeline.record(ticket, "followers.changed", actor=None, data={"added": [], "removed": []})
        assert late.pk > early[0]  # took its id after the open transaction's, committed first
        consumers.run("test.late", handle)
        assert seen == []  # nothing is read past the still-open transaction
        release.set()
        assert finished.wait(10)
        settle()
        consumers.run("test.late", handle)
        assert seen == [early[0], late.pk]  # both, once, in commit order of their transactions' start
    else:
        release.set()
        assert finished.wait(10)
        late = timeline.record(ticket, "followers.changed", actor=None, data={"added": [], "removed": []})
        consumers.run("test.late", handle)
        assert seen == [early[0], late.pk]
    thread.join()


WORKER = """
import sys, time, django
django.setup()
from opsdesk.analytics.consumers import count_events
from opsdesk.tickets import consumers
delay = float(sys.argv[1])
def slow(rows):
    count_events(rows)
    time.sleep(delay)
print(consumers.run("analytics.event_counts", slow, batch=7))
"""

WRITER = """
import django
django.setup()
from opsdesk.tickets import consumers, timeline
from opsdesk.tests.factories import build_world
world = build_world()
consumers.ensure("analytics.event_counts")
ticket = world.ticket()
for n in range(200):
    timeline.record(ticket, "followers.changed", actor=None, data={"added": [n], "removed": []})
"""


PROCESSED = "SELECT processed FROM tickets_eventconsumer WHERE name = 'analytics.event_counts'"


def test_a_consumer_killed_mid_stream_resumes_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    from opsdesk.tests.demo_server import demo_env, opsdesk

    env = demo_env(tmp_path)
    opsdesk(env, "migrate", "-v0")
    subprocess.run([sys.executable, "-c", WRITER], env=env, cwd=ROOT, check=True, timeout=120)
    db = sqlite3.connect(tmp_path / "opsdesk.sqlite3")
    start = db.execute(
        "SELECT position_id FROM tickets_eventconsumer WHERE name = 'analytics.event_counts'"
    ).fetchone()[0]
    total = db.execute("SELECT COUNT(*) FROM tickets_ticketevent WHERE id > ?", (start,)).fetchone()[0]
    assert total >= 200

    worker = subprocess.Popen([sys.executable, "-c", WORKER, "0.05"], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while db.execute(PROCESSED).fetchone()[0] < 50:
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.02)
    os.kill(worker.pid, signal.SIGKILL)  # in the middle of a batch: its work and its position roll back together
    worker.wait()
    processed = db.execute(PROCESSED).fetchone()[0]
    assert 50 <= processed < total
    assert db.execute("SELECT SUM(count) FROM analytics_eventcount").fetchone()[0] == processed

    rerun = subprocess.run(
        [sys.executable, "-c", WORKER, "0"], env=env, cwd=ROOT, check=True, timeout=120, capture_output=True, text=True
    )
    assert int(rerun.stdout.strip()) == total - processed
    assert db.execute(PROCESSED).fetchone()[0] == total
    assert db.execute("SELECT SUM(count) FROM analytics_eventcount").fetchone()[0] == total
    db.close()


def test_the_admin_page_shows_each_consumers_position_and_what_is_waiting(
    client: Any, world: Any, settings: Any
) -> None:
    consumers.ensure("analytics.event_counts")
    EventConsumer.objects.filter(name="analytics.event_counts").update(position_id=0, position_xid=0)
    waiting = TicketEvent.objects.count()
    settle()
    client.force_login(world.admin)
    response = client.get("/settings/events/")
    assert response.status_code == 200
    lags = {lag.name: lag for lag in response.context["consumers"]}
    assert list(lags) == list(settings.OPSDESK_EVENT_CONSUMERS)
    lag = lags["analytics.event_counts"]
    assert (lag.name, lag.label, lag.position_id, lag.behind) == (
        "analytics.event_counts",
        "Daily event counts (analytics)",
        0,
        waiting,
    )
    assert "Daily event counts (analytics)" in response.content.decode()


def test_a_run_waits_for_the_one_under_way_instead_of_taking_turns_with_it(world: Any) -> None:
    """Two worker threads ran the consumers side by side; the one that lost the write lock at each batch gave up
    with "database is locked". A run that finds another under way schedules itself again instead."""
    from huey.contrib.djhuey import HUEY

    from opsdesk.tickets import tasks

    consumers.ensure("analytics.event_counts")
    scheduled = len(HUEY.scheduled())
    with HUEY.lock_task(tasks.LOCK):
        world.ticket()  # its commit's run finds another under way: it counts nothing and looks again in 2 s
        settle()
        tasks.run_event_consumers_minutely.call_local()
        assert counted() == 0
        assert len(HUEY.scheduled()) == scheduled + 1
    assert tasks._run_alone() is True
    assert counted() == 2
