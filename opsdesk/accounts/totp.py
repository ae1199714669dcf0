"""Time-based one-time passwords (RFC 6238, with pyotp), their QR code (drawn with segno as inline SVG, on the
server, no script) and recovery codes. Plain functions, no database."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "OpsDesk"
STEP_SECONDS = 30
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(text: str, *, title: str) -> str:
    """An SVG QR code of `text`, drawn with presentation attributes only (no style), for inline use in a page."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=3,
        xmldecl=False,
        svgns=True,
        nl=False,
        title=title,
        dark="#000",
        light="#fff",
        omitsize=True,  # a viewBox instead of a fixed size, so CSS scales the whole code
        svgclass="qr",
        lineclass=None,
    )
    return buffer.getvalue().decode()


def matching_step(secret: str, code: str, *, at: datetime, after_step: int) -> int | None:
    """The time step (at, one before or one after, for clock drift) whose code is `code` and that comes after
    `after_step` (so a code is accepted once), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at.timestamp()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > after_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def current_step(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def new_recovery_codes() -> list[str]:
    """Ten codes like `k3m9-x2qa-7fhp`: 60 bits each, easy to read aloud and to type."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _group in range(3))
        for _code in range(RECOVERY_CODES)
    ]


def normalise_recovery_code(code: str) -> str:
    bare = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(bare[i : i + 4] for i in range(0, len(bare), 4))


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
