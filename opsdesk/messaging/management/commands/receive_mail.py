"""`opsdesk receive-mail`: accept mail from an MTA over LMTP (or SMTP) for the active mailboxes' addresses."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsdesk.messaging.email.lmtp import receiver


class Command(BaseCommand):
    help = (
        "Receive mail from your MTA over LMTP (default) or SMTP, for the addresses of the active mailboxes "
        "(plus-addressed ones too). Answers 250 only once the message is stored, 451 when the database fails, "
        "550 for other recipients, 552 above OPSDESK_MAX_EMAIL_BYTES."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--lmtp", action="store_true", help="Speak LMTP (the default).")
        mode.add_argument("--smtp", action="store_true", help="Speak SMTP.")
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default %(default)s).")
        parser.add_argument("--port", type=int, default=None, help="Port (default 2424 for LMTP, 2525 for SMTP).")
        parser.add_argument("--socket", default="", metavar="PATH", help="Listen on a Unix socket instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        lmtp = not options["smtp"]
        port = options["port"] if options["port"] is not None else (2424 if lmtp else 2525)
        if not 1 <= port <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        server = receiver(lmtp=lmtp, host=options["host"], port=port, unix_socket=options["socket"])
        try:
            server.start()
        except (OSError, RuntimeError) as error:
            raise CommandError(f"Cannot listen: {error}") from None
        where = options["socket"] or f"{options['host']}:{port}"
        self.stdout.write(f"Receiving mail over {'LMTP' if lmtp else 'SMTP'} on {where}; Ctrl-C stops.")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: stop.set())
        try:
            stop.wait()
        finally:
            server.stop()
