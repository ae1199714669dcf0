"""SLA clocks replayed from a ticket's facts (opsdesk/sla/clocks.py), on hand-worked cases in calendar time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.sla import clocks
from opsdesk.sla.clocks import (
    AGENT_WORK,
    FIRST_REPLY,
    NEXT_REPLY,
    PERIODIC_UPDATE,
    REQUESTER_WAIT,
    Applied,
    Comment,
    Created,
    Merged,
    Rule,
    StatusChanged,
    Target,
)

H = 3600


def at(hhmm: str, day: int = 2) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(minutes), tzinfo=UTC)


def rule(priority: str = "normal", version: int = 1, **targets: Target) -> Rule:
    return Rule(policy=f"1@{version}", priority=priority, targets=targets)


STANDARD = rule(first_reply=Target(1 * H), requester_wait=Target(4 * H), agent_work=Target(3 * H, warn_before=0))


def opened(when: str = "09:00", r: Rule = STANDARD, *, by_agent_publicly: bool = False) -> list[clocks.Fact]:
    return [Applied(at(when), r), Created(at(when), "new", by_agent_publicly=by_agent_publicly)]


def reply(when: str, comment: int = 2, day: int = 2) -> Comment:
    return Comment(at(when, day), comment, "agent", public=True)


def customer(when: str, comment: int = 3, day: int = 2) -> Comment:
    return Comment(at(when, day), comment, "end_user", public=True)


def status(when: str, category: str, day: int = 2) -> StatusChanged:
    return StatusChanged(at(when, day), category)


def log(facts: list[clocks.Fact], until: str, metric: str | None = None, day: int = 2) -> list[tuple[object, ...]]:
    """(type, metric, instance, at, deadline, elapsed, outcome) of each event, optionally of one metric."""
    state = clocks.replay(facts, until=at(until, day))
    return [
        (
            e.type,
            e.metric,
            e.instance,
            e.at.strftime("%d %H:%M"),
            e.deadline and e.deadline.strftime("%d %H:%M"),
            e.elapsed,
            e.outcome,
        )
        for e in state.events
        if metric is None or e.metric == metric
    ]


def test_an_unanswered_ticket_warns_then_breaches_at_its_deadline() -> None:
    assert log(opened(), "10:30", FIRST_REPLY) == [
        ("activated", FIRST_REPLY, 1, "02 09:00", "02 10:00", 0, ""),
        ("warned", FIRST_REPLY, 1, "02 09:45", "02 10:00", 45 * 60, ""),
        ("breached", FIRST_REPLY, 1, "02 10:00", None, H, "breached"),
    ]


def test_nothing_is_emitted_before_its_time() -> None:
    assert [e[0] for e in log(opened(), "09:44", FIRST_REPLY)] == ["activated"]


def test_a_reply_fulfils_the_first_reply_and_starts_the_periodic_update() -> None:
    r = rule(first_reply=Target(H), periodic_update=Target(2 * H))
    facts = [*opened(r=r), reply("09:30")]
    assert log(facts, "09:30") == [
        ("activated", FIRST_REPLY, 1, "02 09:00", "02 10:00", 0, ""),
        ("fulfilled", FIRST_REPLY, 1, "02 09:30", None, 30 * 60, "achieved"),
        ("activated", PERIODIC_UPDATE, 1, "02 09:30", "02 11:30", 0, ""),
    ]


def test_a_reply_at_the_deadline_itself_is_achieved() -> None:
    facts = [*opened(), reply("10:00")]
    assert [e[0] for e in log(facts, "12:00", FIRST_REPLY)] == ["activated", "warned", "fulfilled"]
    assert log(facts, "12:00", FIRST_REPLY)[-1][-1] == "achieved"


def test_notes_automated_and_customer_comments_are_not_replies() -> None:
    facts = [
        *opened(),
        Comment(at("09:10"), 2, "agent", public=False),
        Comment(at("09:20"), 3, "agent", public=True, automated=True),
        customer("09:30"),
    ]
    assert [e[0] for e in log(facts, "10:00", FIRST_REPLY)] == ["activated", "warned", "breached"]
    assert log(facts, "10:00", NEXT_REPLY) == []  # while the first reply is owed, no next reply starts


def test_pending_pauses_the_requester_wait_and_on_hold_only_the_agent_work() -> None:
    facts = [*opened(), reply("09:30"), status("10:00", "pending"), status("12:00", "on_hold")]
    assert (
        log(facts, "13:00", REQUESTER_WAIT)
        == [
            ("activated", REQUESTER_WAIT, 1, "02 09:00", "02 13:00", 0, ""),
            ("paused", REQUESTER_WAIT, 1, "02 10:00", None, H, ""),
            ("resumed", REQUESTER_WAIT, 1, "02 12:00", "02 15:00", H, ""),
            ("warned", REQUESTER_WAIT, 1, "02 14:45", "02 15:00", H * 3 + 45 * 60, ""),
        ][:3]
    )
    assert log(facts, "13:00", AGENT_WORK) == [
        ("activated", AGENT_WORK, 1, "02 09:00", "02 12:00", 0, ""),
        ("paused", AGENT_WORK, 1, "02 10:00", None, H, ""),
    ]  # on hold: still paused, no resume


def test_a_category_changed_and_changed_back_in_one_instant_logs_nothing() -> None:
    facts = [*opened(), status("09:30", "pending"), status("09:30", "open")]
    assert [e[0] for e in log(facts, "09:40", REQUESTER_WAIT)] == ["activated"]


def test_solving_cancels_reply_clocks_and_fulfils_resolution_clocks() -> None:
    facts = [*opened(), status("09:20", "solved")]
    assert log(facts, "12:00", FIRST_REPLY)[1:] == [
        ("cancelled", FIRST_REPLY, 1, "02 09:20", None, 20 * 60, "cancelled")
    ]
    assert log(facts, "12:00", REQUESTER_WAIT)[1:] == [
        ("fulfilled", REQUESTER_WAIT, 1, "02 09:20", None, 20 * 60, "achieved")
    ]


def test_a_breached_reply_clock_stays_breached_when_the_ticket_is_solved() -> None:
    facts = [*opened(), status("11:00", "solved")]
    assert log(facts, "12:00", FIRST_REPLY)[-1] == ("cancelled", FIRST_REPLY, 1, "02 11:00", None, 2 * H, "breached")


def test_a_late_reply_is_logged_as_fulfilled_late_and_the_outcome_stays_breached() -> None:
    state = clocks.replay([*opened(), reply("10:20")], until=at("11:00"))
    fulfilled = [e for e in state.events if e.metric == FIRST_REPLY][-1]
    assert (fulfilled.type, fulfilled.late, fulfilled.outcome, fulfilled.elapsed) == (
        "fulfilled",
        True,
        "breached",
        4800,
    )


def test_a_reopen_carries_the_resolution_time_over_and_starts_a_next_reply() -> None:
    facts = [*opened(), reply("09:30"), status("10:00", "solved"), customer("11:00"), status("11:00", "open")]
    assert log(facts, "11:00", REQUESTER_WAIT) == [
        ("activated", REQUESTER_WAIT, 1, "02 09:00", "02 13:00", 0, ""),
        ("fulfilled", REQUESTER_WAIT, 1, "02 10:00", None, H, "achieved"),
        ("reactivated", REQUESTER_WAIT, 1, "02 11:00", "02 14:00", H, ""),
    ]
    assert log(facts, "11:00", NEXT_REPLY) == []  # no next-reply target in this rule: followed, not logged
    with_next = rule(first_reply=Target(H), next_reply=Target(2 * H))
    facts = [
        *opened(r=with_next),
        reply("09:30"),
        status("10:00", "solved"),
        customer("11:00"),
        status("11:00", "open"),
    ]
    assert log(facts, "11:00", NEXT_REPLY) == [("activated", NEXT_REPLY, 1, "02 11:00", "02 13:00", 0, "")]


def test_several_customer_comments_before_an_answer_are_one_next_reply_from_the_first() -> None:
    r = rule(next_reply=Target(2 * H))
    facts = [*opened(r=r), reply("09:10"), customer("09:30", 3), customer("10:00", 4), reply("10:15", 5)]
    assert log(facts, "12:00", NEXT_REPLY) == [
        ("activated", NEXT_REPLY, 1, "02 09:30", "02 11:30", 0, ""),
        ("fulfilled", NEXT_REPLY, 1, "02 10:15", None, 45 * 60, "achieved"),
    ]


def test_an_agent_opened_ticket_owes_no_first_reply_until_the_customer_writes() -> None:
    r = rule(first_reply=Target(H), next_reply=Target(2 * H))
    facts = [*opened(r=r, by_agent_publicly=True), customer("10:00")]
    assert log(facts, "10:30", FIRST_REPLY) == []
    assert log(facts, "10:30", NEXT_REPLY) == [("activated", NEXT_REPLY, 1, "02 10:00", "02 12:00", 0, "")]


def test_a_stricter_priority_already_past_breaches_at_the_change_never_before() -> None:
    urgent = rule("urgent", first_reply=Target(H // 2), requester_wait=Target(2 * H))
    facts = [*opened(), Applied(at("09:40"), urgent, reason="priority_change")]
    assert log(facts, "10:00", FIRST_REPLY) == [
        ("activated", FIRST_REPLY, 1, "02 09:00", "02 10:00", 0, ""),
        ("recalculated", FIRST_REPLY, 1, "02 09:40", "02 09:30", 40 * 60, ""),
        ("breached", FIRST_REPLY, 1, "02 09:40", None, 40 * 60, "breached"),
    ]
    events = clocks.replay(facts, until=at("10:00")).events
    recalculated = next(e for e in events if e.type == "recalculated" and e.metric == FIRST_REPLY)
    assert (recalculated.old_deadline, recalculated.priority, recalculated.target) == (at("10:00"), "urgent", 1800)


def test_a_breach_is_final_whatever_the_priority_becomes() -> None:
    low = rule("low", first_reply=Target(8 * H), requester_wait=Target(24 * H))
    facts = [*opened(), Applied(at("10:30"), low, reason="priority_change"), reply("11:00")]
    assert [e[0] for e in log(facts, "12:00", FIRST_REPLY)] == ["activated", "warned", "breached", "fulfilled"]
    assert log(facts, "12:00", REQUESTER_WAIT)[-1] == (
        "recalculated",
        REQUESTER_WAIT,
        1,
        "02 10:30",
        "03 09:00",
        5400,
        "",
    )


def test_a_target_added_later_counts_from_the_original_activation() -> None:
    none_yet = rule(requester_wait=Target(4 * H))
    facts = [*opened(r=none_yet), Applied(at("09:50"), STANDARD, reason="priority_change")]
    assert log(facts, "10:00", FIRST_REPLY) == [
        ("activated", FIRST_REPLY, 1, "02 09:50", "02 10:00", 50 * 60, ""),
        ("warned", FIRST_REPLY, 1, "02 09:50", "02 10:00", 50 * 60, ""),
        ("breached", FIRST_REPLY, 1, "02 10:00", None, H, "breached"),
    ]


def test_a_removed_target_cancels_the_clock() -> None:
    facts = [*opened(), Applied(at("09:10"), rule(requester_wait=Target(4 * H)), reason="priority_change")]
    assert log(facts, "12:00", FIRST_REPLY)[-1] == ("cancelled", FIRST_REPLY, 1, "02 09:10", None, 600, "cancelled")


def test_a_merge_cancels_every_clock() -> None:
    facts = [*opened(), Merged(at("09:05"))]
    assert {(e[0], e[1]) for e in log(facts, "12:00") if e[0] != "activated"} == {
        ("cancelled", FIRST_REPLY),
        ("cancelled", REQUESTER_WAIT),
        ("cancelled", AGENT_WORK),
    }


def test_a_warning_already_due_at_activation_fires_at_activation() -> None:
    r = rule(first_reply=Target(10 * 60, warn_before=900))
    assert log(opened(r=r), "09:05") == [
        ("activated", FIRST_REPLY, 1, "02 09:00", "02 09:10", 0, ""),
        ("warned", FIRST_REPLY, 1, "02 09:00", "02 09:10", 0, ""),
    ]


def test_a_later_replay_only_adds_events_and_next_due_is_the_next_timed_event() -> None:
    facts = [*opened(), reply("09:30"), status("10:00", "pending"), status("11:00", "open")]
    earlier = clocks.replay(facts, until=at("11:00"))
    later = clocks.replay(facts, until=at("18:00", 2) + timedelta(days=1))
    assert later.events[: len(earlier.events)] == earlier.events
    assert len(later.events) > len(earlier.events)
    assert clocks.next_due(earlier) == at("13:00")  # agent work: 3 h from 09:00, an hour paused, no warning


# --- properties ----------------------------------------------------------------------------------------------------

CATEGORIES = ("open", "pending", "on_hold", "solved")
START = at("09:00")
FULL = rule(
    first_reply=Target(H),
    next_reply=Target(2 * H),
    periodic_update=Target(3 * H),
    requester_wait=Target(6 * H),
    agent_work=Target(5 * H),
    total_resolution=Target(8 * H),
)


@st.composite
def histories(draw: st.DrawFn) -> list[clocks.Fact]:
    facts: list[clocks.Fact] = [Applied(START, FULL), Created(START, "new")]
    minutes = 0
    for number in range(draw(st.integers(0, 12))):
        minutes += draw(st.integers(0, 90))
        when = START + timedelta(minutes=minutes)
        kind = draw(st.sampled_from(("reply", "customer", "status")))
        if kind == "reply":
            facts.append(Comment(when, number, "agent", public=True))
        elif kind == "customer":
            facts.append(Comment(when, number, "end_user", public=True))
        else:
            facts.append(StatusChanged(when, draw(st.sampled_from(CATEGORIES))))
    return facts


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(0, 24 * 60), st.integers(0, 24 * 60))
def test_replaying_to_a_later_instant_only_adds_events(facts: list[clocks.Fact], a: int, b: int) -> None:
    first, second = sorted((START + timedelta(minutes=a), START + timedelta(minutes=b)))
    facts = [f for f in facts if f.at <= first]
    earlier, later = clocks.replay(facts, until=first).events, clocks.replay(facts, until=second).events
    assert later[: len(earlier)] == earlier
    assert all(e.at <= second for e in later)
    assert [e.at for e in later] == sorted(e.at for e in later)  # the log reads in time order


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(1, 600), st.integers(1, 600))
def test_a_pause_never_makes_a_clock_due_earlier(facts: list[clocks.Fact], offset: int, length: int) -> None:
    """Insert a pending spell into any history: no deadline of a clock still running after it moves earlier."""
    end = max(f.at for f in facts)
    pause = end + timedelta(minutes=offset)
    until = pause + timedelta(minutes=length)
    category = "open"
    for fact in facts:
        if isinstance(fact, StatusChanged):
            category = fact.category
    if category in ("solved", "pending"):
        return
    plain = clocks.replay(facts, until=until)
    paused = clocks.replay([*facts, StatusChanged(pause, "pending"), StatusChanged(until, category)], until=until)
    for one, other in zip(plain.instances, paused.instances, strict=True):
        before, after = plain.deadline(one), paused.deadline(other)
        if before is not None and after is not None:
            assert after >= before


# --- in business hours (opsdesk/sla/business_time.py) ----------------------------------------------------------------


def test_the_worked_example_of_metrics_in_business_hours() -> None:
    """METRICS.md §2.4: Mon–Fri 08–12 and 13–17, first reply within 2 business hours."""
    from zoneinfo import ZoneInfo

    from opsdesk.sla.business_time import Schedule

    helsinki = ZoneInfo("Europe/Helsinki")
    day = [(8 * 60, 12 * 60), (13 * 60, 17 * 60)]

    def deadline(created: datetime, holidays: tuple[datetime, ...] = ()) -> datetime | None:
        office = Schedule(tz=helsinki, weekly=[day] * 5 + [[], []], holidays=[h.date() for h in holidays])
        r = Rule("1@1", "normal", {FIRST_REPLY: Target(2 * H, business_hours=True)}, office, "1@1")
        state = clocks.replay([Applied(created, r), Created(created, "new")], until=created)
        return state.events[0].deadline

    friday = datetime(2026, 11, 6, 16, 30, tzinfo=helsinki)
    monday = datetime(2026, 11, 9, 9, 30, tzinfo=helsinki)
    assert deadline(friday) == monday
    assert deadline(friday, holidays=(monday,)) == datetime(2026, 11, 10, 9, 30, tzinfo=helsinki)
    assert deadline(datetime(2026, 11, 4, 12, 20, tzinfo=helsinki)) == datetime(2026, 11, 4, 15, 0, tzinfo=helsinki)
    # the clock counts only open time: 30 minutes on Friday, so the warning (15 minutes before) is Monday 09:15
    office = Schedule(tz=helsinki, weekly=[day] * 5 + [[], []])
    r = Rule("1@1", "normal", {FIRST_REPLY: Target(2 * H, business_hours=True)}, office, "1@1")
    state = clocks.replay(
        [Applied(friday, r), Created(friday, "new")], until=datetime(2026, 11, 9, 9, 20, tzinfo=helsinki)
    )
    assert [(e.type, e.elapsed) for e in state.events] == [("activated", 0), ("warned", 105 * 60)]
    assert state.events[1].at == datetime(2026, 11, 9, 9, 15, tzinfo=helsinki)
