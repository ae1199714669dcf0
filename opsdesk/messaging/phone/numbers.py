"""Phone numbers as calls and customers carry them: normalised to an E.164-like form so that "+358 40 123 4567",
"+358-40-1234567" and "00358401234567" are the same number, and compared with national forms ("040 123 4567").

Normalising keeps a leading "+" and the digits, turns an international "00" prefix into "+", and drops the
separators people type (spaces, dashes, dots, slashes, brackets). Anything else (letters, a second "+") is not a
number. A national number (no country code) cannot be made international without knowing the country, so it stays
as digits; `same_number` matches it against an international one by its trunk "0" and the last nine digits.
"""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\s\-./()\u00a0]")
INTERNATIONAL = re.compile(r"\+[1-9][0-9]{5,14}")  # E.164: at most 15 digits, no leading zero in the country code
NATIONAL = re.compile(r"[0-9]{3,15}")  # an extension or a national number
MAX_INPUT = 40  # what CustomerPhone.number holds
MATCH_DIGITS = 9  # a national number's significant part (Finnish mobiles: 9 digits after the trunk 0)


def normalise(raw: str) -> str | None:
    """The number as "+<digits>" or "<digits>", or None when `raw` is not a phone number."""
    if not isinstance(raw, str) or len(raw) > MAX_INPUT:
        return None
    text = SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if INTERNATIONAL.fullmatch(text) or NATIONAL.fullmatch(text):
        return text
    return None


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isascii() and ch.isdigit())


def same_number(a: str, b: str) -> bool:
    """Whether two normalised numbers reach the same phone: equal, or a national number ("0401234567") whose
    digits after the trunk "0" end the international one ("+358401234567")."""
    if a == b:
        return True
    international, national = (a, b) if a.startswith("+") else (b, a)
    if not international.startswith("+") or national.startswith("+") or not national.startswith("0"):
        return False
    significant = national[1:]
    return len(significant) >= min(MATCH_DIGITS, 6) and digits(international).endswith(significant)


def match_key(number: str) -> str:
    """The digits two matching numbers share at their end: the database narrows customers' phones by it."""
    return digits(number)[-6:]
