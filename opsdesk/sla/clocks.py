"""SLA clocks, replayed: a ticket's facts (creation, comments, status categories, the rules applied to it, a merge)
in, the SLA event log of METRICS.md §2.8 out. Pure: no database, no "now" but the one passed in.

Replaying a ticket's whole history is how every clock is computed, so a figure is always the one its events explain
and the state can be rebuilt from the log plus the ticket's history (METRICS.md §2.8). A replay up to a later instant
only adds events after the earlier one's (a warning or a breach is emitted once its instant has passed): the log is
append-only, and a consumer stores what a new replay adds.

The rules, one place each (METRICS.md §2.2–2.7):
- Every metric's lifecycle is followed whether or not the rule in force has a target for it; only a targeted
  instance writes events. A rule change that adds a target starts the instance where it would have started (its
  original activation, with the time already counted), and one that removes it cancels the instance.
- Counting time is the time in the metric's counting categories (per rule; METRICS.md's table by default), within
  the calendar's open windows when the target is in business hours. Reply clocks never pause by default.
- Facts at one instant are applied together: a clock activated and resumed at the same instant logs only its
  activation, and a category that changes and changes back logs nothing.
- A deadline equal to a fulfilment counts as achieved: timed events (warned, breached) of an instant are emitted
  after the facts of that instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from opsdesk.tickets import categories

# --- the vocabulary ------------------------------------------------------------------------------------------------

FIRST_REPLY = "first_reply"
NEXT_REPLY = "next_reply"
PERIODIC_UPDATE = "periodic_update"
PAUSABLE_UPDATE = "pausable_update"
REQUESTER_WAIT = "requester_wait"
AGENT_WORK = "agent_work"
TOTAL_RESOLUTION = "total_resolution"
METRICS = (FIRST_REPLY, NEXT_REPLY, PERIODIC_UPDATE, PAUSABLE_UPDATE, REQUESTER_WAIT, AGENT_WORK, TOTAL_RESOLUTION)
REPLY_METRICS = (FIRST_REPLY, NEXT_REPLY)
UPDATE_METRICS = (PERIODIC_UPDATE, PAUSABLE_UPDATE)
RESOLUTION_METRICS = (REQUESTER_WAIT, AGENT_WORK, TOTAL_RESOLUTION)

NEW, OPEN, ON_HOLD = categories.Category.NEW.value, categories.Category.OPEN.value, categories.Category.ON_HOLD.value
UNSOLVED = frozenset(categories.UNSOLVED)
DONE = frozenset(categories.DONE)

# METRICS.md §2.2: the categories in which each metric's clock accrues time
COUNTING: Mapping[str, frozenset[str]] = {
    FIRST_REPLY: UNSOLVED,
    NEXT_REPLY: UNSOLVED,
    PERIODIC_UPDATE: UNSOLVED,
    PAUSABLE_UPDATE: frozenset({NEW, OPEN, ON_HOLD}),
    REQUESTER_WAIT: frozenset({NEW, OPEN, ON_HOLD}),
    AGENT_WORK: frozenset({NEW, OPEN}),
    TOTAL_RESOLUTION: UNSOLVED,
}

# event types (METRICS.md §2.8)
ACTIVATED, PAUSED, RESUMED, WARNED, BREACHED = "activated", "paused", "resumed", "warned", "breached"
FULFILLED, CANCELLED, REACTIVATED, RECALCULATED = "fulfilled", "cancelled", "reactivated", "recalculated"
ACHIEVED = "achieved"


class Calendar(Protocol):
    """Business time of one calendar (opsdesk/sla/business_time.py): seconds in its open windows."""

    def business_seconds(self, start: datetime, end: datetime) -> int: ...

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime: ...


@dataclass(frozen=True)
class Target:
    seconds: int
    business_hours: bool = False
    warn_before: int = 900


@dataclass(frozen=True)
class Rule:
    """The policy in force for a ticket from `Applied.at` on: its targets for the ticket's priority."""

    policy: str  # "id@version", as stored on the events
    priority: str
    targets: Mapping[str, Target]
    calendar: Calendar | None = None  # needed when a target is in business hours
    calendar_ref: str = ""  # "id@version"
    counting: Mapping[str, frozenset[str]] = field(default_factory=lambda: COUNTING)


# --- the facts -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    at: datetime
    category: str
    by_agent_publicly: bool = False  # an agent opened it with a public comment: nothing is owed yet


@dataclass(frozen=True)
class Comment:
    at: datetime
    comment: int
    author_role: str  # end_user, agent, system, bot
    public: bool
    automated: bool = False

    @property
    def is_reply(self) -> bool:
        """METRICS.md §2.3: a public, human comment by an agent."""
        return self.author_role == "agent" and self.public and not self.automated

    @property
    def is_end_user(self) -> bool:
        return self.author_role == "end_user" and self.public


@dataclass(frozen=True)
class StatusChanged:
    at: datetime
    category: str


@dataclass(frozen=True)
class Applied:
    """A rule applied: at creation, or after a change of the priority, the policy or the calendar (`reason`)."""

    at: datetime
    rule: Rule
    reason: str = "created"


@dataclass(frozen=True)
class Merged:
    at: datetime


Fact = Created | Comment | StatusChanged | Applied | Merged


# --- the results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaEvent:
    type: str
    metric: str
    instance: int
    at: datetime  # when it took effect: a breach at its deadline, however late it was noticed
    deadline: datetime | None  # after the event; None while paused or once settled
    elapsed: int  # counting seconds so far, on the target's basis
    policy: str
    priority: str
    target: int
    business_hours: bool
    calendar: str
    reason: str = ""
    comment: int | None = None
    late: bool = False
    outcome: str = ""  # achieved, breached or cancelled once settled
    old_deadline: datetime | None = None  # recalculated


@dataclass(eq=False)
class Instance:
    metric: str
    number: int
    activated_at: datetime
    intervals: list[list[datetime | None]] = field(default_factory=list)  # counting spans; the last may be open
    outcome: str = ""
    warned: bool = False
    ended: bool = False  # stopped (fulfilled, cancelled): counts no more
    floor: datetime | None = None  # no warning or breach before this: when the target in force was set

    @property
    def running(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None

    def elapsed(self, rule: Rule, at: datetime) -> int:
        target = rule.targets.get(self.metric)
        total = 0
        for start, end in self.intervals:
            assert start is not None
            stop = min(end or at, at)
            if stop > start:
                total += _span(rule, target, start, stop)
        return total


def _span(rule: Rule, target: Target | None, start: datetime, end: datetime) -> int:
    if target is not None and target.business_hours:
        if rule.calendar is None:
            raise ValueError(f"{rule.policy}: a business-hours target needs a calendar")
        return rule.calendar.business_seconds(start, end)
    return int((end - start).total_seconds())


def _add(rule: Rule, target: Target, start: datetime, seconds: int) -> datetime:
    if target.business_hours:
        if rule.calendar is None:
            raise ValueError(f"{rule.policy}: a business-hours target needs a calendar")
        return rule.calendar.add_business_seconds(start, seconds)
    return start + timedelta(seconds=seconds)


@dataclass
class Replay:
    """The state of one ticket's clocks while its facts are applied in order."""

    until: datetime
    rule: Rule | None = None
    category: str = NEW
    instances: list[Instance] = field(default_factory=list)
    events: list[SlaEvent] = field(default_factory=list)
    created: bool = False

    # --- deadlines ---------------------------------------------------------------------------------------------

    def deadline(self, instance: Instance) -> datetime | None:
        """When counting time reaches the target, if the category stays as it is (None: paused, untargeted or
        settled)."""
        target = self.target(instance)
        if target is None or instance.outcome or not instance.running:
            return None
        start = instance.intervals[-1][0]
        assert start is not None and self.rule is not None
        remaining = target.seconds - instance.elapsed(self.rule, start)
        return start if remaining <= 0 else _add(self.rule, target, start, remaining)

    def warn_at(self, instance: Instance) -> datetime | None:
        target = self.target(instance)
        if target is None or instance.outcome or instance.warned or not instance.running:
            return None
        start = instance.intervals[-1][0]
        assert start is not None and self.rule is not None
        before_warning = target.seconds - target.warn_before - instance.elapsed(self.rule, start)
        return start if before_warning <= 0 else _add(self.rule, target, start, before_warning)

    def target(self, instance: Instance) -> Target | None:
        """The target an instance still counts towards under the rule in force (None: ended or untargeted)."""
        if self.rule is None or instance.ended:
            return None
        return self.rule.targets.get(instance.metric)

    # --- writing events ----------------------------------------------------------------------------------------

    def emit(self, type: str, instance: Instance, at: datetime, **extra: object) -> None:
        rule = self.rule
        assert rule is not None
        target = rule.targets.get(instance.metric) or Target(0)
        self.events.append(
            SlaEvent(
                type=type,
                metric=instance.metric,
                instance=instance.number,
                at=at,
                deadline=self.deadline(instance),
                elapsed=instance.elapsed(rule, at),
                policy=rule.policy,
                priority=rule.priority,
                target=target.seconds,
                business_hours=target.business_hours,
                calendar=rule.calendar_ref,
                outcome=instance.outcome,
                **extra,  # type: ignore[arg-type]
            )
        )

    def due(self, instance: Instance) -> list[tuple[datetime, str]]:
        """The instance's next timed events: its warning (when one is still owed) and its breach, never before the
        target in force was set (a stricter target is breached from its change on, not before it)."""
        deadline = self.deadline(instance)
        if deadline is None:
            return []
        floor = instance.floor or instance.activated_at
        breach = max(deadline, floor)
        found = [(breach, BREACHED)]
        warn = self.warn_at(instance)
        if warn is not None and max(warn, floor) < breach:
            found.append((max(warn, floor), WARNED))
        return found

    def timed(self, before: datetime, *, inclusive: bool) -> None:
        """Warnings and breaches due before `before` (or at it, when `inclusive`), in time order."""
        while True:
            due = [
                (at, index, kind, instance)
                for index, instance in enumerate(self.instances)
                for at, kind in self.due(instance)
                if at < before or (inclusive and at == before)
            ]
            if not due:
                return
            at, _index, kind, instance = min(due, key=lambda d: (d[0], d[1], d[2] != WARNED))
            if kind == WARNED:
                instance.warned = True
                self.emit(WARNED, instance, at)
            else:
                instance.warned = True  # a breach without a warning window: none is owed any more
                instance.outcome = BREACHED
                self.emit(BREACHED, instance, at)

    # --- the lifecycle -----------------------------------------------------------------------------------------

    def counts(self, metric: str, category: str) -> bool:
        counting = self.rule.counting if self.rule is not None else COUNTING
        return category in counting.get(metric, COUNTING[metric])

    def active(self, metric: str) -> Instance | None:
        return next((i for i in reversed(self.instances) if i.metric == metric and not i.ended), None)

    def activate(self, metric: str, at: datetime, *, reason: str, comment: int | None = None) -> Instance:
        number = 1 + sum(1 for i in self.instances if i.metric == metric)
        instance = Instance(metric, number, at)
        if self.counts(metric, self.category):
            instance.intervals.append([at, None])
        self.instances.append(instance)
        self._pending.append((instance, reason, comment))
        return instance

    def stop(self, instance: Instance, at: datetime) -> None:
        if instance.running:
            instance.intervals[-1][1] = at
        instance.ended = True

    def fulfil(self, instance: Instance, at: datetime, *, reason: str, comment: int | None = None) -> None:
        late = instance.outcome == BREACHED
        reported = self.target(instance) is not None
        instance.outcome = instance.outcome or ACHIEVED
        self.stop(instance, at)
        if reported:
            self.emit(FULFILLED, instance, at, reason=reason, comment=comment, late=late)

    def cancel(self, instance: Instance, at: datetime, *, reason: str) -> None:
        reported = self.target(instance) is not None
        instance.outcome = instance.outcome or CANCELLED  # a breached clock stays breached: it only stops counting
        self.stop(instance, at)
        if reported:
            self.emit(CANCELLED, instance, at, reason=reason)

    # --- facts -------------------------------------------------------------------------------------------------

    _pending: list[tuple[Instance, str, int | None]] = field(default_factory=list)

    def apply(self, fact: Fact) -> None:
        if isinstance(fact, Applied):
            self._apply_rule(fact)
        elif isinstance(fact, Created):
            self.created = True
            self.category = fact.category
            if not fact.by_agent_publicly:
                self.activate(FIRST_REPLY, fact.at, reason="created")
            for metric in RESOLUTION_METRICS:
                self.activate(metric, fact.at, reason="created")
        elif isinstance(fact, Comment):
            self._comment(fact)
        elif isinstance(fact, StatusChanged):
            self._status(fact)
        elif isinstance(fact, Merged):
            for instance in self.instances:
                if not instance.ended:
                    self.cancel(instance, fact.at, reason="merged")

    def _comment(self, fact: Comment) -> None:
        if fact.is_reply:
            for metric in REPLY_METRICS:
                instance = self.active(metric)
                if instance is not None:
                    self.fulfil(instance, fact.at, reason="public_reply", comment=fact.comment)
            for metric in UPDATE_METRICS:
                instance = self.active(metric)
                if instance is not None:
                    self.fulfil(instance, fact.at, reason="public_reply", comment=fact.comment)
                if self.category not in DONE:
                    self.activate(metric, fact.at, reason="public_reply", comment=fact.comment)
        elif fact.is_end_user and self.active(FIRST_REPLY) is None and self.active(NEXT_REPLY) is None:
            # several comments before an answer are one instance, dated from the first of them
            self.activate(NEXT_REPLY, fact.at, reason="end_user_comment", comment=fact.comment)

    def _status(self, fact: StatusChanged) -> None:
        before, self.category = self.category, fact.category
        if fact.category in DONE and before not in DONE:
            for metric in (*REPLY_METRICS, *UPDATE_METRICS):
                instance = self.active(metric)
                if instance is not None:
                    self.cancel(instance, fact.at, reason="solved")
            for metric in RESOLUTION_METRICS:
                instance = self.active(metric)
                if instance is not None:
                    self.fulfil(instance, fact.at, reason="solved")
        elif fact.category not in DONE and before in DONE:
            for metric in RESOLUTION_METRICS:  # cumulative: the same instance carries on (METRICS.md §2.7)
                instance = next((i for i in reversed(self.instances) if i.metric == metric), None)
                if instance is not None and instance.ended and instance.outcome != CANCELLED:
                    instance.ended = False
                    if instance.outcome == ACHIEVED:
                        instance.outcome = ""
                    self._reactivated.append(instance)
        for instance in self.instances:
            if instance.ended:
                continue
            counts = self.counts(instance.metric, fact.category)
            if counts and not instance.running:
                instance.intervals.append([fact.at, None])
            elif not counts and instance.running:
                instance.intervals[-1][1] = fact.at

    _reactivated: list[Instance] = field(default_factory=list)

    def _apply_rule(self, fact: Applied) -> None:
        old_rule, self.rule = self.rule, fact.rule
        if old_rule is None:  # no rule yet: clocks already counting start now that a target exists
            old_rule = replace(fact.rule, targets={})
        for instance in self.instances:
            if instance.ended or instance.outcome:
                continue  # settled outcomes are never recomputed (METRICS.md §2.6)
            had = old_rule.targets.get(instance.metric)
            has = fact.rule.targets.get(instance.metric)
            if had is None and has is None:
                continue
            if has is None:
                self.rule = old_rule
                self.cancel(instance, fact.at, reason="policy_removed")
                self.rule = fact.rule
                continue
            if had is None:
                self._pending.append((instance, fact.reason, None))
                continue
            self.rule = old_rule
            old_deadline = self.deadline(instance)
            self.rule = fact.rule
            self._recalculated.append((instance, old_deadline, fact.reason))

    _recalculated: list[tuple[Instance, datetime | None, str]] = field(default_factory=list)

    def settle_instant(self, at: datetime, running_before: dict[int, bool]) -> None:
        """The events of everything that happened at `at`, in the state the instant left."""
        pending = {id(i) for i, _r, _c in self._pending}
        for instance, old_deadline, reason in self._recalculated:
            if id(instance) not in pending and self.deadline(instance) != old_deadline:
                # a deadline already past is breached at this instant, never before (METRICS.md §2.6)
                instance.floor = at
                self.emit(RECALCULATED, instance, at, reason=reason, old_deadline=old_deadline)
        for instance, reason, comment in self._pending:
            if self.target(instance) is not None:
                instance.floor = at
                self.emit(ACTIVATED, instance, at, reason=reason, comment=comment)
        for instance in self._reactivated:
            if self.target(instance) is not None and id(instance) not in pending:
                self.emit(REACTIVATED, instance, at, reason="reopen")
        for instance in self.instances:
            key = id(instance)
            if key in pending or key not in running_before or instance.ended or self.target(instance) is None:
                continue
            if any(instance is r for r in self._reactivated):
                continue
            if running_before[key] and not instance.running:
                self.emit(PAUSED, instance, at, reason="status_change")
            elif not running_before[key] and instance.running:
                self.emit(RESUMED, instance, at, reason="status_change")
        self._pending, self._reactivated, self._recalculated = [], [], []


def replay(facts: Iterable[Fact], *, until: datetime) -> Replay:
    """Apply a ticket's facts (in the order they happened; facts after `until` are left out) and emit the timed
    events due by `until`. The result holds the SLA events and each instance's state."""
    state = Replay(until=until)
    ordered = sorted((f for f in facts if f.at <= until), key=lambda f: f.at)  # stable: same-instant order kept
    index = 0
    while index < len(ordered):
        at = ordered[index].at
        state.timed(at, inclusive=False)
        running_before = {id(i): i.running for i in state.instances if not i.ended}
        while index < len(ordered) and ordered[index].at == at:
            state.apply(ordered[index])
            index += 1
        state.settle_instant(at, running_before)
    state.timed(until, inclusive=True)
    return state


def next_due(state: Replay) -> datetime | None:
    """The next instant a warning or a breach is due for this ticket (None: nothing is counting towards one): the
    indexed column the minutely job reads, so it looks only at tickets with something due."""
    times = [at for instance in state.instances for at, _kind in state.due(instance)]
    return min(times) if times else None


def changed_rule(rule: Rule, **changes: object) -> Rule:
    """The same rule with some fields changed (a priority change keeps the policy and takes its other targets)."""
    return replace(rule, **changes)  # type: ignore[arg-type]


def open_instances(state: Replay) -> Sequence[Instance]:
    return [i for i in state.instances if not i.ended]
