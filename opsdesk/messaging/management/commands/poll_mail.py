"""`opsdesk poll-mail`: fetch the mail of every active IMAP mailbox, waiting with IDLE between passes."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.messaging.email import imap
from opsdesk.messaging.models import Mailbox


class Command(BaseCommand):
    help = (
        "Poll every active mailbox that has an IMAP server: store each unseen message, then move it to the "
        "processed folder. Runs until stopped, waking on new mail with IDLE where the server offers it; "
        "--once makes one pass and exits (non-zero if a mailbox failed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass over every mailbox, then exit.")
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.OPSDESK_IMAP_POLL_SECONDS,
            help="Seconds between passes without IDLE, and the longest IDLE wait (default %(default)s).",
        )
        parser.add_argument("--mailbox", metavar="ADDRESS", help="With --once: only this mailbox.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 1:
            raise CommandError("--interval must be at least 1 second.")
        if options["once"]:
            self._once(options["mailbox"])
            return
        if options["mailbox"]:
            raise CommandError("--mailbox goes with --once.")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: stop.set())
        self.stdout.write(f"Polling mailboxes every {options['interval']} s (IDLE where offered); Ctrl-C stops.")
        imap.run_forever(interval=options["interval"], stop=stop)

    def _once(self, address: str | None) -> None:
        mailboxes = Mailbox.objects.filter(active=True).exclude(imap_host="").order_by("address")
        if address:
            mailboxes = mailboxes.filter(address__iexact=address.strip())
            if not mailboxes.exists():
                raise CommandError(f"No active mailbox with an IMAP server has the address {address}.")
        failed = 0
        for mailbox in mailboxes:
            result = imap.poll_mailbox(mailbox.pk)
            line = f"{mailbox.address}: {result.stored} stored new, {result.already} already there"
            if result.error:
                failed += 1
                line += f"; error: {result.error}"
            self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} mailbox(es) failed; the error is also shown on the mailbox's page.")
