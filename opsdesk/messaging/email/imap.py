"""Fetching a mailbox's mail over IMAP (stdlib imaplib), storing it, then filing it away on the server.

One pass (`poll`): select the folder, find the unseen messages, and for each one fetch its bytes without marking it
read (BODY.PEEK), store them with `receive_email`, and only once that committed move the message to the processed
folder (MOVE when the server has it, else COPY, flag \\Deleted and expunge that one message), or flag it \\Seen when
the mailbox has no processed folder. A crash between storing and moving leaves the message unseen on the server;
the next pass fetches it again and `receive_email` finds the same bytes already stored (by their SHA-256), so it is
moved then and never stored twice. See docs/adr/0016-email-transports.md.

`run_forever` keeps one connection per mailbox and waits with IDLE (RFC 2177) between passes where the server
offers it, so new mail is fetched within a second or two; without IDLE it polls on the interval. Every error is
recorded on the mailbox (`last_error`) and the loop carries on.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import os
import re
import select
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError
from opsdesk.messaging.actions import quarantine_too_large, receive_email
from opsdesk.messaging.actions.mailboxes import claim_poll, record_poll
from opsdesk.messaging.models import Mailbox

log = logging.getLogger(__name__)

TIMEOUT = 30  # seconds for connecting and for each command
BATCH = 200  # messages fetched in one pass; the rest come in the next
MAX_PASSES = 25  # passes one `poll_mailbox` makes over a backlog (5,000 messages) before leaving it to the next
IDLE_RESTART = 29 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes
_SIZE = re.compile(rb"UID (\d+) RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+) UID (\d+)")


class ImapError(Exception):
    """The server refused something, or could not be reached; the message is what the admin sees."""


@dataclass
class PollResult:
    stored: int = 0  # new rows
    already: int = 0  # bytes that were stored before (a pass after a crash, or the same mail by another way)
    skipped: list[str] = field(default_factory=list)  # messages left on the server, with why
    error: str = ""
    more: bool = False  # more unseen messages than one pass takes: the next pass should follow at once


# --- connection ----------------------------------------------------------------------------------------------------


def _ssl_context() -> ssl.SSLContext:
    """Certificates are verified; OPSDESK_IMAP_CA_FILE adds a private CA (a self-signed test server)."""
    return ssl.create_default_context(cafile=getattr(settings, "OPSDESK_IMAP_CA_FILE", "") or None)


def _text(error: BaseException) -> str:
    """An imaplib error reads like `b'[AUTHENTICATIONFAILED] Authentication failed.'`: the server's own words."""
    message = str(error.args[0] if error.args else error)
    if message.startswith(("b'", 'b"')) and message.endswith(("'", '"')):
        message = message[2:-1]
    return message.strip() or type(error).__name__


def describe(error: BaseException) -> str:
    if isinstance(error, ImapError):
        return str(error)
    if isinstance(error, imaplib.IMAP4.error):
        return _("The IMAP server answered: %(reply)s") % {"reply": _text(error)}
    if isinstance(error, ssl.SSLError):
        reason = getattr(error, "verify_message", "") or str(error.reason or error)  # "self-signed certificate"
        return _("TLS failed: %(reason)s") % {"reason": reason}
    if isinstance(error, socket.timeout | TimeoutError):
        return _("The IMAP server did not answer in time.")
    if isinstance(error, OSError):
        return _("Could not connect to the IMAP server: %(reason)s") % {"reason": error.strerror or _text(error)}
    return f"{type(error).__name__}: {_text(error)}"


def encode_folder(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 §5.1.3) in double quotes ("Käsitelty" too)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            encoded = base64.b64encode("".join(run).encode("utf-16-be")).decode().rstrip("=").replace("/", ",")
            out.append(f"&{encoded}-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    text = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _ok(reply: tuple[str, Any], what: str) -> list[Any]:
    typ, data = reply
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise ImapError(_("The IMAP server refused %(what)s: %(reply)s") % {"what": what, "reply": detail})
    return data


def connect(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> imaplib.IMAP4:
    """Signed in, over SSL/TLS, STARTTLS, or plain text (for a local test server only)."""
    if not mailbox.imap_host:
        raise ImapError(_("No IMAP server is set for this mailbox."))
    conn: imaplib.IMAP4
    if mailbox.imap_security == Mailbox.Security.SSL:
        conn = imaplib.IMAP4_SSL(mailbox.imap_host, mailbox.imap_port, ssl_context=_ssl_context(), timeout=timeout)
    else:
        conn = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
        if mailbox.imap_security == Mailbox.Security.STARTTLS:
            try:
                conn.starttls(ssl_context=_ssl_context())
            except BaseException:
                _close(conn)
                raise
    try:
        conn.login(mailbox.imap_username, mailbox.imap_password)
    except BaseException:
        _close(conn)
        raise
    return conn


def _first(data: list[Any]) -> bytes:
    """The first line of a reply's data, b"" when there is none."""
    return data[0] if data and isinstance(data[0], bytes) else b""


def capabilities(conn: imaplib.IMAP4) -> set[str]:
    """The capabilities after signing in (a server announces more then, MOVE and IDLE among them)."""
    data = _ok(conn.capability(), "CAPABILITY")
    return {word.decode().upper() for word in _first(data).split()}


def _close(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(Exception):
        conn.logout()
    with contextlib.suppress(Exception):
        conn.shutdown()


def check_connection(mailbox: Mailbox, *, timeout: float = 10) -> int:
    """Sign in and count the messages in the folder that is read (read-only: nothing changes on the server)."""
    conn = connect(mailbox, timeout=timeout)
    try:
        data = _ok(conn.select(encode_folder(mailbox.imap_folder), readonly=True), _("the folder"))
        return int(_first(data) or 0)
    finally:
        _close(conn)


# --- one pass ------------------------------------------------------------------------------------------------------


def _sizes(conn: imaplib.IMAP4, uids: list[bytes]) -> dict[bytes, int]:
    data = _ok(conn.uid("FETCH", b",".join(uids).decode(), "(RFC822.SIZE)"), "FETCH")
    sizes: dict[bytes, int] = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if isinstance(line, bytes) and (match := _SIZE.search(line)):
            if match[1]:
                sizes[match[1]] = int(match[2])
            else:
                sizes[match[4]] = int(match[3])
    return sizes


def _fetch(conn: imaplib.IMAP4, uid: bytes, part: str = "BODY.PEEK[]") -> bytes | None:
    """The message's bytes (or its header block: BODY.PEEK[HEADER]), without setting \\Seen; None if it vanished
    meanwhile (another client moved it)."""
    data = _ok(conn.uid("FETCH", uid.decode(), f"({part})"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _ensure_folder(conn: imaplib.IMAP4, folder: str) -> None:
    data = _ok(conn.list('""', folder), "LIST")
    if not any(isinstance(item, bytes) for item in data):
        _ok(conn.create(folder), _("creating the folder for processed mail"))


def file_away(conn: imaplib.IMAP4, uid: bytes, *, processed: str, caps: set[str]) -> None:
    """After the message is stored: move it to the processed folder, or flag it \\Seen when there is none."""
    if not processed:
        _ok(conn.uid("STORE", uid.decode(), "+FLAGS.SILENT", "(\\Seen)"), "STORE")
        return
    if "MOVE" in caps:
        _ok(conn.uid("MOVE", uid.decode(), processed), "MOVE")
        return
    _ok(conn.uid("COPY", uid.decode(), processed), "COPY")
    _ok(conn.uid("STORE", uid.decode(), "+FLAGS.SILENT", "(\\Seen \\Deleted)"), "STORE")
    if "UIDPLUS" in caps:
        _ok(conn.uid("EXPUNGE", uid.decode()), "EXPUNGE")  # only this message, not others flagged by people
    else:
        _ok(conn.expunge(), "EXPUNGE")


def poll(mailbox: Mailbox, conn: imaplib.IMAP4, caps: set[str]) -> PollResult:
    """One pass over the folder's unseen messages (at most BATCH of them)."""
    result = PollResult()
    _ok(conn.select(encode_folder(mailbox.imap_folder)), _("the folder %(name)s") % {"name": mailbox.imap_folder})
    processed = encode_folder(mailbox.imap_processed_folder) if mailbox.imap_processed_folder else ""
    if processed:
        _ensure_folder(conn, processed)
    data = _ok(conn.uid("SEARCH", "UNSEEN"), "SEARCH")
    found = _first(data).split()
    uids, result.more = found[:BATCH], len(found) > BATCH
    if not uids:
        return result
    limit = settings.OPSDESK_MAX_EMAIL_BYTES
    sizes = _sizes(conn, uids)
    for uid in uids:
        if sizes.get(uid, 0) > limit:
            # left on the server, but never without a trace: its headers wait quarantined on the inbound mail page
            header = _fetch(conn, uid, "BODY.PEEK[HEADER]")
            if header is None:
                continue
            quarantine_too_large(header, size=sizes[uid], mailbox=mailbox, folder=mailbox.imap_folder, uid=uid.decode())
            _skip(conn, uid, result, _("message %(uid)s is larger than the limit") % {"uid": uid.decode()})
            continue
        raw = _fetch(conn, uid)
        if raw is None:
            continue
        try:
            _row, created = receive_email(raw, via="imap", mailbox=mailbox)
        except ActionError as refused:  # empty, or larger than it claimed
            _skip(conn, uid, result, f"{uid.decode()}: {refused.message}")
            continue
        if created:
            result.stored += 1
        else:
            result.already += 1
        file_away(conn, uid, processed=processed, caps=caps)
    if result.skipped:
        result.error = _("Left on the server, flagged as read: %(list)s") % {"list": "; ".join(result.skipped)}
    return result


def _skip(conn: imaplib.IMAP4, uid: bytes, result: PollResult, why: str) -> None:
    """A message that cannot be stored stays on the server, flagged read so it is not fetched at every pass."""
    _ok(conn.uid("STORE", uid.decode(), "+FLAGS.SILENT", "(\\Seen)"), "STORE")
    result.skipped.append(why)


def poll_mailbox(mailbox_id: int) -> PollResult:
    """Connect, make one pass, sign out, and record the outcome on the mailbox. Never raises for a server's or the
    database's error: it is in the result and in `last_error`."""
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    try:
        conn = connect(mailbox)
    except (OSError, imaplib.IMAP4.error, ImapError) as error:
        result = PollResult(error=describe(error))
    else:
        try:
            caps = capabilities(conn)
            result = poll(mailbox, conn, caps)
            for _pass in range(MAX_PASSES - 1):  # a backlog: more passes on the same connection, within reason
                if not result.more:
                    break
                following = poll(mailbox, conn, caps)
                following.stored += result.stored
                following.already += result.already
                following.skipped[:0] = result.skipped
                result = following
        except (OSError, imaplib.IMAP4.error, ImapError, DatabaseError) as error:
            result = PollResult(error=describe(error))
        finally:
            _close(conn)
    _record(mailbox.pk, result.error)
    return result


def _record(mailbox_id: int, error: str) -> None:
    try:
        record_poll(mailbox_id, error=error)
    except DatabaseError:
        log.exception("could not record the poll of mailbox %s", mailbox_id)


def poll_due_mailboxes(*, min_gap_seconds: int = 45) -> dict[int, PollResult]:
    """The periodic job's pass: every active IMAP mailbox that nobody (the long-running poller, another worker)
    polled in the last `min_gap_seconds`."""
    results = {}
    for mailbox_id in Mailbox.objects.filter(active=True).exclude(imap_host="").values_list("pk", flat=True):
        if claim_poll(mailbox_id, min_gap_seconds=min_gap_seconds):
            results[mailbox_id] = poll_mailbox(mailbox_id)
    return results


# --- the long-running poller ---------------------------------------------------------------------------------------


class Waker:
    """A pipe that ends a wait (IDLE or the interval) at once when the poller stops."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.stopped = threading.Event()

    def stop(self) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            with contextlib.suppress(OSError):
                os.write(self.write_fd, b"x")

    def wait(self, seconds: float) -> None:
        select.select([self.read_fd], [], [], seconds)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def idle(conn: imaplib.IMAP4, seconds: float, waker: Waker) -> bool:
    """Wait in IDLE until the server reports something (True), the time is up or the poller stops (False)."""
    sock = conn.socket()
    conn.send(b"OPSIDLE IDLE\r\n")
    line = conn.readline()
    if not line.startswith(b"+"):
        raise ImapError(_("The IMAP server refused IDLE: %(reply)s") % {"reply": line.decode(errors="replace")})
    woke = False
    previous = sock.gettimeout()
    try:
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        readable = pending or bool(select.select([sock, waker.read_fd], [], [], seconds)[0])
        if readable and not waker.stopped.is_set():
            sock.settimeout(TIMEOUT)
            update = conn.readline()
            woke = update.startswith(b"*")  # EXISTS, EXPUNGE, FETCH: look again either way
    finally:
        sock.settimeout(TIMEOUT)
        conn.send(b"DONE\r\n")
        while True:
            line = conn.readline()
            if not line:
                raise ImapError(_("The IMAP server closed the connection."))
            if line.startswith(b"OPSIDLE "):
                break
        sock.settimeout(previous)
    return woke


class MailboxPoller(threading.Thread):
    """One mailbox, one connection: a pass, then IDLE (or a pause) for up to `interval` seconds, then a pass again.

    A pass runs at least every `interval` even with IDLE, which also keeps `last_polled_at` fresh (the periodic job
    leaves a mailbox alone while it is). A changed setting reconnects; an error is recorded, and the next try waits
    longer each time (at most five minutes)."""

    def __init__(self, mailbox_id: int, *, interval: float) -> None:
        super().__init__(name=f"imap-{mailbox_id}", daemon=True)
        self.mailbox_id = mailbox_id
        self.interval = interval
        self.waker = Waker()
        self.passes = 0

    def stop(self) -> None:
        self.waker.stop()

    def run(self) -> None:
        conn: imaplib.IMAP4 | None = None
        caps: set[str] = set()
        connected_with: datetime | None = None
        failures = 0
        try:
            while not self.waker.stopped.is_set():
                close_old_connections()
                try:
                    mailbox = Mailbox.objects.filter(pk=self.mailbox_id, active=True).exclude(imap_host="").first()
                    if mailbox is None:
                        return
                    if conn is not None and connected_with != mailbox.updated_at:
                        _close(conn)
                        conn = None
                    if conn is None:
                        conn = connect(mailbox)
                        caps, connected_with = capabilities(conn), mailbox.updated_at
                    result = poll(mailbox, conn, caps)
                    _record(self.mailbox_id, result.error)
                    self.passes += 1
                    failures = 0
                    if result.more:
                        continue
                    if "IDLE" in caps:
                        idle(conn, min(self.interval, IDLE_RESTART), self.waker)
                    else:
                        self.waker.wait(self.interval)
                except (OSError, imaplib.IMAP4.error, ImapError, DatabaseError) as error:
                    _record(self.mailbox_id, describe(error))
                    if conn is not None:
                        _close(conn)
                        conn = None
                    failures += 1
                    self.waker.wait(min(self.interval * failures, 300))
        finally:
            if conn is not None:
                _close(conn)
            self.waker.close()
            connections.close_all()  # this thread's own database connections


def run_forever(*, interval: float, stop: threading.Event) -> None:
    """Keep a poller running for every active IMAP mailbox until `stop` is set; picks up new, changed and
    deactivated mailboxes every `interval` seconds."""
    pollers: dict[int, MailboxPoller] = {}
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                wanted = set(Mailbox.objects.filter(active=True).exclude(imap_host="").values_list("pk", flat=True))
            except DatabaseError:
                log.exception("could not read the mailboxes")
                wanted = set(pollers)
            for mailbox_id in list(pollers):
                if mailbox_id not in wanted or not pollers[mailbox_id].is_alive():
                    pollers.pop(mailbox_id).stop()
            for mailbox_id in wanted - set(pollers):
                pollers[mailbox_id] = MailboxPoller(mailbox_id, interval=interval)
                pollers[mailbox_id].start()
            stop.wait(interval)
    finally:
        for poller in pollers.values():
            poller.stop()
        for poller in pollers.values():
            poller.join(timeout=TIMEOUT)
        connections.close_all()  # this thread's own
