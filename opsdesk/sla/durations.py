"""SLA durations as people type them: "2h", "30m", "1d 4h", "1h30m", or a bare number of minutes ("90").

The one parser of target times, warnings and escalation delays, for the settings forms and anything else that reads a
typed duration; `format_duration` writes the same notation back, so a stored value reads as it was typed. A day is 24
hours, also for a target in business hours (where a business day is whatever the calendar opens).
`spoken_duration` says a time in the reader's language instead ("2 d 3 h", "12 min"). No ORM.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
ALIASES = {"min": "m", "mins": "m", "sec": "s"}
MAX_SECONDS = 10 * 366 * 86400  # far beyond any rule's own limit, so a typo of many digits is caught here
PART = re.compile(r"([0-9]{1,7})\s*(d|h|mins|min|m|sec|s)(?![a-z])")
MINUTES = re.compile(r"[0-9]{1,7}")


class InvalidDuration(ValueError):
    """Text that is not a duration. `code`: `invalid` (not in the notation), `repeated` (a unit given twice), `zero`,
    `too_long`."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


def parse_duration(text: str, *, allow_zero: bool = False) -> int:
    """Seconds of `text`. Units d, h, m (also "min") and s, in any order, each once, spaces optional; a bare whole
    number is minutes. Case and surrounding spaces are ignored."""
    raw = " ".join((text or "").split()).lower()
    if MINUTES.fullmatch(raw):
        seconds = int(raw) * 60
    else:
        seconds, at, seen = 0, 0, set()
        compact = raw.replace(" ", "")
        if not compact:
            raise InvalidDuration("invalid", text)
        while at < len(compact):
            match = PART.match(compact, at)
            if match is None:
                raise InvalidDuration("invalid", text)
            unit = ALIASES.get(match.group(2), match.group(2))
            if unit in seen:
                raise InvalidDuration("repeated", text)
            seen.add(unit)
            seconds += int(match.group(1)) * UNITS[unit]
            at = match.end()
    if seconds == 0 and not allow_zero:
        raise InvalidDuration("zero", text)
    if seconds > MAX_SECONDS:
        raise InvalidDuration("too_long", text)
    return seconds


def format_duration(seconds: int) -> str:
    """The notation `parse_duration` reads: "1d 4h", "2h 30m", "45m"; "0m" for nothing."""
    seconds = max(0, int(seconds))
    parts = []
    for unit, size in UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"


def spoken_words() -> dict[str, str]:
    """The phrases of a remaining time, with %(name)s placeholders the script fills in the same way."""
    return {
        "dh": _("%(days)d d %(hours)d h"),
        "hm": _("%(hours)d h %(minutes)d min"),
        "m": _("%(minutes)d min"),
        "s": _("%(seconds)d s"),
        "left": _("%(time)s left"),
        "overdue": _("overdue by %(time)s"),
    }


def spoken_duration(seconds: float, words: dict[str, str] | None = None) -> str:
    """A time as people say it, in the active language: '2 d 3 h', '1 h 5 min', '12 min' or '40 s'; the SLA panel,
    the timeline's "late" and the countdown script (static/sla/countdown.js) write it alike."""
    words = words or spoken_words()
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return words["dh"] % {"days": days, "hours": hours}
    if hours:
        return words["hm"] % {"hours": hours, "minutes": minutes}
    if minutes:
        return words["m"] % {"minutes": minutes}
    return words["s"] % {"seconds": secs}
