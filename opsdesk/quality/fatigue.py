"""Whether a due survey is sent, and if not, why (METRICS.md §4 "Sampling and fatigue"): plain values in, a reason
out, no database. Every rule is checked at send time.

Time is elapsed time: "at most once per 30 days" is 30 × 24 hours from the last sending, whatever the customer's
or the desk's time zone and across daylight-saving changes; so is the global 24 hours between any two surveys to the
same contact (docs/adr/0033-surveys.md).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

THROTTLED = "throttled"
SAMPLED_OUT = "sampled_out"
EXCLUDED_TAG = "excluded_tag"
AGENT_REQUESTER = "agent_requester"
INCIDENT_LINKED = "incident_linked"
OPTED_OUT = "opted_out"
NO_ADDRESS = "no_address"
REASONS = (OPTED_OUT, NO_ADDRESS, AGENT_REQUESTER, INCIDENT_LINKED, EXCLUDED_TAG, THROTTLED, SAMPLED_OUT)

BETWEEN_ANY_TWO = timedelta(hours=24)
COOLDOWN_CHOICES = (7, 14, 30, 60, 90, 180)  # days; None is off
DEFAULT_COOLDOWN = {"csat": None, "ces": 30, "nps": 90}


@dataclass(frozen=True)
class Contact:
    """What the rules read about the survey's recipient and ticket at send time."""

    address: str  # "" when the customer has none, or its mail bounced
    opted_out: bool = False
    is_agent: bool = False  # the requester is one of the desk's own staff
    incident_linked: bool = False
    tags: frozenset[str] = frozenset()
    last_any: datetime | None = None  # the latest survey of any kind sent to this contact
    last_same_kind: datetime | None = None  # the latest of this survey's kind


@dataclass(frozen=True)
class Rules:
    cooldown_days: int | None = None
    sample_every: int = 1
    excluded_tags: Iterable[str] = ()


def sampled_in(seed: str, every: int) -> bool:
    """One in `every`, drawn from a generator seeded with `seed` (the request's own): the same request always gets
    the same answer, so a repeated send decides the same."""
    if every < 1:
        raise ValueError("sample_every is at least 1")
    return every == 1 or random.Random(seed).randrange(every) == 0


def _elapsed(now: datetime, then: datetime) -> timedelta:
    """Elapsed time. In UTC: Python subtracts two times of the same zone object by their wall clocks, so across a
    daylight-saving change in Helsinki it would count an hour too few."""
    return now.astimezone(UTC) - then.astimezone(UTC)


def skip_reason(contact: Contact, rules: Rules, *, now: datetime, seed: str) -> str | None:
    """None to send; else the first rule that stops it, in the order of REASONS."""
    if contact.opted_out:
        return OPTED_OUT
    if not contact.address:
        return NO_ADDRESS
    if contact.is_agent:
        return AGENT_REQUESTER
    if contact.incident_linked:
        return INCIDENT_LINKED
    if contact.tags & {tag.lower() for tag in rules.excluded_tags}:
        return EXCLUDED_TAG
    if contact.last_any is not None and _elapsed(now, contact.last_any) < BETWEEN_ANY_TWO:
        return THROTTLED
    if (
        rules.cooldown_days
        and contact.last_same_kind is not None
        and _elapsed(now, contact.last_same_kind) < timedelta(days=rules.cooldown_days)
    ):
        return THROTTLED
    if not sampled_in(seed, rules.sample_every):
        return SAMPLED_OUT
    return None
