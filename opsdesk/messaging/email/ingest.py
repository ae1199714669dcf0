"""Reading raw messages from files for `opsdesk ingest-email`: standard input, a Maildir or an mbox file (the stdlib
`mailbox` module), each message's bytes exactly as stored there."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO


class Unreadable(Exception):
    """The source cannot be read; the message says which and why."""


def read_stream(stream: BinaryIO, *, limit: int) -> bytes:
    """At most `limit` + 1 bytes, so a message over the limit is recognised without reading all of it."""
    return stream.read(limit + 1)


def read_folder(path: str, *, kind: str) -> Iterator[bytes]:
    """Every message of a Maildir ("maildir") or an mbox file ("mbox"), oldest first as the folder lists them."""
    where = Path(path)
    if not where.exists():
        raise Unreadable(f"{path}: no such file or directory")
    folder: mailbox.Mailbox[Any]
    try:
        if kind == "maildir":
            if not (where / "cur").is_dir() or not (where / "new").is_dir():
                raise Unreadable(f"{path}: not a Maildir (it needs cur/ and new/)")
            folder = mailbox.Maildir(where, factory=None, create=False)
        else:
            if where.is_dir():
                raise Unreadable(f"{path}: a directory, not an mbox file")
            folder = mailbox.mbox(where, factory=None, create=False)
        keys = sorted(folder.keys()) if kind == "maildir" else list(folder.keys())
    except (OSError, mailbox.Error) as error:
        raise Unreadable(f"{path}: {error}") from None
    for key in keys:
        try:
            yield folder.get_bytes(key)
        except KeyError:
            continue  # removed while we read (another client)
        except OSError as error:
            raise Unreadable(f"{path}: {error}") from None
