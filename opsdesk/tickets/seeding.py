"""Bulk demo-data generation: the one sanctioned exception to writing through actions.py.

Small reference data (teams, users, organizations, custom fields) is created through the actions. Customers,
tickets, messages, attachments and timeline events are written with `executemany` in the exact shape the actions
write them: `tests/test_seeding.py` holds a seeded ticket's rows and events to those of a ticket driven through the
actions (a reply, an internal note, an attachment, a merge).
"""

from __future__ import annotations

import hashlib
import mimetypes
import multiprocessing
import os
import random
import sqlite3
import tempfile
from bisect import bisect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.models import Role, User
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import CustomerOrganization
from opsdesk.fields.models import CustomField
from opsdesk.people import actions as people_actions
from opsdesk.people.models import Team, TeamMembership
from opsdesk.tickets import configuration, search
from opsdesk.tickets import demo_data as D
from opsdesk.tickets.seeding_rows import (
    CHUNK,
    DAYS,
    HOUR_WEIGHTS,
    LANG_POOL,
    LONG_EVERY,
    MAX_ATTACHMENTS,
    MAX_EVENTS,
    MAX_LONG_ATTACHMENTS,
    MAX_LONG_EVENTS,
    MAX_LONG_MESSAGES,
    MAX_MESSAGES,
    WEEKDAY_WEIGHTS,
    DemoFile,
    TicketWriter,
    _executemany,
    _next_id,
    _sql,
    _time_formatter,
    insert,
)

CustomerRow = tuple[int, str, str, int | None]  # id, name, language, organization id


@dataclass
class SeedResult:
    tickets: int = 0
    messages: int = 0
    events: int = 0
    attachments: int = 0
    customers: int = 0
    seconds: float = 0.0


BULK_TABLES = ("tickets_ticket", "tickets_message", "tickets_ticketevent", "tickets_ticket_tags", "tickets_attachment")
CUSTOMER_TABLES = ("customers_customer", "customers_customeremail", "customers_customerevent")


class deferred_indexes:
    """On SQLite, drop the secondary indexes of the bulk tables while seeding and rebuild them afterwards.

    Building an index once, sorted, is several times faster than updating it row by row. The unique indexes
    (primary keys, UNIQUE constraints) stay, so the data is checked the same way throughout."""

    def __init__(self, tables: tuple[str, ...] = BULK_TABLES) -> None:
        self.tables = tables

    def __enter__(self) -> None:
        self.saved: list[tuple[str, str]] = []
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(self.tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                list(self.tables),
            )
            self.saved = [(name, sql) for name, sql in cursor.fetchall()]
            for name, _sql_text in self.saved:
                cursor.execute(f'DROP INDEX "{name}"')

    def __exit__(self, *exc: object) -> None:
        if not self.saved:
            return
        with connection.cursor() as cursor:
            for _name, sql_text in self.saved:
                cursor.execute(sql_text)
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")


def _reset_sequences(models: list[Any]) -> None:
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def _day_sampler(rng: random.Random, now: datetime) -> Callable[[], float]:
    """Creation times over the last 18 months with weekly, yearly and daily seasonality and slow growth."""
    start = (now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    weights = []
    for day in range(DAYS + 1):
        date = start + timedelta(days=day)
        yearly = 1.0 + 0.35 * (1 if date.month in (11, 12, 1) else 0) - 0.25 * (1 if date.month in (7,) else 0)
        growth = 0.7 + 0.6 * day / DAYS
        weights.append(WEEKDAY_WEIGHTS[date.weekday()] * yearly * growth)
    cum_days = _cumulative(weights)
    cum_hours = _cumulative(HOUR_WEIGHTS)
    base = start.timestamp()
    last = now.timestamp() - 60

    def sample() -> float:
        day = bisect(cum_days, rng.random() * cum_days[-1])
        hour = bisect(cum_hours, rng.random() * cum_hours[-1])
        ts = base + day * 86400 + hour * 3600 + rng.random() * 3600
        return min(ts, last - rng.random() * 3600)

    return sample


def _cumulative(weights: list[float] | list[int]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


@transaction.atomic
def seed_reference_data(*, password: str = D.DEMO_PASSWORD) -> dict[str, Any]:
    """Teams, staff in every role, organizations, custom fields and canned responses, through the actions.

    Users are created without a password, then all demo logins get one shared hash: hashing it once instead of
    25 times saves about five seconds of PBKDF2."""
    admin = account_actions.create_user(
        send_password_link=False,
        email="admin@opsdesk.example",
        name="Ada Admin",
        role=Role.ADMIN,
        password=None,
        actor=None,
    )
    password_arg = password
    password = None  # type: ignore[assignment]
    account_actions.create_user(
        send_password_link=False,
        email="manager@opsdesk.example",
        name="Mikko Manageri",
        role=Role.MANAGER,
        password=password,
        language="fi",
        time_zone="Europe/Helsinki",
        actor=admin,
    )
    account_actions.create_user(
        send_password_link=False,
        email="light@opsdesk.example",
        name="Lena Light",
        role=Role.LIGHT_AGENT,
        password=password,
        language="sv",
        time_zone="Europe/Stockholm",
        actor=admin,
    )
    teams: dict[str, Team] = {}
    agents: dict[str, list[User]] = {}
    for names, lang, skills in D.TEAMS:
        team = people_actions.save_team(
            None,
            name=names["en"],
            name_translations={code: text for code, text in names.items() if code != "en"},
            email=f"support-{lang}@opsdesk.example",
            languages=[lang],
            skills=skills,
            actor=admin,
        )
        teams[lang] = team
        agents[lang] = []
        for i in range(4):
            first = D.FIRST_NAMES[lang][(i * 3 + 1) % len(D.FIRST_NAMES[lang])]
            last = D.LAST_NAMES[lang][(i * 7 + 2) % len(D.LAST_NAMES[lang])]
            name = D.full_name(lang, first, last)
            email = f"agent.{lang}@opsdesk.example" if i == 0 else f"agent{i}.{lang}@opsdesk.example"
            role = Role.AGENT
            if i == 1 and lang == "fi":
                email, role = "lead.fi@opsdesk.example", Role.TEAM_LEAD
            user = account_actions.create_user(
                send_password_link=False,
                email=email,
                name=name,
                role=role,
                password=password,
                language=lang,
                time_zone=D.TIME_ZONES[lang],
                actor=admin,
            )
            people_actions.set_membership(
                team,
                user=user,
                member=True,
                is_lead=role == Role.TEAM_LEAD,
                access=TeamMembership.Access.FULL,
                actor=admin,
            )
            agents[lang].append(user)
    light = User.objects.get(email="light@opsdesk.example")
    people_actions.set_membership(teams["sv"], user=light, member=True, access=TeamMembership.Access.NOTES, actor=admin)
    orgs = [
        customer_actions.create_organization(name=name, domains=[domain], shared_tickets=i % 3 == 0, actor=admin)
        for i, (name, domain) in enumerate(D.ORGANIZATIONS)
    ]

    def others(texts: dict[str, Any]) -> dict[str, Any]:
        return {code: text for code, text in texts.items() if code != "en"}

    configuration.save_custom_field(
        None,
        key="order_number",
        label=D.ORDER_NUMBER_LABEL["en"],
        label_translations=others(D.ORDER_NUMBER_LABEL),
        type=CustomField.Type.TEXT,
        visible_in_portal=True,
        position=1,
        actor=admin,
    )
    configuration.save_custom_field(
        None,
        key="product_area",
        label=D.PRODUCT_AREA_LABEL["en"],
        label_translations=others(D.PRODUCT_AREA_LABEL),
        type=CustomField.Type.SELECT,
        choices=list(D.PRODUCT_AREAS),
        choice_translations=D.PRODUCT_AREAS,
        visible_in_portal=True,
        position=2,
        actor=admin,
    )
    for canned in D.CANNED:
        configuration.save_canned_response(
            None,
            title=canned["en"][0],
            title_translations={code: title for code, (title, _body) in others(canned).items()},
            body=canned["en"][1],
            body_translations={code: body for code, (_title, body) in others(canned).items()},
            team=None,
            actor=admin,
        )
    demo_customer = customer_actions.create_customer(
        name="Cecilia Customer",
        emails=["customer@opsdesk.example"],
        organization=orgs[0],
        language="en",
        time_zone="Europe/London",
        actor=admin,
    )
    customer_actions.create_portal_login(demo_customer.pk, password=None, actor=admin)
    User.objects.filter(email__endswith="@opsdesk.example").update(password=make_password(password_arg))
    return {"admin": admin, "teams": teams, "agents": agents, "orgs": orgs, "demo_customer": demo_customer}


def seed_customers(
    count: int, *, rng: random.Random, orgs: list[CustomerOrganization]
) -> list[tuple[int, str, str, int | None]]:
    """Bulk customers with one email each, and their `customer.created` event; returns (id, name, lang, org)."""
    fmt = _time_formatter()
    now = timezone.now().timestamp()
    first_id = _next_id("customers_customer")
    first_email = _next_id("customers_customeremail")
    first_event = _next_id("customers_customerevent")
    customers, emails, customer_events, out = [], [], [], []
    for i in range(count):
        cid = first_id + i
        lang = LANG_POOL[rng.randrange(100)]
        name = D.full_name(lang, rng.choice(D.FIRST_NAMES[lang]), rng.choice(D.LAST_NAMES[lang]))
        org = orgs[i % len(orgs)] if rng.random() < 0.2 else None
        stamp = fmt(now - DAYS * 86400 - rng.random() * 86400 * 30)
        address = f"customer{cid}@{org.domains[0] if org else D.EMAIL_DOMAINS[lang]}"
        customers.append(
            (
                cid,
                name,
                org.pk if org else None,
                None,
                lang,
                D.TIME_ZONES[lang],
                "",
                "{}",
                None,
                stamp,
                stamp,
            )
        )
        emails.append((first_email + i, cid, address, True))
        customer_events.append((first_event + i, cid, "customer.created", None, f'{{"emails": ["{address}"]}}', stamp))
        out.append((cid, name, lang, org.pk if org else None))
    customer_cols = [
        "id",
        "name",
        "organization_id",
        "user_id",
        "language",
        "time_zone",
        "notes",
        "custom_fields",
        "merged_into_id",
        "created_at",
        "updated_at",
    ]
    with bulk_pragmas(), transaction.atomic(), deferred_indexes(CUSTOMER_TABLES):
        _executemany(_sql("customers_customer", customer_cols), customers)
        _executemany(_sql("customers_customeremail", ["id", "customer_id", "address", "is_primary"]), emails)
        _executemany(
            _sql("customers_customerevent", ["id", "customer_id", "kind", "actor_id", "data", "at"]), customer_events
        )
    if connection.vendor == "sqlite":
        connection.check_constraints(table_names=list(CUSTOMER_TABLES))
    from opsdesk.customers.models import Customer, CustomerEmail, CustomerEvent

    _reset_sequences([Customer, CustomerEmail, CustomerEvent])  # or the next customer made by an action collides
    return out


PARALLEL_FROM = 20_000  # below this, forking costs more than it saves


def _write_shard(
    writer: TicketWriter,
    path: str,
    schema: list[str],
    count: int,
    seed: int,
    customers: list[CustomerRow],
    now_dt: datetime,
) -> None:
    """In a forked child: generate `count` tickets into a SQLite file of its own (no Django database access)."""
    rng = random.Random(seed)
    writer.rng = rng
    sample = _day_sampler(rng, now_dt)
    now = now_dt.timestamp()
    limits = (writer.ticket_id + count, *_id_limits(writer, count))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    for statement in schema:
        db.execute(statement)
    db.execute("BEGIN")
    for size in chunks(count, CHUNK):
        _add_tickets(writer, size, customers, sample, now)
        insert(writer.take(), db)
    db.execute("COMMIT")
    db.close()
    used = (writer.ticket_id, writer.message_id, writer.event_id, writer.attachment_id)
    if any(next_id > limit for next_id, limit in zip(used, limits, strict=True)):
        raise RuntimeError(f"A shard went past its id ranges: {used} > {limits}")


def _add_tickets(
    writer: TicketWriter, count: int, customers: list[CustomerRow], sample: Callable[[], float], now: float
) -> None:
    """Exactly `count` tickets: one `add` may write two (a ticket and the duplicate merged into it)."""
    rng = writer.rng
    done = 0
    while done < count:
        done += writer.add(customers[rng.randrange(len(customers))], sample(), now, room=count - done)


def _id_limits(writer: TicketWriter, count: int) -> tuple[int, int, int]:
    """The message, event and attachment ids that the next `count` tickets stay below: every LONG_EVERY-th ticket id
    is a long conversation, the others stay under the per-ticket bounds."""
    first = writer.ticket_id
    long = (first + count - 1) // LONG_EVERY - (first - 1) // LONG_EVERY
    short = count - long
    return (
        writer.message_id + short * MAX_MESSAGES + long * MAX_LONG_MESSAGES,
        writer.event_id + short * MAX_EVENTS + long * MAX_LONG_EVENTS,
        writer.attachment_id + short * MAX_ATTACHMENTS + long * MAX_LONG_ATTACHMENTS,
    )


def _seed_in_parallel(
    writer: TicketWriter,
    count: int,
    *,
    customers: list[CustomerRow],
    rng: random.Random,
    now_dt: datetime,
    workers: int,
) -> None:
    """Generate the tickets in `workers` forked processes, each into its own SQLite file with its own id ranges,
    then copy the files into the main database with INSERT ... SELECT (no Python per row)."""
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(BULK_TABLES))
        cursor.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",  # noqa: S608
            list(BULK_TABLES),
        )
        schema = [row[0] for row in cursor.fetchall()]
    sizes = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="opsdesk-seed-") as folder:
        paths, processes = [], []
        connections.close_all()  # the children never touch Django's connection
        for i, size in enumerate(sizes):
            if i:  # the next shard's ranges start where this one's bounds end
                writer.message_id, writer.event_id, writer.attachment_id = _id_limits(writer, sizes[i - 1])
                writer.ticket_id += sizes[i - 1]
                writer.tag_link_id += sizes[i - 1]
            path = f"{folder}/shard{i}.sqlite3"
            seed = rng.randrange(2**32)
            process = context.Process(target=_write_shard, args=(writer, path, schema, size, seed, customers, now_dt))
            process.start()
            paths.append(path)
            processes.append(process)
        _join(processes, "A seeding process failed; nothing was written.")
        with (
            _attached(paths, "shard"),
            bulk_pragmas(),
            transaction.atomic(),
            deferred_indexes(),
            connection.cursor() as cursor,
        ):
            for i in range(len(paths)):
                for table in BULK_TABLES:
                    cursor.execute(f"INSERT INTO main.{table} SELECT * FROM shard{i}.{table} ORDER BY id")
                    if table == "tickets_message":
                        writer.count_messages += cursor.rowcount
                    elif table == "tickets_ticketevent":
                        writer.count_events += cursor.rowcount
                    elif table == "tickets_attachment":
                        writer.count_attachments += cursor.rowcount


def _join(processes: list[Any], failure: str) -> None:
    for process in processes:
        process.join()
    if any(process.exitcode != 0 for process in processes):
        raise RuntimeError(failure)


@contextmanager
def _attached(paths: list[str], prefix: str) -> Iterator[None]:
    """The forked processes' SQLite files, attached to the main database as prefix0, prefix1, ... (outside any
    transaction, which SQLite requires) for INSERT ... SELECT, and detached afterwards."""
    with connection.cursor() as cursor:
        for i, path in enumerate(paths):
            cursor.execute(f"ATTACH DATABASE %s AS {prefix}{i}", [path])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for i in range(len(paths)):
                cursor.execute(f"DETACH DATABASE {prefix}{i}")


def _index_shard(path: str, first: int, last: int) -> None:
    """In a forked child: build the search documents of tickets first..last into a SQLite file of its own."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE docs (rowid INTEGER PRIMARY KEY, subject, people, public, internal)")
    db.execute("BEGIN")
    for start in range(first, last + 1, search.BATCH * 5):
        documents = search.documents_between(start, min(start + search.BATCH * 5 - 1, last))
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", documents)
    db.execute("COMMIT")
    db.close()
    connections.close_all()


def _index_in_parallel(first: int, *, workers: int) -> None:
    """Index the new tickets for search: forked processes build the documents (the Python part: folding text),
    the main process copies them into the FTS5 table with INSERT ... SELECT (tokenizing in C)."""
    from opsdesk.tickets.models import Ticket

    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    step = (last - first) // workers + 1
    ranges = [(start, min(start + step - 1, last)) for start in range(first, last + 1, step)]
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="opsdesk-index-") as folder:
        connections.close_all()
        paths = [f"{folder}/docs{i}.sqlite3" for i in range(len(ranges))]
        processes = [
            context.Process(target=_index_shard, args=(path, start, end))
            for path, (start, end) in zip(paths, ranges, strict=True)
        ]
        for process in processes:
            process.start()
        _join(processes, "A search indexing process failed.")
        with _attached(paths, "docs"), bulk_pragmas(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM tickets_search WHERE rowid >= %s", [first])
            for i in range(len(paths)):
                cursor.execute(
                    f"INSERT INTO tickets_search (rowid, subject, people, public, internal) "  # noqa: S608
                    f"SELECT rowid, subject, people, public, internal FROM docs{i}.docs ORDER BY rowid"
                )


class bulk_pragmas:
    """SQLite settings for a one-off bulk load: no fsync, and no re-checking of CHECK constraints (the JSON_VALID
    checks Django adds to JSON columns) on rows this module built itself and a test holds to the actions' shape."""

    def __enter__(self) -> None:
        # Only outside a transaction (SQLite refuses these pragmas inside one, e.g. in a test's transaction).
        self.active = connection.vendor == "sqlite" and not connection.in_atomic_block
        if self.active:
            self.fk_were_on = connection.disable_constraint_checking()  # as loaddata does; checked after
            with connection.cursor() as cursor:
                # A rollback journal instead of the WAL for the load: pages appended to the file need no journal,
                # where the WAL would write every new page twice. Only takes effect with no other connection open.
                cursor.execute("PRAGMA journal_mode=DELETE")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA ignore_check_constraints=ON")
                cursor.execute("PRAGMA cache_size=-524288")
                cursor.execute("PRAGMA threads=4")  # helper threads for the sorts of CREATE INDEX
                cursor.execute("PRAGMA temp_store=MEMORY")  # and their sort runs in memory, not temporary files

    def __exit__(self, *exc: object) -> None:
        if self.active:
            if self.fk_were_on:
                connection.enable_constraint_checking()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints=OFF")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-32000")
                cursor.execute("PRAGMA threads=0")
                cursor.execute("PRAGMA temp_store=DEFAULT")
                cursor.execute("PRAGMA journal_mode=WAL")


def chunks(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        step = min(size, total - done)
        yield step
        done += step


def seed_tickets(
    count: int,
    *,
    customers: list[tuple[int, str, str, int | None]],
    agents: dict[str, list[User]],
    teams: dict[str, Team],
    rng: random.Random,
    first_customers: list[tuple[int, str, str, int | None]] | None = None,
) -> SeedResult:
    from opsdesk.tickets.models import Attachment, Message, Tag, Ticket, TicketEvent

    result = SeedResult()
    writer = TicketWriter(rng, agents, teams)
    first_ticket = writer.ticket_id
    Tag.objects.bulk_create([Tag(name=n) for n in D.TAGS], ignore_conflicts=True)
    writer.tag_ids = dict(Tag.objects.filter(name__in=D.TAGS).values_list("name", "pk"))
    writer.files = store_demo_files()
    now_dt = timezone.now()
    now = now_dt.timestamp()
    sample = _day_sampler(rng, now_dt)
    pinned = list(first_customers or [])
    remaining = count
    with transaction.atomic():
        # The pinned customers (the demo portal login) get recent tickets in every state first, the first of them a
        # long conversation still in progress.
        for i, customer in enumerate(pinned):
            writer.add(
                customer,
                now - rng.uniform(86400 * (3 if i == 0 else 1), 86400 * (8 if i == 0 else 12)),
                now,
                long=i == 0,
            )
            remaining -= 1
        writer.flush()
    workers = min(os.cpu_count() or 1, 4)
    parallel = connection.vendor == "sqlite" and not connection.in_atomic_block and workers > 1
    if parallel and remaining >= PARALLEL_FROM:
        _seed_in_parallel(writer, remaining, customers=customers, rng=rng, now_dt=now_dt, workers=workers)
    else:
        with bulk_pragmas(), transaction.atomic(), deferred_indexes():
            for size in chunks(max(remaining, 0), CHUNK):
                _add_tickets(writer, size, customers, sample, now)
                insert(writer.take())
    if connection.vendor == "sqlite":
        # Foreign keys were not checked row by row during the load; check every one now (raises IntegrityError).
        connection.check_constraints(table_names=list(BULK_TABLES))
    _reset_sequences([Ticket, Message, TicketEvent, Attachment])
    if parallel and remaining >= PARALLEL_FROM:
        _index_in_parallel(first_ticket, workers=workers)
    else:
        with bulk_pragmas(), transaction.atomic():
            search.index_after(first_ticket - 1)  # the same documents the actions write, ticket by ticket
    with connection.cursor() as cursor:
        # Fresh statistics for the planner, now that the search index is full too. On SQLite the statistics taken
        # when the indexes were rebuilt said the index's data table had 2 rows, so FTS5's own "DELETE ... WHERE id
        # BETWEEN" scanned the whole table: every 15th write took a second (docs/performance.md). On PostgreSQL,
        # before autovacuum got to the new rows, a ticket's 20 messages took 90 ms to read instead of 1.
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # and the visibility map: without it an index-only count of the unsolved tickets (the dashboard's live
            # strip) visits every row's page, 153 ms instead of 6 at a million tickets
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    result.tickets = count
    result.messages = writer.count_messages
    result.events = writer.count_events
    result.attachments = writer.count_attachments
    return result


DEMO_FILES = Path(__file__).resolve().parent / "demo_files"
# kind -> the file in demo_files/ (its name in each language: demo_scripts)
DEMO_FILE_NAMES = {
    "photo": "damaged-parcel.png",
    "statement": "card-statement.png",
    "invoice": "invoice.pdf",
    "screenshot": "app-error.png",
    "log": "app-log.txt",
}


def store_demo_files() -> dict[str, DemoFile]:
    """Put the few demo files in the attachment storage once (by content, as the attachment action names files) and
    return them by kind: every seeded attachment row points at one of them, so 100,000 tickets add no files."""
    stored = {}
    for kind, filename in DEMO_FILE_NAMES.items():
        data = (DEMO_FILES / filename).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        name = f"tickets/demo/{digest[:2]}/{digest}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored[kind] = DemoFile(name=name, content_type=content_type, size=len(data), sha256=digest)
    return stored


def load_reference_data() -> dict[str, Any]:
    """The reference data of an earlier seed, for `seed-demo --add`."""
    teams = {}
    agents: dict[str, list[User]] = {}
    for names, lang, _skills in D.TEAMS:
        team = Team.objects.get(name=names["en"])
        teams[lang] = team
        agents[lang] = list(User.objects.filter(memberships__team=team, memberships__access="full"))
    from opsdesk.customers.models import Customer

    return {
        "teams": teams,
        "agents": agents,
        "orgs": list(CustomerOrganization.objects.all()),
        "demo_customer": Customer.objects.get(emails__address="customer@opsdesk.example"),
    }
