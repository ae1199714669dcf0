"""A real SMTP server for tests (aiosmtpd on a free local port) that records what it accepted.

It can refuse the next DATA commands (a 4xx or 5xx reply, as a busy or strict server does) and run a callback when
the client says QUIT, which Django's SMTP backend does after the server accepted the message and before the caller
gets control back: the moment to kill a worker "between the server's accept and the commit of sent"."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class SmtpRecorder:
    """The aiosmtpd handler: `received` holds every accepted message, parsed."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.attempts = 0
        self.refusals: list[str] = []  # the replies for the next DATA commands, one each, e.g. "451 4.3.0 Busy"
        self.on_quit: Callable[[], None] | None = None
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.attempts += 1
        if self.refusals:
            return self.refusals.pop(0)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Accepted"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.on_quit is not None:
            self.on_quit()
        return "221 Bye"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip() for m in self.received]  # a long one is folded onto its next line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_smtp() -> Iterator[SmtpRecorder]:
    recorder = SmtpRecorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()
