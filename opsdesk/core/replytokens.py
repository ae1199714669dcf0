"""Signed ticket references carried by outgoing mail, so a reply finds its ticket even when a mail client drops
In-Reply-To and References (the signed Message-IDs of core/outbox.py come first).

- `reply_address("support@example.com", 42)` is `support+t42-<sig>@example.com`: the Reply-To of a ticket's mail.
  Plus-addressing delivers it to the same mailbox; `parse_reply_address` reads the ticket back.
- `body_token(42)` is `[ref:t42-<sig>]`, put at the foot of a ticket's mail; `find_body_token` finds it in a reply's
  text (quoted or not).

The signature is an HMAC of SECRET_KEY (fallback keys are accepted, so rotating it keeps threads): nobody can steer
a message into a ticket by guessing its number."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "opsdesk.core.replytokens"
_ADDRESS = re.compile(r"^(?P<local>[^@+\s]+)\+t(?P<ticket>[1-9][0-9]{0,18})-(?P<sig>[0-9a-f]{12})@(?P<domain>[^@\s]+)$")
_BODY = re.compile(r"\[ref:t(?P<ticket>[1-9][0-9]{0,18})-(?P<sig>[0-9a-f]{12})\]")


def _sign(ticket_id: int, secret: str | None = None) -> str:
    return salted_hmac(_SALT, f"t{ticket_id}", secret=secret, algorithm="sha256").hexdigest()[:12]


def _valid(ticket_id: int, signature: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(signature, _sign(ticket_id, key)) for key in keys)


def reply_address(address: str, ticket_id: int) -> str:
    """The mailbox's address with the ticket's signed token as its plus part."""
    local, _at, domain = address.partition("@")
    return f"{local.partition('+')[0]}+t{ticket_id}-{_sign(ticket_id)}@{domain}"


def parse_reply_address(address: str) -> int | None:
    """The ticket a reply-to address names, when its signature holds; None otherwise."""
    match = _ADDRESS.match(address.strip().lower())
    if match is None or not _valid(int(match["ticket"]), match["sig"]):
        return None
    return int(match["ticket"])


def base_address(address: str) -> str:
    """`support+anything@example.com` → `support@example.com`: the mailbox an address delivers to."""
    local, _at, domain = address.strip().lower().partition("@")
    return f"{local.partition('+')[0]}@{domain}"


def body_token(ticket_id: int) -> str:
    return f"[ref:t{ticket_id}-{_sign(ticket_id)}]"


def find_body_token(text: str) -> int | None:
    """The first validly signed token in a text; forged or damaged tokens are passed over."""
    for match in _BODY.finditer(text):
        if _valid(int(match["ticket"]), match["sig"]):
            return int(match["ticket"])
    return None
