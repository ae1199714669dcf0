"""Full-text search over tickets (ADR 0009).

One document per ticket, in four parts weighted from most to least telling: the subject; the requester's name and
email addresses; the public messages; the internal notes. SQLite keeps it in an FTS5 table (`tickets_search`, rowid =
ticket number), PostgreSQL in a `tsvector` with a GIN index. Both get text that Python has already folded (lower
case, accents and other diacritics removed, split into words), so "tama" finds "tämä", "καλημερα" finds "καλημέρα"
and "елка" finds "ёлка" on either database, and the same query matches the same tickets on both.

The actions call `reindex()` inside their own transaction, so the index never disagrees with what was committed;
`opsdesk rebuild-search-index` rebuilds it all.

Ranking: the newest `WINDOW` matching tickets the user may see are read in ticket-number order (an index walk that
stops early, however common the word) and ranked by relevance (BM25 on SQLite, ts_rank on PostgreSQL); "newest
first" pages through every match.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from opsdesk.tickets.models import Ticket

WINDOW = 1000  # matching tickets ranked by relevance: the newest this many
PAGE_SIZE = 25
MAX_TERMS = 12
MAX_PART_CHARS = 200_000  # per part of a document
MAX_PART_BYTES = 200_000  # PostgreSQL: per part, after folding (four parts stay under a tsvector's 1 MB)
MAX_QUERY_CHARS = 500
SNIPPET_SCAN_CHARS = 20_000  # of each message, when looking for a snippet
BATCH = 1000
SNIPPET_CHARS = 180
POSTGRES_FIRST_SPAN = 20_000  # ticket numbers in the first range searched (see _postgres_newest_first)
SMALL_SCOPE = 5000  # SQLite: a scope of at most this many tickets is searched on its own (_sqlite_small)

WORD = re.compile(r"[^\W_]+")
COMBINING = re.compile(r"[\u0300-\u036f]")
TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
NUMBER = re.compile(r"^#?(\d{1,18})$")


def fold(text: str) -> str:
    """Lower case, without diacritics (keeping Russian й, which is a letter of its own)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold()).replace("и\u0306", "й")
    return COMBINING.sub("", decomposed)


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def _indexed(text: str) -> str:
    """Folded text for the index. FTS5's unicode61 splits words where `WORD` does, so SQLite gets the folded text as
    it is; PostgreSQL's parser would keep "anna@example.com" or "2.5" whole, so it gets the words with spaces, and
    at most MAX_PART_BYTES of them (a tsvector must stay under 1 MB; folding can triple a text's bytes)."""
    folded = fold(text[:MAX_PART_CHARS])
    if connection.vendor == "sqlite":
        return folded
    joined = " ".join(WORD.findall(folded))
    if len(joined) * 4 > MAX_PART_BYTES and len(encoded := joined.encode()) > MAX_PART_BYTES:
        joined = encoded[:MAX_PART_BYTES].decode(errors="ignore").rsplit(" ", 1)[0]
    return joined


# --- queries ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One required part of a query: a word, a "quoted phrase" or a word* prefix (all folded)."""

    words: tuple[str, ...]
    prefix: bool = False


def parse(text: str) -> list[Term]:
    terms: list[Term] = []
    for found in TOKEN.finditer((text or "")[:MAX_QUERY_CHARS]):
        if len(terms) == MAX_TERMS:
            break
        phrase, chunk = found.group(1), found.group(2)
        raw = phrase if phrase is not None else chunk
        prefix = phrase is None and chunk.endswith("*")
        found_words = tuple(w[:100] for w in words(raw))
        if found_words and (term := Term(found_words, prefix)) not in terms:
            terms.append(term)
    return terms


def ticket_number(text: str) -> int | None:
    found = NUMBER.match((text or "").strip())
    return int(found.group(1)) if found else None


def _fts5_expression(terms: list[Term], *, public_only: bool) -> str:
    parts = [f'"{" ".join(t.words)}"' + (" *" if t.prefix else "") for t in terms]
    expression = " AND ".join(parts)
    return f"{{subject people public}} : ({expression})" if public_only else expression


def _tsquery(terms: list[Term], *, public_only: bool) -> str:
    weights = "ABC" if public_only else ""
    parts = []
    for term in terms:
        lexemes = [f"'{w}':{weights}" if weights else f"'{w}'" for w in term.words]
        if term.prefix:
            last = term.words[-1]
            lexemes[-1] = f"'{last}':*{weights}"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


# --- the index -------------------------------------------------------------------------------------------------------


SQLITE_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
TABLE = "tickets_search"
NEW_TABLE = "tickets_search_new"  # `rebuild` fills this one, then swaps it in


def _ddl(vendor: str, table: str, *, gin: bool) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(subject, people, public, internal, "
            f"{SQLITE_TOKENIZER})"
        ]
    # No foreign key: `flush` truncates tickets_ticket, which PostgreSQL refuses while another table refers to it.
    # Searches join on tickets_ticket, so a document without its ticket is never shown.
    statements = [f"CREATE TABLE IF NOT EXISTS {table} (ticket_id bigint PRIMARY KEY, document tsvector NOT NULL)"]
    if gin:
        statements.append(f"CREATE INDEX IF NOT EXISTS {table}_document ON {table} USING gin (document)")
    return statements


def create_index(db: Any = None, *, table: str = TABLE, gin: bool = True) -> None:
    """Create the index's table (the migration, `rebuild`); it stays empty until `rebuild` or the actions fill it."""
    db = db or connection
    with db.cursor() as cursor:
        for statement in _ddl(db.vendor, table, gin=gin):
            cursor.execute(statement)


def drop_index(db: Any = None, *, table: str = TABLE) -> None:
    with (db or connection).cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _documents(
    ticket_ids: list[int] | None = None, *, between: tuple[int, int] | None = None
) -> list[tuple[int, str, str, str, str]]:
    """The documents of these tickets, or of every ticket numbered within `between` (bulk indexing: a range is far
    cheaper for Django and SQLite than an IN list of thousands)."""
    from opsdesk.customers.models import CustomerEmail
    from opsdesk.tickets.models import Message, Ticket

    if between is not None:
        in_tickets, in_messages = Q(pk__range=between), Q(ticket__pk__range=between)
        in_emails = Q(customer__tickets__pk__range=between)
    else:
        in_tickets, in_messages = Q(pk__in=ticket_ids), Q(ticket_id__in=ticket_ids)
        in_emails = Q(customer__tickets__pk__in=ticket_ids)
    tickets = list(
        Ticket.objects.filter(in_tickets).order_by("pk").values_list("pk", "subject", "requester_id", "requester__name")
    )
    emails: dict[int, list[str]] = {}
    rows = CustomerEmail.objects.filter(in_emails).order_by("customer_id", "pk").distinct()
    for customer_id, address in rows.values_list("customer_id", "address"):
        emails.setdefault(customer_id, []).append(address)
    public: dict[int, list[str]] = {}
    internal: dict[int, list[str]] = {}
    messages = Message.objects.filter(in_messages).order_by("ticket_id", "created_at", "id")
    for ticket_id, visibility, body in messages.values_list("ticket_id", "visibility", "body_text"):
        (public if visibility == "public" else internal).setdefault(ticket_id, []).append(body)
    return [
        (
            pk,
            _indexed(subject),
            _indexed(" ".join([name, *emails.get(requester, [])])),
            _indexed("\n".join(public.get(pk, []))),
            _indexed("\n".join(internal.get(pk, []))),
        )
        for pk, subject, requester, name in tickets
    ]


def documents_between(first: int, last: int) -> list[tuple[int, str, str, str, str]]:
    """The documents of tickets numbered first..last (the demo seeder's parallel indexing)."""
    return _documents(between=(first, last))


def _write(documents: list[tuple[int, str, str, str, str]], *, table: str = TABLE) -> None:
    """Replace these tickets' documents (one statement per ticket on SQLite: FTS5 has no upsert)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            ids = [document[0] for document in documents]
            for batch in _batches(ids, 500):
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", batch)  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {table} (rowid, subject, people, public, internal) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                documents,
            )
        else:
            # An upsert: two transactions reindexing one ticket never collide on the key.
            cursor.executemany(
                f"INSERT INTO {table} (ticket_id, document) VALUES (%s, "  # noqa: S608
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
                "setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')) "
                "ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document",
                documents,
            )


def _batches(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reindex(ticket_ids: Iterable[int]) -> None:
    """Bring these tickets' documents in step with their rows (call inside the writing action's transaction)."""
    from opsdesk.tickets.models import Ticket

    ids = sorted({int(pk) for pk in ticket_ids})
    for batch in _batches(ids):
        if connection.vendor != "sqlite":
            # Lock the tickets (replies hold this lock already): a concurrent reply cannot slip in between reading
            # the messages here and writing the document. SQLite has one writer at a time anyway.
            list(Ticket.objects.select_for_update().filter(pk__in=batch).values_list("pk", flat=True))
        _write(_documents(batch))


def rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the tickets (`opsdesk rebuild-search-index`).

    The new index is built in a table of its own while searches and replies go on using the old one, then swapped
    in; tickets changed meanwhile are indexed again after the swap."""
    from opsdesk.tickets.models import Ticket

    started = timezone.now()
    drop_index(table=NEW_TABLE)
    create_index(table=NEW_TABLE, gin=False)  # PostgreSQL builds the GIN index once, after the load
    done = index_after(0, progress=progress, table=NEW_TABLE)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {NEW_TABLE} ({NEW_TABLE}) VALUES ('optimize')")
        else:
            cursor.execute(f"CREATE INDEX {NEW_TABLE}_document ON {NEW_TABLE} USING gin (document)")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"ALTER TABLE {NEW_TABLE} RENAME TO {TABLE}")
        if connection.vendor != "sqlite":
            cursor.execute(f"ALTER INDEX {NEW_TABLE}_document RENAME TO {TABLE}_document")
            cursor.execute(f"ALTER INDEX {NEW_TABLE}_pkey RENAME TO {TABLE}_pkey")
    reindex(Ticket.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
    return done


def index_after(
    last: int, *, batch: int = BATCH * 5, progress: Callable[[int], None] | None = None, table: str = TABLE
) -> int:
    """Index every ticket numbered above `last` (the demo seeder's new tickets; `rebuild`)."""
    from opsdesk.tickets.models import Ticket

    done = 0
    while ids := list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        _write(_documents(between=(ids[0], ids[-1])), table=table)
        done += len(ids)
        last = ids[-1]
        if progress is not None:
            progress(done)
    return done


def clear_if_no_tickets(using: str = "default") -> None:
    from django.db import connections

    if "tickets_search" not in connections[using].introspection.table_names():
        return  # migrated back to before the index existed
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM tickets_ticket LIMIT 1")
        if cursor.fetchone() is None:
            cursor.execute("DELETE FROM tickets_search")


def indexed_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_search")
        return int(cursor.fetchone()[0])


# --- searching -------------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    ticket: Ticket
    subject: SafeString
    snippet: SafeString


@dataclass
class Results:
    terms: list[Term]
    hits: list[Hit] = field(default_factory=list)  # a ticket whose number was typed comes first
    window_full: bool = False  # relevance: more matches exist beyond the newest WINDOW
    next_page: int | None = None  # relevance: the next page within the window
    next_before: int | None = None  # newest first: the cursor of the next page


SQLITE_COLUMNS = "subject, people, public, internal"
SQLITE_RANK = "-bm25({table}, 10.0, 4.0, 1.0, 1.0)"


def _window(
    tickets: QuerySet[Ticket], terms: list[Term], *, public_only: bool, limit: int, before: int | None
) -> list[tuple[int, float]]:
    """Up to `limit` (ticket number, relevance) of matching tickets, newest first, numbered below `before`."""
    if connection.vendor == "sqlite":
        expression = _fts5_expression(terms, public_only=public_only)
        if tickets.query.where:  # a scope or filters: a small one is searched on its own (see _sqlite_small)
            ids = list(tickets.order_by().values_list("pk", flat=True)[: SMALL_SCOPE + 1])
            if len(ids) <= SMALL_SCOPE:
                return _sqlite_small(ids, expression, limit=limit, before=before)
        matching = tickets.extra(
            select={"search_rank": SQLITE_RANK.format(table="tickets_search"), "search_rowid": "tickets_search.rowid"},
            tables=["tickets_search"],
            where=["tickets_search.rowid = tickets_ticket.id", "tickets_search MATCH %s"],
            params=[expression],
        )
        if before is not None:
            matching = matching.extra(where=["tickets_search.rowid < %s"], params=[before])
    else:
        query = _tsquery(terms, public_only=public_only)
        matching = tickets.extra(
            select={
                "search_rank": "ts_rank(tickets_search.document, to_tsquery('simple', %s))",
                "search_rowid": "tickets_search.ticket_id",
            },
            select_params=[query],
            tables=["tickets_search"],
            where=[
                "tickets_search.ticket_id = tickets_ticket.id",
                "tickets_search.document @@ to_tsquery('simple', %s)",
            ],
            params=[query],
        )
        return _postgres_newest_first(matching, limit=limit, before=before)
    # Ordered by the index's own row number, so SQLite walks FTS5's lists newest first and stops at `limit`.
    return list(matching.order_by("-search_rowid").values_list("pk", "search_rank")[:limit])


def _postgres_newest_first(matching: QuerySet[Ticket], *, limit: int, before: int | None) -> list[tuple[int, float]]:
    """A GIN index finds matches in no order: "newest first, stop at `limit`" would read and rank every match of a
    common word (1.6 s at a million tickets). So look in ranges of ticket numbers from the newest down, each four
    times wider than the last, until `limit` matches are found or the numbers run out."""
    from opsdesk.tickets.models import Ticket

    high = (before - 1) if before is not None else Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    rows: list[tuple[int, float]] = []
    span = POSTGRES_FIRST_SPAN
    while high is not None and high > 0 and len(rows) < limit:
        low = max(high - span, 0)
        part = matching.filter(pk__gt=low, pk__lte=high).order_by("-search_rowid")
        # Never a small LIMIT: with one, PostgreSQL walks the primary key backwards testing every document, which
        # for a rare word means all of them; with a large one it asks the GIN index.
        ranked = part.values_list("pk", "search_rank")  # type: ignore[misc]  # an extra() column, unknown to the stubs
        rows += ranked[: max(limit - len(rows), WINDOW)]
        high, span = low, span * 4
    return rows[:limit]


def _sqlite_small(ids: list[int], expression: str, *, limit: int, before: int | None) -> list[tuple[int, float]]:
    """Search a small scope (a customer's tickets, a narrow view) in a temporary FTS5 table of just its documents.

    Walking the big index for a common word and keeping the few rows in scope costs ~200 ms at a million tickets;
    copying a few thousand documents and searching them costs a few."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    rows: list[tuple[int, float]] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.scope_search USING fts5({SQLITE_COLUMNS}, {SQLITE_TOKENIZER})"
        )
        try:
            cursor.execute(
                f"INSERT INTO temp.scope_search (rowid, {SQLITE_COLUMNS}) "  # noqa: S608
                f"SELECT rowid, {SQLITE_COLUMNS} FROM main.tickets_search WHERE rowid IN ({marks})",
                ids,
            )
            below = "AND rowid < %s" if before is not None else ""
            cursor.execute(
                f"SELECT rowid, {SQLITE_RANK.format(table='scope_search')} FROM temp.scope_search "  # noqa: S608
                f"WHERE scope_search MATCH %s {below} ORDER BY rowid DESC LIMIT %s",
                [expression, *([before] if before is not None else []), limit],
            )
            rows = [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]
        finally:
            cursor.execute("DELETE FROM temp.scope_search")
    return rows


def search(
    tickets: QuerySet[Ticket],
    text: str,
    *,
    public_only: bool,
    sort: str = "relevance",
    page: int = 1,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> Results:
    """Search `tickets` (already limited to what the user may see, and to any filters) for `text`.

    `public_only` leaves internal notes out, for customers. A ticket number ("#123" or "123") also finds that ticket."""
    terms = parse(text)
    results = Results(terms=terms)
    related = tickets.select_related("requester", "assignee", "team")
    number = ticket_number(text)
    numbered = related.filter(pk=number).first() if number is not None and before is None and page == 1 else None
    if numbered is not None:
        results.hits.append(Hit(numbered, highlight(numbered.subject, terms), mark_safe("")))  # noqa: S308
    if not terms:
        return results
    if sort == "newest":
        rows = [pk for pk, _rank in _window(tickets, terms, public_only=public_only, limit=size + 1, before=before)]
        if len(rows) > size:
            results.next_before = rows[size - 1]
        shown = rows[:size]
    else:
        window = _window(tickets, terms, public_only=public_only, limit=WINDOW, before=None)
        results.window_full = len(window) == WINDOW
        window.sort(key=lambda row: (-row[1], -row[0]))
        start = (max(page, 1) - 1) * size
        shown = [pk for pk, _rank in window[start : start + size]]
        results.next_page = page + 1 if len(window) > start + size else None
    if not shown:
        return results
    found = related.filter(pk__in=shown).in_bulk()
    snippets = _snippets(shown, terms, public_only=public_only)
    for pk in shown:
        if pk in found and pk != number:
            ticket = found[pk]
            results.hits.append(Hit(ticket, highlight(ticket.subject, terms), snippets.get(pk, mark_safe(""))))  # noqa: S308
    return results


# --- snippets and highlighting ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original character it came from."""
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        positions.extend([index] * len(folded))
    return "".join(out), positions


def _spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """(start, end) in `text` of every word that matches a query word (a prefix for the last word of a prefix term)."""
    exact = {w for t in terms for w in (t.words if not t.prefix else t.words[:-1])}
    prefixes = tuple(t.words[-1] for t in terms if t.prefix)
    folded, positions = _folded_with_map(text)
    spans: list[tuple[int, int]] = []
    for found in WORD.finditer(folded):
        word = found.group()
        if word in exact or (prefixes and word.startswith(prefixes)):
            start, end = positions[found.start()], positions[found.end() - 1] + 1
            if spans and start < spans[-1][1]:  # "½" folds to "1 2": two words, one character
                continue
            spans.append((start, end))
    return spans


def _matches(text: str, terms: list[Term]) -> bool:
    """A quick test on the whole folded text before the character-by-character work of `_spans`."""
    exact = {w for t in terms for w in (t.words if not t.prefix else t.words[:-1])}
    prefixes = tuple(t.words[-1] for t in terms if t.prefix)
    return any(w in exact or (prefixes and w.startswith(prefixes)) for w in WORD.findall(fold(text)))


def highlight(text: str, terms: list[Term], spans: list[tuple[int, int]] | None = None) -> SafeString:
    spans = _spans(text, terms) if spans is None else spans
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet(text: str, terms: list[Term]) -> SafeString | None:
    """About SNIPPET_CHARS characters of `text` around its first match, highlighted; None without a match."""
    text = " ".join(text[:SNIPPET_SCAN_CHARS].split())
    if not _matches(text, terms):
        return None
    spans = _spans(text, terms)
    if not spans:
        return None
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text) and (cut := text.rfind(" ", spans[0][1], end)) > 0:
        end = cut
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = highlight(text[start:end], terms, inside)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(text) else ""))  # noqa: S308


def _snippets(ticket_ids: list[int], terms: list[Term], *, public_only: bool) -> dict[int, SafeString]:
    """For each ticket, a highlighted piece of its newest message that matches."""
    from opsdesk.tickets.models import Message

    messages = Message.objects.filter(ticket_id__in=ticket_ids).order_by("-created_at", "-id")
    if public_only:
        messages = messages.filter(visibility="public")
    found: dict[int, SafeString] = {}
    for ticket_id, body in messages.values_list("ticket_id", "body_text").iterator(chunk_size=200):
        if ticket_id not in found and (piece := snippet(body, terms)) is not None:
            found[ticket_id] = piece
    return found
