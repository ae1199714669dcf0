"""Choosing an agent: pure functions over what the routing action read under its locks (no ORM here).

Eligible = online, below capacity in the ticket's channel group, and (unless falling back) speaking the ticket's
language when the team matches languages and holding every required skill at the team's minimum level. Among
them each strategy picks one:

- round robin: the agent routing has not given a ticket for longest (never first), then by id;
- least loaded: the lowest load relative to capacity, then round robin's order;
- best skill match: the highest sum of levels in the required skills, then least loaded's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opsdesk.routing import events as E

ONLINE = "online"
NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    presence: str
    languages: tuple[str, ...]
    skills: Mapping[int, int]  # skill id -> level
    load: int
    capacity: int
    last_assigned_at: datetime | None


@dataclass(frozen=True)
class Need:
    language: str | None = None  # None: the team does not match languages
    skills: tuple[int, ...] = ()
    min_level: int = 1


@dataclass(frozen=True)
class Choice:
    candidate: Candidate | None
    reasons: list[str] = field(default_factory=list)  # an assignment's reasons, or [why] when nobody fits


def _turn(c: Candidate) -> tuple[datetime, int]:
    return (c.last_assigned_at or NEVER, c.user_id)


def _ratio(c: Candidate) -> tuple[float, int, datetime, int]:
    return (c.load / c.capacity, c.load, *_turn(c))


def _skill_sum(c: Candidate, need: Need) -> int:
    return sum(c.skills.get(skill, 0) for skill in need.skills)


def eligible(candidates: Sequence[Candidate], need: Need, *, fallback: bool) -> tuple[list[Candidate], str]:
    """The agents who may take the ticket, or none and the reason (events.WAIT_REASONS)."""
    if not candidates:
        return [], E.NO_AGENTS
    online = [c for c in candidates if c.presence == ONLINE]
    if not online:
        return [], E.ALL_OFFLINE
    free = [c for c in online if c.load < c.capacity]
    if not free:
        return [], E.ALL_FULL
    if fallback:
        return free, ""
    if need.language:
        free = [c for c in free if need.language in c.languages]
        if not free:
            return [], E.NO_LANGUAGE
    if need.skills:
        free = [c for c in free if all(c.skills.get(s, 0) >= need.min_level for s in need.skills)]
        if not free:
            return [], E.NO_SKILLS
    return free, ""


def choose(strategy: str, candidates: Sequence[Candidate], need: Need, *, fallback: bool = False) -> Choice:
    found, why = eligible(candidates, need, fallback=fallback)
    if not found:
        return Choice(None, [why])
    reasons: list[str] = []
    if fallback:
        reasons.append(E.FALLBACK)
    else:
        if need.language:
            reasons.append(E.LANGUAGE_MATCH)
        if need.skills:
            reasons.append(E.SKILL_MATCH)
    if strategy == "least_loaded":
        picked = min(found, key=_ratio)
        reasons.append(E.LEAST_LOADED)
    elif strategy == "skills":
        best = max(_skill_sum(c, need) for c in found)
        picked = min((c for c in found if _skill_sum(c, need) == best), key=_ratio)
        reasons.append(E.BEST_SKILLS)
    else:
        picked = min(found, key=_turn)
        reasons.append(E.ROUND_ROBIN_TURN)
    return Choice(picked, reasons)
