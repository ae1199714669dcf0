"""The demo seeder's rows: one ticket's life (ticket, messages, timeline events, tags, attachments) generated as the
actions would write it, in tuples for `executemany`. tickets.seeding drives it in chunks and in forked processes.

The conversations come from tickets.demo_scripts, in the ticket's language: the reply answers the question asked.
Some tickets get an internal note, a file on a message (a few shared files, stored once), a duplicate merged into
them, or (every LONG_EVERY-th ticket id) a long troubleshooting conversation with an escalation."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from opsdesk.core.html import html_to_text, text_to_html
from opsdesk.tickets import demo_data as D
from opsdesk.tickets import demo_scripts, events
from opsdesk.tickets.demo_scripts import Gendered
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
LONG_EVERY = 60  # every 60th ticket id: a long conversation (1.7 %)
MERGE_RATE = 0.006  # of the tickets someone picked up: the customer had written twice, and the duplicate is merged
NOTE_RATE = 0.12  # of the answered tickets: an internal note
# Upper bounds per ticket, so that forked processes can be given id ranges of their own (tickets.seeding).
MAX_MESSAGES, MAX_EVENTS, MAX_ATTACHMENTS = 6, 20, 2
MAX_LONG_MESSAGES, MAX_LONG_EVENTS, MAX_LONG_ATTACHMENTS = 34, 80, 2
TRACKING_PREFIX = {"en": "RM", "fi": "JJFI", "sv": "PN", "ru": "RP", "el": "ELTA"}


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


@dataclass(frozen=True)
class DemoFile:
    """A shared demo file, stored once in the attachment storage and referenced by many attachment rows."""

    name: str  # its name in the storage
    content_type: str
    size: int
    sha256: str


Values = dict[str, str]


class TicketWriter:
    """Generates one ticket's life (rows of ticket, messages, events, attachments) exactly as the actions would
    record it, with a conversation from demo_scripts in the ticket's language."""

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
    ATTACHMENT_COLS = [
        "id",
        "ticket_id",
        "message_id",
        "file",
        "filename",
        "content_type",
        "size",
        "sha256",
        "created_at",
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
        # first name and whether the texts take their feminine forms, for the sign-off and [[m|f]]
        self.agent_names = {
            a.pk: (a.name.split()[0], a.name.split()[0] in D.FEMALE_FIRST_NAMES)
            for lang in agents
            for a in agents[lang]
        }
        self.team_ids = {lang: t.pk for lang, t in teams.items()}
        self.scripts = {lang: demo_scripts.compile_language(lang) for lang in demo_scripts.LANGUAGES}
        self.files: dict[str, DemoFile] = {}  # kind -> the stored file; none: no attachments are written
        self.tag_ids: dict[str, int] = {}
        self.tickets: list[tuple[Any, ...]] = []
        self.messages: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.tags: list[tuple[Any, ...]] = []
        self.attachments: list[tuple[Any, ...]] = []
        self.ticket_id = _next_id("tickets_ticket")
        self.message_id = _next_id("tickets_message")
        self.event_id = _next_id("tickets_ticketevent")
        self.tag_link_id = _next_id("tickets_ticket_tags")
        self.attachment_id = _next_id("tickets_attachment")
        self.count_messages = 0
        self.count_events = 0
        self.count_attachments = 0

    # --- rows -----------------------------------------------------------------------------------------------------

    def _event(self, tid: int, kind: str, actor: int | None, role: str, at: float, data: dict[str, Any]) -> None:
        payload = events.serialise(events.build(kind, data))
        self.events.append((self.event_id, tid, kind, actor, role, self.fmt(at), payload, *self.EVENT_TAIL))
        self.event_id += 1

    def _message(
        self,
        tid: int,
        *,
        agent: int | None,
        customer: int | None,
        role: str,
        channel: str,
        text: str,
        html: str,
        at: float,
        visibility: str = "public",
        via: str = "ui",
        automated: bool = False,
    ) -> int:
        mid = self.message_id
        self.message_id += 1
        stamp = self.fmt(at)
        self.messages.append((mid, tid, agent, customer, role, visibility, automated, channel, via, html, text, stamp))
        # The registry's template of the JSON the actions write, filled directly (the seeder's hot path).
        data = self.COMMENT % (
            mid,
            "null" if agent is None else agent,
            role,
            visibility,
            "true" if automated else "false",
            channel,
            via,
        )
        self.events.append((self.event_id, tid, "comment.added", agent, role, stamp, data, *self.EVENT_TAIL))
        self.event_id += 1
        return mid

    def _attach(self, tid: int, mid: int, kind: str, lang: str, actor: int | None, at: float) -> None:
        """An attachment row on a stored shared file, and its `attachment.added` event (as _store_attachments)."""
        stored = self.files.get(kind)
        if stored is None:
            return
        aid = self.attachment_id
        self.attachment_id += 1
        filename = self.scripts[lang].files[kind]
        stamp = self.fmt(at)
        self.attachments.append(
            (aid, tid, mid, stored.name, filename, stored.content_type, stored.size, stored.sha256, stamp)
        )
        data = {"attachment": aid, "comment": mid, "filename": filename, "size": stored.size}
        self._event(tid, "attachment.added", actor, "agent" if actor is not None else "system", at, data)
        self.count_attachments += 1

    def _status(self, tid: int, old: str, new: str, actor: int | None, role: str, at: float) -> None:
        data = self.STATUS % (self.status_pk[old], self.status_pk[new], old, new)
        self.events.append((self.event_id, tid, "status.changed", actor, role, self.fmt(at), data, *self.EVENT_TAIL))
        self.event_id += 1

    def _created(self, tid: int, cid: int, channel: str, team: int, priority: str, at: float) -> None:
        self._event(
            tid,
            "ticket.created",
            None,
            "end_user",
            at,
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

    def _ticket(
        self,
        tid: int,
        subject: str,
        customer: tuple[int, str, str, int | None],
        team: int,
        assignee: int | None,
        category: str,
        priority: str,
        channel: str,
        fields: str,
        times: tuple[float, float, float | None, float | None],
        messages: int,
        merged_into: int | None = None,
    ) -> None:
        cid, _name, lang, org = customer
        fmt = self.fmt
        created, updated, solved_at, closed_at = times
        ttype = TYPES[self.rng.randrange(len(TYPES))]
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
                merged_into,
                None,
                fmt(created),
                fmt(updated),
                fmt(solved_at) if solved_at else None,
                fmt(closed_at) if closed_at else None,
                messages,
            )
        )
        self.count_messages += messages

    # --- texts ----------------------------------------------------------------------------------------------------

    def _customer_text(self, piece: Gendered, female: bool, channel: str, values: Values) -> tuple[str, str]:
        text, html = piece[female]
        text, html = text.format_map(values), html.format_map(values)
        if channel == "email":  # an email is signed
            return f"{text}\n\n{values['me']}", f"{html}<p>{values['me']}</p>"
        return text, html

    def _agent_text(
        self, piece: Gendered, agent: int, lang: str, channel: str, values: Values, *, greet: bool = True
    ) -> tuple[str, str]:
        first, female = self.agent_names[agent]
        values["agent"] = first
        text, html = piece[female]
        text, html = text.format_map(values), html.format_map(values)
        if channel == "chat" or not greet:  # a chat is answered without a greeting and a sign-off
            return text, html
        script = self.scripts[lang]
        rng = self.rng
        g_text, g_html = script.greetings[rng.randrange(len(script.greetings))][female]
        s_text, s_html = script.signoffs[rng.randrange(len(script.signoffs))][female]
        return (
            f"{g_text.format_map(values)}\n\n{text}\n\n{s_text.format_map(values)}",
            g_html.format_map(values) + html + s_html.format_map(values),
        )

    def _note_text(self, piece: Gendered, author: int, values: Values) -> tuple[str, str]:
        text, html = piece[self.agent_names[author][1]]
        return text.format_map(values), html.format_map(values)

    def _values(self, name: str, lang: str, order: str) -> Values:
        rng = self.rng
        first = name.split()[0]
        script = self.scripts[lang]
        return {
            "name": demo_scripts.vocative(lang, first),
            "me": first,
            "order": order,
            "tracking": f"{TRACKING_PREFIX[lang]}{rng.randrange(10**9, 10**10)}",
            "amount": script.amounts[rng.randrange(len(script.amounts))],
            "agent": "",
            "colleague": "",
        }

    # --- a ticket's life ------------------------------------------------------------------------------------------

    def add(
        self,
        customer: tuple[int, str, str, int | None],
        created: float,
        now: float,
        *,
        room: int = 1,
        long: bool = False,
    ) -> int:
        """Write one ticket (or, when `room` allows, a ticket and a duplicate merged into it); returns how many
        tickets were written. Every LONG_EVERY-th ticket id (or `long`) gets a long conversation."""
        if long or self.ticket_id % LONG_EVERY == 0:
            self._add_long(customer, created, now)
            return 1
        return self._add_regular(customer, created, now, room=room)

    def _final(self, created: float, now: float) -> str:
        age_days = (now - created) / 86400
        roll = self.rng.random()
        if age_days > 14:
            return "closed" if roll < 0.86 else "solved" if roll < 0.95 else "pending"
        if age_days > 4:
            if roll < 0.45:
                return "solved"
            return "pending" if roll < 0.65 else "open" if roll < 0.85 else "on_hold" if roll < 0.9 else "closed"
        if roll < 0.25:
            return "new"
        return "open" if roll < 0.55 else "pending" if roll < 0.75 else "on_hold" if roll < 0.8 else "solved"

    def _tag(self, tid: int, tag: str, at: float) -> None:
        tag_id = self.tag_ids.get(tag)
        if tag_id is not None and self.rng.random() < 0.3:
            self.tags.append((self.tag_link_id, tid, tag_id))
            self.tag_link_id += 1
            self._event(tid, "tags.changed", None, "end_user", at, {"old": [], "new": [tag]})

    def _add_regular(self, customer: tuple[int, str, str, int | None], created: float, now: float, *, room: int) -> int:
        rng = self.rng
        tid = self.ticket_id
        self.ticket_id += 1
        cid, name, lang, _org = customer
        female = name.split()[0] in D.FEMALE_FIRST_NAMES
        script = self.scripts[lang]
        topic = script.topics[rng.randrange(len(script.topics))]
        order = f"{rng.randint(100000, 999999)}"
        values = self._values(name, lang, order)
        subject = topic.subjects[rng.randrange(len(topic.subjects))].format_map(values)
        opening = topic.openings[rng.randrange(len(topic.openings))]
        channel = CHANNELS[rng.randrange(len(CHANNELS))]
        priority = PRIORITIES[rng.randrange(len(PRIORITIES))]
        team = self.team_ids[lang]
        final = self._final(created, now)
        agents = self.agent_ids[lang]
        agent = agents[rng.randrange(len(agents))]
        category = "new"
        t = created
        solved_at = closed_at = None
        self._created(tid, cid, channel, team, priority, t)
        text, html = self._customer_text(opening, female, channel, values)
        mid = self._message(tid, agent=None, customer=cid, role="end_user", channel=channel, text=text, html=html, at=t)
        messages = 1
        if topic.opening_file:
            self._attach(tid, mid, topic.opening_file, lang, None, t)
        self._tag(tid, topic.tag, t)
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

        duplicate = None
        if final != "new":
            t = later()
            assignee = agent
            if room > 1 and rng.random() < MERGE_RATE:
                # the customer wrote again about it on another channel before anyone answered: merged when picked up
                duplicate = self._add_duplicate(customer, tid, subject, opening, values, created, t)
            self._event(tid, "assignee.changed", agent, "agent", t, {"old": None, "new": agent})
            self._status(tid, "new", "open", agent, "agent", t)
            if duplicate is not None:
                messages += self._merged_into(tid, duplicate, subject, lang, channel, agent, t)
            category = "open"
            t = later()
            one_touch = final in ("solved", "closed") and rng.random() < 0.35
            if one_touch:
                reply = topic.quick[rng.randrange(len(topic.quick))]
            else:
                ask, answer, settle = topic.threads[rng.randrange(len(topic.threads))]
                reply = ask
            text, html = self._agent_text(reply, agent, lang, channel, values)
            mid = self._message(
                tid, agent=agent, customer=None, role="agent", channel=channel, text=text, html=html, at=t
            )
            messages += 1
            if one_touch and topic.closing_file:
                self._attach(tid, mid, topic.closing_file, lang, agent, t)
            if final == "on_hold":
                self._status(tid, "open", "on_hold", agent, "agent", t)
                category = "on_hold"
            elif one_touch:
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
                    text, html = self._customer_text(answer, female, channel, values)
                    self._message(
                        tid, agent=None, customer=cid, role="end_user", channel=channel, text=text, html=html, at=t
                    )
                    self._status(tid, "pending", "open", None, "end_user", t)
                    if rng.random() < NOTE_RATE:
                        messages += self._note(tid, topic.note, lang, channel, values, t)
                    t = later()
                    text, html = self._agent_text(settle, agent, lang, channel, values)
                    mid = self._message(
                        tid, agent=agent, customer=None, role="agent", channel=channel, text=text, html=html, at=t
                    )
                    if topic.closing_file:
                        self._attach(tid, mid, topic.closing_file, lang, agent, t)
                    self._status(tid, "open", "solved", agent, "agent", t)
                    messages += 2
                    category = "solved"
                    solved_at = t
                    if final == "closed":
                        t = later()
                        self._status(tid, "solved", "closed", None, "system", t)
                        category = "closed"
                        closed_at = t
            if final in ("open", "on_hold", "pending") and rng.random() < NOTE_RATE:
                t = min(t + rng.uniform(60, 3600), now - 30)
                messages += self._note(tid, topic.note, lang, channel, values, t)
        fields = json.dumps({"order_number": order}) if topic.has_order else "{}"
        self._ticket(
            tid,
            subject,
            customer,
            team,
            assignee,
            category,
            priority,
            channel,
            fields,
            (created, t, solved_at, closed_at),
            messages,
        )
        if duplicate is not None:
            self.tickets.append(duplicate)
            self.count_messages += duplicate[-1]
            return 2
        return 1

    def _note(
        self, tid: int, piece: Gendered, lang: str, channel: str, values: Values, at: float, author: int | None = None
    ) -> int:
        """An internal note by `author`, else by the assignee or a colleague of the team (as add_note writes it)."""
        if author is None:
            agents = self.agent_ids[lang]
            author = agents[self.rng.randrange(len(agents))]
        text, html = self._note_text(piece, author, values)
        self._message(
            tid,
            agent=author,
            customer=None,
            role="agent",
            channel=channel,
            text=text,
            html=html,
            at=at,
            visibility="internal",
        )
        return 1

    # --- merges (as tickets.actions.merge_tickets) -----------------------------------------------------------------

    def _add_duplicate(
        self,
        customer: tuple[int, str, str, int | None],
        target: int,
        subject: str,
        opening: Gendered,
        values: Values,
        after: float,
        merged_at: float,
    ) -> tuple[Any, ...]:
        """The customer's second ticket about the same thing, closed by the merge into `target` at `merged_at`:
        its rows and events are written now, its ticket row returned to be added after the target's."""
        rng = self.rng
        tid = self.ticket_id
        self.ticket_id += 1
        cid, name, lang, org = customer
        female = name.split()[0] in D.FEMALE_FIRST_NAMES
        script = self.scripts[lang]
        channel = "web" if rng.random() < 0.5 else "portal"
        created = after + (merged_at - after) * rng.uniform(0.2, 0.8)
        priority = PRIORITIES[rng.randrange(len(PRIORITIES))]
        team = self.team_ids[lang]
        self._created(tid, cid, channel, team, priority, created)
        prefix = script.duplicate[rng.randrange(len(script.duplicate))][female]
        text, html = self._customer_text(opening, female, channel, values)
        self._message(
            tid,
            agent=None,
            customer=cid,
            role="end_user",
            channel=channel,
            text=f"{prefix[0]}\n\n{text}",
            html=prefix[1] + html,
            at=created,
        )
        fmt = self.fmt
        return (
            tid,
            subject,
            cid,
            org,
            team,
            None,
            self.status_pk["closed"],
            "closed",
            priority,
            TYPES[rng.randrange(len(TYPES))],
            channel,
            lang,
            json.dumps({"order_number": values["order"]}),
            target,
            None,
            fmt(created),
            fmt(merged_at),
            fmt(merged_at),
            fmt(merged_at),
            2,
        )

    def _merged_into(
        self, target: int, source: tuple[Any, ...], subject: str, lang: str, channel: str, agent: int, at: float
    ) -> int:
        """The merge's events and internal notes on both tickets; returns the messages added to the target."""
        source_id, source_channel = source[0], source[10]
        self._status(source_id, "new", "closed", agent, "agent", at)
        data = {"source": source_id, "target": target}
        self._event(source_id, "ticket.merged", agent, "agent", at, data)
        self._event(target, "ticket.merged", agent, "agent", at, data)
        with translation.override(lang):
            on_source = text_to_html(gettext("Merged into ticket #%(n)s.") % {"n": target})
            on_target = text_to_html(
                gettext("Ticket #%(n)s (%(subject)s) was merged into this ticket.")
                % {"n": source_id, "subject": subject}
            )
        for tid, note, ch in ((source_id, on_source, source_channel), (target, on_target, channel)):
            self._message(
                tid,
                agent=agent,
                customer=None,
                role="system",
                channel=ch,
                text=html_to_text(note),
                html=note,
                at=at,
                visibility="internal",
                via="merge",
                automated=True,
            )
        return 1

    # --- a long conversation --------------------------------------------------------------------------------------

    def _add_long(self, customer: tuple[int, str, str, int | None], created: float, now: float) -> None:
        """Troubleshooting step by step, an escalation with colleagues' internal notes, the fix: 21 to 33 messages.
        A ticket of the last ten days is still in progress, with the expert working on it."""
        rng = self.rng
        tid = self.ticket_id
        self.ticket_id += 1
        cid, name, lang, _org = customer
        female = name.split()[0] in D.FEMALE_FIRST_NAMES
        story = self.scripts[lang].long
        order = f"{rng.randint(100000, 999999)}"
        values = self._values(name, lang, order)
        channel = "email" if rng.random() < 0.7 else "portal"
        priority = "high" if rng.random() < 0.5 else "normal"
        team = self.team_ids[lang]
        agents = self.agent_ids[lang]
        agent = agents[rng.randrange(len(agents))]
        expert = agents[(agents.index(agent) + 1 + rng.randrange(len(agents) - 1)) % len(agents)]
        values["colleague"] = self.agent_names[expert][0]
        in_progress = now - created < 10 * 86400
        count = rng.randint(7, 12)
        steps = sorted(rng.sample(range(len(story.steps)), count))
        # (who, what): customer, agent, note, expert's note, expert, assign
        plan: list[tuple[str, Any]] = [("agent_first", story.steps[steps[0]][0])]
        plan.append(("customer", story.steps[steps[0]][1]))
        for i in steps[1:]:
            plan += [("agent", story.steps[i][0]), ("customer", story.steps[i][1])]
        plan += [("note", story.note_stuck), ("agent", story.escalate), ("log", story.log)]
        plan += [("expert_note", story.note_expert), ("assign", None), ("expert_note", story.handover)]
        if not in_progress:
            plan += [("expert", story.fix), ("customer", story.fixed), ("closing", story.closing)]
        gaps = [
            rng.uniform(1200, 21600) if who == "customer" or who == "log" else rng.uniform(600, 14400)
            for who, _piece in plan
        ]
        first_gap = rng.uniform(600, 14400)
        total = first_gap + sum(gaps) + (4 * 86400 if not in_progress else 0)
        scale = min(1.0, (now - 60 - created) / total)
        t = created
        self._created(tid, cid, channel, team, priority, t)
        text, html = self._customer_text(story.opening, female, channel, values)
        mid = self._message(tid, agent=None, customer=cid, role="end_user", channel=channel, text=text, html=html, at=t)
        self._attach(tid, mid, "screenshot", lang, None, t)
        self._tag(tid, "technical", t)
        messages = 1
        t += first_gap * scale
        self._event(tid, "assignee.changed", agent, "agent", t, {"old": None, "new": agent})
        self._status(tid, "new", "open", agent, "agent", t)
        category, assignee, solved_at, closed_at = "open", agent, None, None
        for (who, piece), gap in zip(plan, gaps, strict=True):
            t += gap * scale
            if who == "assign":
                self._event(tid, "assignee.changed", expert, "agent", t, {"old": agent, "new": expert})
                assignee = expert
                continue
            if who in ("customer", "log"):
                text, html = self._customer_text(piece, female, channel, values)
                mid = self._message(
                    tid, agent=None, customer=cid, role="end_user", channel=channel, text=text, html=html, at=t
                )
                if who == "log":
                    self._attach(tid, mid, "log", lang, None, t)
                if category == "pending":
                    self._status(tid, "pending", "open", None, "end_user", t)
                    category = "open"
            elif who in ("note", "expert_note"):
                self._note(tid, piece, lang, channel, values, t, author=agent if who == "note" else expert)
            else:
                author = expert if who in ("expert", "closing") else agent
                if who == "agent_first":
                    first_text, first_html = story.first[self.agent_names[author][1]]
                    step_text, step_html = piece[self.agent_names[author][1]]
                    piece = ((f"{first_text}\n\n{step_text}", first_html + step_html),) * 2
                text, html = self._agent_text(piece, author, lang, channel, values, greet=who != "agent")
                self._message(
                    tid, agent=author, customer=None, role="agent", channel=channel, text=text, html=html, at=t
                )
                new = "solved" if who == "closing" else "pending"
                self._status(tid, category, new, author, "agent", t)
                category = new
                if new == "solved":
                    solved_at = t
            messages += 1
        if not in_progress:
            t += 4 * 86400 * scale
            self._status(tid, "solved", "closed", None, "system", t)
            category, closed_at = "closed", t
        self._ticket(
            tid,
            story.subject,
            customer,
            team,
            assignee,
            category,
            priority,
            channel,
            json.dumps({"order_number": order}),
            (created, t, solved_at, closed_at),
            messages,
        )

    # --- batches --------------------------------------------------------------------------------------------------

    def take(self) -> Batch:
        """Hand over the rows generated so far and start a new batch."""
        batch = (self.tickets, self.messages, self.events, self.tags, self.attachments)
        self.count_events += len(self.events)
        self.tickets, self.messages, self.events, self.tags, self.attachments = [], [], [], [], []
        return batch

    def flush(self) -> None:
        insert(self.take())


Batch = tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]
]


def insert(batch: Batch, db: sqlite3.Connection | None = None) -> None:
    tickets, messages, events, tags, attachments = batch
    _executemany(_sql("tickets_ticket", TicketWriter.TICKET_COLS), tickets, db)
    _executemany(_sql("tickets_message", TicketWriter.MESSAGE_COLS), messages, db)
    _executemany(_sql("tickets_ticketevent", TicketWriter.EVENT_COLS), events, db)
    _executemany(_sql("tickets_ticket_tags", ["id", "ticket_id", "tag_id"]), tags, db)
    _executemany(_sql("tickets_attachment", TicketWriter.ATTACHMENT_COLS), attachments, db)
