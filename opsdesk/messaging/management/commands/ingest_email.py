"""`opsdesk ingest-email`: store raw messages from standard input, a Maildir or an mbox file."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from opsdesk.core.errors import ActionError
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.email.ingest import Unreadable, read_folder, read_stream
from opsdesk.messaging.models import Mailbox


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

    def handle(self, *args: Any, **options: Any) -> None:
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
        if created:
            self.stdout.write(f"1 stored new, 0 already there (inbound email {row.pk}).")
        else:
            self.stdout.write(f"0 stored new, 1 already there (inbound email {row.pk}).")

    def _folder(self, path: str, *, kind: str, mailbox: Mailbox | None) -> None:
        new = already = 0
        refused: list[str] = []
        try:
            for number, raw in enumerate(read_folder(path, kind=kind), start=1):
                try:
                    _row, created = receive_email(raw, via="command", mailbox=mailbox)
                except ActionError as error:
                    refused.append(f"message {number}: {error.message}")
                    continue
                new, already = new + created, already + (not created)
        except Unreadable as error:
            raise CommandError(f"Cannot read {error}. {new} stored new before that.") from None
        except DatabaseError as error:
            raise CommandError(f"The database refused a message: {error}. {new} stored new before that.") from None
        self.stdout.write(f"{new} stored new, {already} already there.")
        if refused:
            raise CommandError(f"{len(refused)} not stored: " + "; ".join(refused))
