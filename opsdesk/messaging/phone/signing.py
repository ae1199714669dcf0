"""The telephony webhook's signature: HMAC-SHA256 over "<timestamp>.<raw body>" with the provider's shared secret.

A request carries `X-OpsDesk-Timestamp: <unix seconds>` and `X-OpsDesk-Signature: sha256=<hex>`. The timestamp is
inside the signed text, so a captured request cannot be replayed later with a fresh timestamp, and one older (or
newer) than `TOLERANCE_SECONDS` is refused. Comparison is in constant time. The secret itself is derived from the
server's SECRET_KEY and a random salt stored on the provider row (see ADR 0018): the database alone cannot forge a
signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOLERANCE_SECONDS = 300
SIGNATURE = re.compile(r"sha256=([0-9a-f]{64})")
TIMESTAMP = re.compile(r"[0-9]{1,12}")


def new_salt() -> str:
    return secrets.token_urlsafe(24)


def derive_secret(server_key: str, salt: str) -> str:
    """The shared secret the provider signs with: only a server that holds SECRET_KEY can compute it."""
    mac = hmac.new(server_key.encode(), f"opsdesk.telephony:{salt}".encode(), hashlib.sha256).digest()
    return "whsec_" + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The header value for a body sent at `timestamp`: what the provider computes, and the tests."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, *, timestamp: str, signature: str, body: bytes, now: float) -> str | None:
    """None when the request is genuine and fresh, else the reason: "timestamp" (missing, malformed or outside
    the tolerance) or "signature" (missing, malformed or wrong)."""
    if not TIMESTAMP.fullmatch(timestamp or ""):
        return "timestamp"
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return "timestamp"
    if not SIGNATURE.fullmatch((signature or "").strip().lower()):
        return "signature"
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        return "signature"
    return None
