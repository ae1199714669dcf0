"""The demo seeder's rows: one ticket's life (ticket, messages, timeline events, tags) generated as the actions
would write it, in tuples for `executemany`. tickets.seeding drives it in chunks and in forked processes."""

from __future__ import annotations

import html
import json
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection

from opsdesk.tickets import demo_data as D
from opsdesk.tickets import events
from opsdesk.tickets.models import TicketStatus

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.people.models import Team

LANGS = ["en", "fi", "sv", "ru", "el"]
LANG_WEIGHTS = [30, 25, 20, 15, 10]
LANG_POOL = [lang for lang, weight in zip(LANGS, LANG_WEIGHTS, strict=True) for _ in range(weight)]
CHANNELS = (["email"] * 45) + (["web"] * 20) + (["portal"] * 15) + (["chat"] * 10) + (["phone"] * 10)
PRIORITIES = (["low"] * 20) + (["normal"] * 60) + (["high"] * 15) + (["urgent"] * 5)
TYPES = (["question"] * 60) + (["incident"] * 20) + (["problem"] * 10) + (["task"] * 10)
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 13, 12, 10, 8, 6, 5, 4, 3, 2, 1]
WEEKDAY_WEIGHTS = [1.3, 1.2, 1.1, 1.05, 1.0, 0.55, 0.45]
DAYS = 548  # about 18 months
CHUNK = 5000


def _sql(table: str, columns: list[str]) -> str:
    mark = "?" if connection.vendor == "sqlite" else "%s"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def _time_formatter() -> Callable[[float], Any]:
    """SQLite stores aware datetimes as UTC text 'YYYY-MM-DD HH:MM:SS'; PostgreSQL takes datetime objects."""
    if connection.vendor == "sqlite":
        days: dict[int, str] = {}
        clock = [f"{h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)]

        def fmt(ts: float) -> Any:
            day, rest = divmod(int(ts), 86400)
            prefix = days.get(day)
            if prefix is None:
                prefix = days[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d ")
            return prefix + clock[rest]

        return fmt

    def fmt_pg(ts: float) -> Any:
        return datetime.fromtimestamp(int(ts), UTC)

    return fmt_pg


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - fixed table names
        return int(cursor.fetchone()[0]) + 1


def _executemany(sql: str, rows: list[tuple[Any, ...]], db: sqlite3.Connection | None = None) -> None:
    if not rows:
        return
    if db is not None:
        db.executemany(sql, rows)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _paragraph(text: str) -> str:
    return "<p>" + html.escape(text) + "</p>"


class TicketWriter:
    """Generates one ticket's life (rows of ticket, messages, events) exactly as the actions would record it."""

    TICKET_COLS = [
        "id",
        "subject",
        "requester_id",
        "organization_id",
        "team_id",
        "assignee_id",
        "status_id",
        "status_category",
        "priority",
        "type",
        "channel",
        "language",
        "custom_fields",
        "merged_into_id",
        "followup_of_id",
        "created_at",
        "updated_at",
        "solved_at",
        "closed_at",
        "message_count",
    ]
    MESSAGE_COLS = [
        "id",
        "ticket_id",
        "author_user_id",
        "author_customer_id",
        "author_role",
        "visibility",
        "is_automated",
        "channel",
        "via",
        "body_html",
        "body_text",
        "created_at",
    ]
    EVENT_COLS = [
        "id",
        "ticket_id",
        "kind",
        "actor_id",
        "actor_role",
        "at",
        "data",
        "source",
        "cause_event",
        "cause",
        "xid",
    ]
    # Seeded events are recorded as imported, with no cause and (even on PostgreSQL) no transaction id: they were
    # written before any event consumer started, and a consumer created later starts after them.
    EVENT_TAIL = ("import", None, "", None)
    COMMENT = events.template("comment.added")
    STATUS = events.template("status.changed")

    def __init__(self, rng: random.Random, agents: dict[str, list[User]], teams: dict[str, Team]) -> None:
        self.rng = rng
        self.fmt = _time_formatter()
        self.status = {
            c: TicketStatus.objects.filter(category=c, is_default=True).first() for c in TicketStatus.Category.values
        }
        self.status_pk = {c: s.pk for c, s in self.status.items() if s is not None}
        self.agent_ids = {lang: [a.pk for a in agents[lang]] for lang in agents}
        self.team_ids = {lang: t.pk for lang, t in teams.items()}
        self.tag_ids: list[int] = []
        self.tickets: list[tuple[Any, ...]] = []
        self.messages: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.tags: list[tuple[Any, ...]] = []
        self.ticket_id = _next_id("tickets_ticket")
        self.message_id = _next_id("tickets_message")
        self.event_id = _next_id("tickets_ticketevent")
        self.tag_link_id = _next_id("tickets_ticket_tags")
        self.count_messages = 0
        self.count_events = 0

    def _event(self, tid: int, kind: str, actor: int | None, role: str, at: float, data: dict[str, Any]) -> None:
        payload = events.serialise(events.build(kind, data))
        self.events.append((self.event_id, tid, kind, actor, role, self.fmt(at), payload, *self.EVENT_TAIL))
        self.event_id += 1

    def _message(
        self, tid: int, *, agent: int | None, customer: int | None, role: str, channel: str, text: str, at: float
    ) -> None:
        mid = self.message_id
        self.message_id += 1
        stamp = self.fmt(at)
        self.messages.append(
            (mid, tid, agent, customer, role, "public", False, channel, "ui", _paragraph(text), text, stamp)
        )
        # The registry's template of the JSON the actions write, filled directly (the seeder's hot path).
        data = self.COMMENT % (mid, "null" if agent is None else agent, role, "public", "false", channel, "ui")
        self.events.append((self.event_id, tid, "comment.added", agent, role, stamp, data, *self.EVENT_TAIL))
        self.event_id += 1

    def _status(self, tid: int, old: str, new: str, actor: int | None, role: str, at: float) -> None:
        data = self.STATUS % (self.status_pk[old], self.status_pk[new], old, new)
        self.events.append((self.event_id, tid, "status.changed", actor, role, self.fmt(at), data, *self.EVENT_TAIL))
        self.event_id += 1

    def add(self, customer: tuple[int, str, str, int | None], created: float, now: float) -> int:
        rng = self.rng
        tid = self.ticket_id
        self.ticket_id += 1
        cid, name, lang, org = customer
        order = f"{rng.randint(100000, 999999)}"
        subject, body = rng.choice(D.REQUESTS[lang])
        subject, body = subject.format(order=order), body.format(order=order)
        channel = rng.choice(CHANNELS)
        priority = rng.choice(PRIORITIES)
        ttype = rng.choice(TYPES)
        team = self.team_ids[lang]
        age_days = (now - created) / 86400
        roll = rng.random()
        if age_days > 14:
            final = "closed" if roll < 0.86 else "solved" if roll < 0.95 else "pending"
        elif age_days > 4:
            final = (
                "solved"
                if roll < 0.45
                else "pending"
                if roll < 0.65
                else "open"
                if roll < 0.85
                else "on_hold"
                if roll < 0.9
                else "closed"
            )
        else:
            final = (
                "new"
                if roll < 0.25
                else "open"
                if roll < 0.55
                else "pending"
                if roll < 0.75
                else "on_hold"
                if roll < 0.8
                else "solved"
            )
        agent = rng.choice(self.agent_ids[lang])
        category = "new"
        t = created
        solved_at = closed_at = None
        messages = 1
        self._event(
            tid,
            "ticket.created",
            None,
            "end_user",
            t,
            {
                "channel": channel,
                "created_by": "end_user",
                "requester": cid,
                "group": team,
                "priority": priority,
                "status": self.status_pk["new"],
                "category": "new",
                "assignee": None,
                "followup_of": None,
                "split_from": None,
            },
        )
        self._message(tid, agent=None, customer=cid, role="end_user", channel=channel, text=body, at=t)
        assignee = None

        # Delays between the steps of its life; squeezed to fit when the ticket is younger than its life.
        delays = [
            rng.uniform(300, 72000),
            rng.uniform(60, 14400),
            rng.uniform(3600, 172800),
            rng.uniform(600, 28800),
            4 * 86400.0,
        ]
        used = {"new": 0, "open": 2, "on_hold": 2, "pending": 2, "solved": 4, "closed": 5}[final]
        total = sum(delays[:used])
        scale = min(1.0, (now - 60 - created) / total) if total else 1.0
        steps = iter(d * scale for d in delays)

        def later() -> float:
            return t + next(steps)

        if final != "new":
            t = later()
            assignee = agent
            self._event(tid, "assignee.changed", agent, "agent", t, {"old": None, "new": agent})
            self._status(tid, "new", "open", agent, "agent", t)
            category = "open"
            t = later()
            reply = rng.choice(D.AGENT_REPLIES[lang]).format(name=name.split()[0])
            self._message(tid, agent=agent, customer=None, role="agent", channel=channel, text=reply, at=t)
            messages += 1
            if final == "on_hold":
                self._status(tid, "open", "on_hold", agent, "agent", t)
                category = "on_hold"
            elif final in ("solved", "closed") and rng.random() < 0.35:
                # answered and solved in one reply: the one-touch resolutions every desk has
                self._status(tid, "open", "solved", agent, "agent", t)
                category = "solved"
                solved_at = t
                if final == "closed":
                    t = later()
                    self._status(tid, "solved", "closed", None, "system", t)
                    category = "closed"
                    closed_at = t
            elif final != "open":
                self._status(tid, "open", "pending", agent, "agent", t)
                category = "pending"
                if final != "pending":
                    t = later()
                    followup = rng.choice(D.CUSTOMER_FOLLOWUPS[lang])
                    self._message(tid, agent=None, customer=cid, role="end_user", channel=channel, text=followup, at=t)
                    self._status(tid, "pending", "open", None, "end_user", t)
                    t = later()
                    reply = rng.choice(D.AGENT_REPLIES[lang]).format(name=name.split()[0])
                    self._message(tid, agent=agent, customer=None, role="agent", channel=channel, text=reply, at=t)
                    self._status(tid, "open", "solved", agent, "agent", t)
                    messages += 2
                    category = "solved"
                    solved_at = t
                    if final == "closed":
                        t = later()
                        self._status(tid, "solved", "closed", None, "system", t)
                        category = "closed"
                        closed_at = t
        fields = json.dumps({"order_number": order})
        fmt = self.fmt
        self.tickets.append(
            (
                tid,
                subject,
                cid,
                org,
                team,
                assignee,
                self.status_pk[category],
                category,
                priority,
                ttype,
                channel,
                lang,
                fields,
                None,
                None,
                fmt(created),
                fmt(t),
                fmt(solved_at) if solved_at else None,
                fmt(closed_at) if closed_at else None,
                messages,
            )
        )
        self.count_messages += messages
        if self.tag_ids and rng.random() < 0.3:
            tag = rng.choice(self.tag_ids)
            self.tags.append((self.tag_link_id, tid, tag))
            self.tag_link_id += 1
            self._event(tid, "tags.changed", None, "end_user", created, {"old": [], "new": [self.tag_names[tag]]})
        return tid

    tag_names: dict[int, str] = {}

    def take(self) -> Batch:
        """Hand over the rows generated so far and start a new batch."""
        batch = (self.tickets, self.messages, self.events, self.tags)
        self.count_events += len(self.events)
        self.tickets, self.messages, self.events, self.tags = [], [], [], []
        return batch

    def flush(self) -> None:
        insert(self.take())


Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def insert(batch: Batch, db: sqlite3.Connection | None = None) -> None:
    tickets, messages, events, tags = batch
    _executemany(_sql("tickets_ticket", TicketWriter.TICKET_COLS), tickets, db)
    _executemany(_sql("tickets_message", TicketWriter.MESSAGE_COLS), messages, db)
    _executemany(_sql("tickets_ticketevent", TicketWriter.EVENT_COLS), events, db)
    _executemany(_sql("tickets_ticket_tags", ["id", "ticket_id", "tag_id"]), tags, db)
