"""KPI facts of hand-built timelines, with exact values (METRICS.md §0–§3): calendar and business time, reopens
(trivial or not), merged tickets, agent-created tickets, private notes against public replies, SLA outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdesk.analytics.facts import TicketInfo, compute
from opsdesk.sla.business_time import Schedule
from opsdesk.tickets import reopens

T0 = datetime(2027, 3, 5, 16, 30, tzinfo=UTC)  # a Friday, 16:30 UTC
# METRICS.md §2.4's example calendar: Mon–Fri 08:00–12:00 and 13:00–17:00 (UTC here), no holidays.
WORKDAY = [(8 * 60, 12 * 60), (13 * 60, 17 * 60)]
CALENDAR = Schedule(tz="UTC", weekly=[WORKDAY] * 5 + [[], []])
CUSTOMER, AGENT, OTHER = None, 7, 8


@dataclass
class E:
    kind: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


def created(by: str = "end_user", category: str = "new", assignee: int | None = None) -> E:
    return E("ticket.created", T0, {"created_by": by, "category": category, "assignee": assignee, "channel": "email"})


def comment(when: datetime, role: str, *, public: bool = True, automated: bool = False, author: int | None = None) -> E:
    return E(
        "comment.added",
        when,
        {
            "author_role": role,
            "visibility": "public" if public else "internal",
            "is_automated": automated,
            "author": author,
        },
        actor_id=author,
    )


def status(when: datetime, old: str, new: str) -> E:
    return E("status.changed", when, {"from_category": old, "to_category": new})


def assign(when: datetime, who: int | None, old: int | None = None) -> E:
    return E("assignee.changed", when, {"old": old, "new": who})


def info(category: str = "solved", **kwargs: Any) -> TicketInfo:
    values: dict[str, Any] = {
        "id": 1,
        "created_at": T0,
        "status_category": category,
        "channel": "email",
        "team_id": 3,
        "language": "fi",
        "priority": "normal",
        "organization_id": None,
        "merged_into_id": None,
    }
    values.update(kwargs)
    return TicketInfo(**values)


def test_first_reply_in_calendar_and_business_time() -> None:
    # Friday 16:30 → Monday 09:30: 65 h of calendar time; 30 min on Friday + 90 min on Monday of business time.
    events = [
        created(),
        comment(at(minutes=10), "agent", public=False, author=OTHER),  # a private note is no reply
        comment(at(minutes=20), "agent", public=True, automated=True),  # nor is an automated message
        comment(at(hours=65), "agent", author=AGENT),
        comment(at(hours=66), "agent", author=OTHER),
    ]
    facts = compute(info("open"), events, CALENDAR, "1@1")
    assert facts.first_reply_at == at(hours=65)
    assert facts.first_reply_agent_id == AGENT
    assert facts.frt == 65 * 3600
    assert facts.frt_bh == 2 * 3600
    assert facts.public_replies == 2
    assert [a.kind for a in facts.activities] == ["reply", "reply"]
    assert facts.solved_at is None and facts.resolution is None and facts.one_touch is None  # null ≠ 0
    assert facts.calendar == "1@1"


def test_no_reply_yet_is_null_not_zero() -> None:
    facts = compute(info("new"), [created(), comment(at(minutes=5), "end_user")], CALENDAR)
    assert facts.frt is None and facts.frt_bh is None and facts.first_reply_at is None
    assert facts.public_replies == 0


def test_agent_created_with_a_public_opening_has_no_first_response_time() -> None:
    events = [created(by="agent"), comment(T0, "agent", author=AGENT), comment(at(hours=1), "agent", author=AGENT)]
    facts = compute(info("open"), events, CALENDAR)
    assert facts.frt is None and facts.first_reply_at is None
    assert facts.public_replies == 1  # the opening is no reply itself


def test_agent_created_with_an_internal_opening_counts_from_creation() -> None:
    events = [
        created(by="agent"),
        comment(T0, "agent", public=False, author=AGENT),
        comment(at(minutes=25), "agent", author=AGENT),
    ]
    facts = compute(info("open"), events, CALENDAR)
    assert facts.frt == 25 * 60
    assert facts.frt_bh == 25 * 60


def test_resolution_waits_and_one_touch() -> None:
    # new 16:30–16:40 (Fri), open until Mon 08:30, pending until Mon 10:00, open until Mon 11:00 → solved
    events = [
        created(assignee=AGENT),
        status(at(minutes=10), "new", "open"),
        comment(at(hours=64), "agent", author=AGENT),  # Mon 08:30
        status(at(hours=64), "open", "pending"),
        comment(at(hours=65, minutes=30), "end_user"),
        status(at(hours=65, minutes=30), "pending", "open"),  # Mon 10:00
        assign(at(hours=66), OTHER, AGENT),
        status(at(hours=66, minutes=30), "open", "solved"),  # Mon 11:00
    ]
    facts = compute(info("solved"), events, CALENDAR)
    assert facts.resolution == facts.first_resolution == 66 * 3600 + 1800
    assert facts.solved_agent_id == OTHER  # the assignee at the solve
    assert facts.first_solved_agent_id == OTHER
    # requester wait: new + open + on hold = everything but the 1 h 30 min pending
    assert facts.requester_wait == 66 * 3600 + 1800 - 5400
    assert facts.agent_work == facts.requester_wait
    assert facts.pending_time == 5400 and facts.on_hold_time == 0
    # business time: Fri 16:30–17:00 (30 min) + Mon 08:00–08:30 (30 min) + Mon 10:00–11:00 (1 h)
    assert facts.requester_wait_bh == 2 * 3600
    assert facts.resolution_bh == 30 * 60 + 3 * 3600
    assert facts.one_touch is False  # it was pending once
    assert [(a.kind, a.agent_id) for a in facts.activities] == [("reply", AGENT), ("solved", OTHER)]


def test_one_touch_needs_exactly_one_public_reply() -> None:
    events = [
        created(),
        comment(at(minutes=5), "agent", author=AGENT),
        comment(at(minutes=6), "agent", public=False, author=AGENT),  # a note does not make it two
        status(at(minutes=7), "new", "solved"),
    ]
    assert compute(info("solved"), events, CALENDAR).one_touch is True
    two = [*events[:2], comment(at(minutes=6), "agent", author=AGENT), events[3]]
    assert compute(info("solved"), two, CALENDAR).one_touch is False


def test_a_reopen_solved_again_without_a_reply_is_trivial() -> None:
    events = [
        created(),
        comment(at(minutes=5), "agent", author=AGENT),
        status(at(minutes=6), "new", "solved"),
        comment(at(hours=1), "end_user"),  # "thanks!"
        status(at(hours=1), "solved", "open"),
        status(at(hours=2), "open", "solved"),
    ]
    facts = compute(info("solved"), events, CALENDAR)
    assert facts.reopens == 0
    assert reopens.nontrivial([(e.kind, e.data) for e in events]) == 0  # the QA sample's reopen pool: the same rule
    assert facts.one_touch is True  # trivial reopens are left out of one-touch
    assert facts.first_resolution == 6 * 60 and facts.resolution == 2 * 3600
    kinds = [(a.kind, a.detail) for a in facts.activities]
    assert kinds == [("reply", ""), ("solved", ""), ("reopened", "trivial"), ("solved", "")]


def test_a_reopen_answered_before_the_next_solve_counts() -> None:
    events = [
        created(),
        comment(at(minutes=5), "agent", author=AGENT),
        status(at(minutes=6), "new", "solved"),
        comment(at(hours=1), "end_user"),
        status(at(hours=1), "solved", "open"),
        comment(at(hours=1, minutes=30), "agent", author=AGENT),
        status(at(hours=2), "open", "solved"),
    ]
    facts = compute(info("solved"), events, CALENDAR)
    assert facts.reopens == 1
    assert reopens.nontrivial([(e.kind, e.data) for e in events]) == 1
    assert facts.one_touch is False
    # requester wait is cumulative across the reopen: 6 min + 1 h
    assert facts.requester_wait == 6 * 60 + 3600


def test_a_reopened_ticket_not_yet_solved_again_has_no_resolution() -> None:
    events = [created(), status(at(minutes=6), "new", "solved"), status(at(hours=1), "solved", "open")]
    facts = compute(info("open"), events, CALENDAR)
    assert facts.first_resolution == 360 and facts.resolution is None and facts.solved_at is None
    assert facts.reopens == 1
    assert reopens.nontrivial([(e.kind, e.data) for e in events]) == 1


def test_a_merge_source_is_left_out() -> None:
    events = [
        created(),
        comment(at(minutes=5), "agent", author=AGENT),
        E("ticket.merged", at(minutes=9), {"source": 1, "target": 2}),
        status(at(minutes=9), "new", "closed"),
    ]
    facts = compute(info("closed", merged_into_id=2), events, CALENDAR)
    assert facts.counted is False
    assert facts.activities == []
    # the target keeps its own history: a merge into it changes nothing
    target = compute(
        info("open", id=2), [created(), E("ticket.merged", at(minutes=9), {"source": 1, "target": 2})], None
    )
    assert target.counted is True


def test_created_solved_counts_a_solve_at_creation() -> None:
    facts = compute(info("solved"), [created(by="agent", category="solved", assignee=AGENT)], CALENDAR)
    assert [(a.kind, a.at, a.agent_id) for a in facts.activities] == [("solved", T0, AGENT)]
    assert facts.resolution == 0


def sla(kind: str, when: datetime, metric: str = "first_reply", instance: int = 1, **data: Any) -> E:
    return E(f"sla.{kind}", when, {"metric": metric, "instance": instance, **data})


def test_sla_outcomes_breach_is_final_and_a_reopen_unsettles_an_achieved_resolution() -> None:
    events = [
        created(assignee=AGENT),
        sla("breached", at(hours=1)),
        sla("fulfilled", at(hours=2), late=True),  # late: stays breached
        sla("fulfilled", at(hours=3), "requester_wait"),
        sla("reactivated", at(hours=4), "requester_wait"),  # reopened: unsettled again
        sla("fulfilled", at(hours=5), "next_reply"),
        sla("cancelled", at(hours=6), "next_reply", 2),
    ]
    facts = compute(info("open"), events, CALENDAR)
    outcomes = [(a.kind, a.detail, a.at, a.agent_id) for a in facts.activities]
    assert outcomes == [
        ("sla_breached", "first_reply", at(hours=1), AGENT),
        ("sla_achieved", "next_reply", at(hours=5), AGENT),
    ]


def test_the_sketch_reads_quantiles_within_two_percent_of_the_exact_ones() -> None:
    import random

    from opsdesk.analytics import sketch

    rng = random.Random(7)
    values = [int(rng.lognormvariate(9, 1.5)) for _ in range(5000)] + [0, 0, 1]
    found: sketch.Sketch = {}
    for value in values:
        sketch.add(found, value)
    for q in (0.1, 0.5, 0.9, 0.99):
        exact = sketch.exact_quantile(values, q)
        approx = sketch.quantile(found, q)
        assert exact is not None and approx is not None
        assert abs(approx - exact) <= 0.02 * exact + 1e-9, q
    assert sketch.quantile({}, 0.5) is None
    assert sketch.exact_quantile([1800, 7200], 0.5) == 4500.0
    two = sketch.merge([{sketch.bucket(1800): 1}, {str(sketch.bucket(7200)): 1}])
    assert abs((sketch.quantile(two, 0.5) or 0) - 4500) <= 0.02 * 4500


def test_docs_metrics_md_is_generated_from_the_definitions() -> None:
    from pathlib import Path

    from opsdesk.analytics import kpis

    root = Path(__file__).resolve().parents[3]
    assert (root / "docs" / "metrics.md").read_text(encoding="utf-8") == kpis.catalogue_markdown() + "\n", (
        "docs/metrics.md is out of date: run `opsdesk kpi-docs --write docs/metrics.md`"
    )
