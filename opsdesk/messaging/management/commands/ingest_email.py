"""`opsdesk ingest-email`: store raw messages from standard input, a Maildir or an mbox file."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.module_loading import import_string

from opsdesk.core.errors import ActionError
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.email.ingest import Unreadable, read_folder, read_stream
from opsdesk.messaging.models import InboundEmail, Mailbox

PROCESS_JOB = "opsdesk.messaging.tasks.process_email"


class Command(BaseCommand):
    help = (
        "Store raw email messages: one from standard input, or every message of --maildir PATH or --mbox PATH. "
        "Messages already stored (the same bytes) are not stored twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--maildir", metavar="PATH", help="A Maildir folder (with cur/ and new/).")
        source.add_argument("--mbox", metavar="PATH", help="An mbox file.")
        parser.add_argument("--mailbox", metavar="ADDRESS", help="The mailbox the messages were sent to.")
        parser.add_argument(
            "--process",
            action="store_true",
            help="Process each stored message here and now (ticket, reply or quarantine) instead of leaving it to "
            "the worker; prints the outcome.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.process = bool(options["process"])
        self.outcomes: Counter[str] = Counter()
        mailbox = None
        if options["mailbox"]:
            mailbox = Mailbox.objects.filter(address__iexact=options["mailbox"].strip()).first()
            if mailbox is None:
                raise CommandError(f"No mailbox has the address {options['mailbox']}.")
        limit = settings.OPSDESK_MAX_EMAIL_BYTES
        if options["maildir"] or options["mbox"]:
            kind, path = ("maildir", options["maildir"]) if options["maildir"] else ("mbox", options["mbox"])
            self._folder(path, kind=kind, mailbox=mailbox)
            return
        if sys.stdin.isatty():
            raise CommandError("Give a message on standard input, or --maildir PATH or --mbox PATH.")
        raw = read_stream(sys.stdin.buffer, limit=limit)
        if len(raw) > limit:
            raise CommandError(f"The message is larger than OPSDESK_MAX_EMAIL_BYTES ({limit} bytes); nothing stored.")
        try:
            row, created = receive_email(raw, via="command", mailbox=mailbox)
        except ActionError as error:
            raise CommandError(f"{error.message} Nothing stored.") from None
        except DatabaseError as error:
            raise CommandError(f"The database refused the message: {error}") from None
        self._process(row.pk)
        if created:
            self.stdout.write(f"1 stored new, 0 already there (inbound email {row.pk}).")
        else:
            self.stdout.write(f"0 stored new, 1 already there (inbound email {row.pk}).")
        self._report_processing()

    def _process(self, inbound_id: int) -> None:
        """With --process: run the processing job's body here (a row already done is left as it is)."""
        if not self.process:
            return
        # The job's own body (its state check, and quarantine after an error), by dotted path as actions queue it:
        # entry points do not import each other.
        import_string(PROCESS_JOB).call_local(inbound_id)
        self.outcomes[InboundEmail.objects.values_list("state", flat=True).get(pk=inbound_id)] += 1

    def _report_processing(self) -> None:
        if self.process:
            states = ", ".join(f"{count} {state}" for state, count in sorted(self.outcomes.items()))
            self.stdout.write(f"Processed: {states or 'nothing'}.")

    def _folder(self, path: str, *, kind: str, mailbox: Mailbox | None) -> None:
        new = already = 0
        refused: list[str] = []
        try:
            for number, raw in enumerate(read_folder(path, kind=kind), start=1):
                try:
                    row, created = receive_email(raw, via="command", mailbox=mailbox)
                except ActionError as error:
                    refused.append(f"message {number}: {error.message}")
                    continue
                self._process(row.pk)
                new, already = new + created, already + (not created)
        except Unreadable as error:
            raise CommandError(f"Cannot read {error}. {new} stored new before that.") from None
        except DatabaseError as error:
            raise CommandError(f"The database refused a message: {error}. {new} stored new before that.") from None
        self.stdout.write(f"{new} stored new, {already} already there.")
        self._report_processing()
        if refused:
            raise CommandError(f"{len(refused)} not stored: " + "; ".join(refused))
