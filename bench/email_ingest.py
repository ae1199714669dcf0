#!/usr/bin/env python3
"""Email ingest throughput: typical ~10 KB messages through `receive_email` (store the raw bytes) and
`process_email` (parse, thread, the ticket or reply through the one intake, search indexing, notifications to the
outbox) on a fresh SQLite database. Not part of `make test`; the figure goes to bench/results.json as
`email_ingest` (`messages_per_second`).

    python bench/email_ingest.py [--messages 600] [--runs 3] [--no-write]

The mix: 70 % new tickets from distinct senders, 30 % replies threaded by the signed reply address, each a
multipart/alternative message (text and HTML) of about 10 KB, some with a small attachment.

`INGEST` is the one function to swap when measuring a transport instead of the in-process actions (for example
the `opsdesk ingest-email` command or the LMTP receiver): it takes the raw messages of one run and must return when
every one of them is processed.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENTRY = "email_ingest"
MAILBOX = "support@bench.example"
_WORDS = """
invoice order delivery account password printer network update error screen export report customer refund
billing contract address shipment license upgrade backup server mobile login payment warranty
"""
WORDS = _WORDS.split()


def ingest_in_process(raws: Sequence[bytes]) -> None:
    """Store and process each message, as the LMTP receiver followed by the worker's job would, then let the event
    consumers catch up (language detection of every message, the analytics counts), as the worker does."""
    from opsdesk.messaging import actions
    from opsdesk.tickets import consumers

    for raw in raws:
        row, _created = actions.receive_email(raw, via="lmtp")
        actions.process_email(row)
    consumers.run_all()


INGEST: Callable[[Sequence[bytes]], None] = ingest_in_process


def _paragraphs(seed: int, size: int) -> str:
    words: list[str] = []
    n = seed
    while sum(len(w) + 1 for w in words) < size:
        n = (n * 1103515245 + 12345) % 2**31
        words.append(WORDS[n % len(WORDS)])
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    return "\n".join(lines[i] + ("." if i % 4 == 3 else "") for i in range(len(lines)))


def message(n: int, *, reply_to_ticket: int | None, sender: str) -> bytes:
    """One ~10 KB multipart/alternative message; every 5th carries a small PNG."""
    from opsdesk.core import replytokens

    text = _paragraphs(n, 3800)
    html = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    to = replytokens.reply_address(MAILBOX, reply_to_ticket) if reply_to_ticket else MAILBOX
    subject = f"Re: [#{reply_to_ticket}] Question" if reply_to_ticket else f"Question {n} about my {WORDS[n % 25]}"
    boundary = f"b{n:08d}"
    parts = [
        f'--{boundary}\r\nContent-Type: multipart/alternative; boundary="a{boundary}"\r\n\r\n'
        f"--a{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--a{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>{html}</body></html>\r\n"
        f"--a{boundary}--\r\n"
    ]
    if n % 5 == 0:
        png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2).decode()
        parts.append(
            f'--{boundary}\r\nContent-Type: image/png; name="shot{n}.png"\r\nContent-Transfer-Encoding: base64\r\n'
            f'Content-Disposition: attachment; filename="shot{n}.png"\r\n\r\n{png}\r\n'
        )
    received = "".join(
        f"Received: from relay{i}.example.net (relay{i}.example.net [192.0.2.{i}]) by mx.bench.example with ESMTPS "
        f"id {n:06d}{i}; Tue, 3 Nov 2026 09:00:00 +0200\r\n"
        for i in range(4)
    )
    head = (
        f"{received}From: Customer {n} <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Tue, 3 Nov 2026 09:00:00 +0200\r\nMessage-ID: <bench.{n}@customer.example>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
    )
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode()


def setup(data_dir: Path) -> None:
    os.environ.update(
        {
            "OPSDESK_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "opsdesk.settings",
            "OPSDESK_FAST_HASHER": "1",
            "OPSDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from opsdesk.messaging.models import Mailbox

    Mailbox.objects.create(name="Support", address=MAILBOX, language="en")


def batch(start: int, count: int, existing: list[int]) -> list[bytes]:
    raws = []
    for n in range(start, start + count):
        if n % 10 < 3 and existing:
            ticket = existing[n % len(existing)]
            raws.append(message(n, reply_to_ticket=ticket, sender=f"customer{ticket}@customer.example"))
        else:
            raws.append(message(n, reply_to_ticket=None, sender=f"c{n}@customer.example"))
    return raws


CPU_MS: list[float] = []  # this process's CPU time per message, run by run (the machine may be shared)


def timed_runs(messages: int, runs: int, start: int, existing: list[int]) -> tuple[list[float], list[int]]:
    rates, sizes = [], []
    for _ in range(runs):
        raws = batch(start, messages, existing)
        start += messages
        sizes += [len(r) for r in raws]
        began, cpu = time.perf_counter(), time.process_time()
        INGEST(raws)
        rates.append(messages / (time.perf_counter() - began))
        CPU_MS.append((time.process_time() - cpu) * 1000 / messages)
    return rates, sizes


def run(messages: int, runs: int) -> dict[str, Any]:
    from django.conf import settings

    from opsdesk.messaging.models import InboundEmail
    from opsdesk.tickets.models import Ticket, TicketEvent

    warmup = batch(0, 50, [])
    INGEST(warmup)
    existing = list(Ticket.objects.order_by("pk").values_list("pk", flat=True)[:50])
    for ticket in Ticket.objects.filter(pk__in=existing).select_related("requester"):
        # the replies come from each ticket's requester (a participant), under the name used in `batch`
        ticket.requester.emails.update(address=f"customer{ticket.pk}@customer.example")
    rates, sizes = timed_runs(messages, runs, 1000, existing)
    cpu_ms = statistics.median(CPU_MS)
    # The same again with the job queue not syncing each enqueue to disk (SqliteHuey fsync=False): what the
    # queue's durability costs per message. Lost queue writes are recovered by the sweeps (ADR 0015).
    storage = settings.HUEY.storage
    no_fsync: list[float] = []
    if hasattr(storage, "_fsync"):
        storage._fsync = False
        storage.close()
        no_fsync, _sizes = timed_runs(messages, runs, 1000 + messages * runs, existing)
    # Storing alone (what a transport waits for before it answers the sender; processing is the worker's job).
    from opsdesk.messaging import actions

    raws = batch(1000 + 2 * messages * runs, messages, existing)
    began = time.perf_counter()
    rows = [actions.receive_email(raw, via="lmtp")[0] for raw in raws]
    stored_rate = messages / (time.perf_counter() - began)
    for row in rows:
        actions.process_email(row)
    processed = InboundEmail.objects.filter(state="processed").count()
    total = InboundEmail.objects.count()
    assert processed == total, f"{total - processed} messages were not processed"
    return {
        "name": ENTRY,
        "messages_per_second": round(statistics.median(rates)),
        "runs": [round(r) for r in rates],
        "messages_per_second_queue_without_fsync": round(statistics.median(no_fsync)) if no_fsync else None,
        "cpu_ms_per_message": round(cpu_ms, 1),
        "stored_per_second": round(stored_rate),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "messages_per_run": messages,
        "message_bytes_median": int(statistics.median(sizes)),
        "new_ticket_share": 0.7,
        "database": "sqlite",
        "search_indexing": True,
        "language_detection": sorted(settings.OPSDESK_EVENT_CONSUMERS)
        == ["analytics.event_counts", "messaging.language"],
        "languages_detected": TicketEvent.objects.filter(kind="language.detected").count(),
        "ingest": INGEST.__name__,
        "tickets": Ticket.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opsdesk-bench-email-") as data:
        setup(Path(data))
        entry = run(args.messages, args.runs)
    print(json.dumps(entry, indent=2))
    if not args.no_write:
        from bench.results import write_entry

        write_entry(entry)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
