"""Schedule arithmetic and actions (METRICS §6.5): a shift's blocks, coverage by interval, adherence with the grace
period at activity boundaries and across a DST change, conformance, overlapping shifts and time off refused, a
rotation placed whole or not at all, publishing with a mail in the agent's language and zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.workforce import schedule
from opsdesk.workforce.actions import schedules
from opsdesk.workforce.models import Shift, ShiftActivity, TimeOff

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 08:00 in Helsinki


def wall(text: str) -> datetime:
    """A wall-clock time as a person types it (no zone)."""
    return datetime.fromisoformat(text)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_shift_is_work_around_its_activities() -> None:
    found = schedule.blocks(at(0), at(480), [("lunch", at(240), at(270)), ("break", at(120), at(135))])
    assert [(b.activity, (b.start - T0).seconds // 60, (b.end - T0).seconds // 60) for b in found] == [
        ("work", 0, 120),
        ("break", 120, 135),
        ("work", 135, 240),
        ("lunch", 240, 270),
        ("work", 270, 480),
    ]


def test_activities_inside_a_template_are_checked() -> None:
    assert schedule.check_activities(480, [{"activity": "lunch", "offset": 240, "minutes": 30}])[0]["offset"] == 240
    for bad in (
        [{"activity": "nap", "offset": 0, "minutes": 10}],
        [{"activity": "break", "offset": 470, "minutes": 15}],
        [{"activity": "break", "offset": 60, "minutes": 30}, {"activity": "lunch", "offset": 80, "minutes": 30}],
        [{"activity": "break", "offset": -5, "minutes": 10}],
    ):
        with pytest.raises(ActionError) as refused:
            schedule.check_activities(480, bad)
        assert refused.value.field == "activities"


def test_coverage_counts_the_covered_share_of_each_interval() -> None:
    work = [(at(0), at(90)), (at(15), at(60))]
    gaps = [(at(30), at(45))]  # the first agent's break
    found = schedule.coverage(work, gaps, start=T0, intervals=4, interval_minutes=30)
    assert found == [1.5, 1.5, 1.0, 0.0]


def test_adherence_gives_grace_at_each_boundary_and_conformance_ignores_timing() -> None:
    planned = schedule.blocks(at(0), at(120), [("break", at(60), at(75))])  # work 60, break 15, work 45
    states = [
        ("available", at(0.5), at(61)),  # 30 s late at the start (graced), 1 min late to the break (graced)
        ("break", at(61), at(77)),  # 2 min late back: 1 min graced, 1 min out of adherence
        ("on_contact", at(77), at(120)),
    ]
    adherence, conformance = schedule.adherence(planned, states, grace_seconds=60)
    assert adherence == pytest.approx((120 * 60 - 60) / (120 * 60))
    assert conformance == pytest.approx((60.5 + 43) / 105)


def test_adherence_without_grace_counts_every_second_out_of_state() -> None:
    planned = schedule.blocks(at(0), at(60), [])
    states = [("offline", at(0), at(10)), ("available", at(10), at(60))]
    assert schedule.adherence(planned, states, grace_seconds=0) == pytest.approx((50 / 60, 50 / 60))
    assert schedule.adherence([], states) == (None, None)


def test_adherence_across_the_autumn_change_counts_real_seconds() -> None:
    # Helsinki, 25 Oct 2026: 00:00–06:00 local is 7 real hours (03:00–04:00 happens twice)
    start = schedule.shift_at(date(2026, 10, 25), 0, "Europe/Helsinki")
    end = schedule.shift_at(date(2026, 10, 25), 360, "Europe/Helsinki")
    assert (end - start) == timedelta(hours=7)
    planned = schedule.blocks(start, end, [])
    states = [("available", start, start + timedelta(hours=6))]  # left at what the wall clock called 05:00
    adherence, conformance = schedule.adherence(planned, states, grace_seconds=60)
    assert adherence == pytest.approx((6 * 3600) / (7 * 3600))
    assert conformance == pytest.approx(6 / 7)


def test_typed_local_times_the_clocks_skip_or_repeat_are_refused() -> None:
    zone = "Europe/Helsinki"
    assert schedule.typed_local(wall("2026-03-29T02:30"), zone, field="start") == datetime(
        2026, 3, 29, 0, 30, tzinfo=UTC
    )
    with pytest.raises(ActionError) as skipped:
        schedule.typed_local(wall("2026-03-29T03:30"), zone, field="start")  # 03:00–04:00 does not exist
    assert skipped.value.field == "start" and "does not exist" in skipped.value.message
    with pytest.raises(ActionError) as twice:
        schedule.typed_local(wall("2026-10-25T03:30"), zone, field="end")
    assert twice.value.field == "end" and "twice" in twice.value.message


def template(world: Any, name: str = "Morning", start_minute: int = 480, minutes: int = 480) -> Any:
    return schedules.save_template(
        None,
        name=name,
        start_minute=start_minute,
        minutes=minutes,
        activities=[{"activity": "lunch", "offset": 240, "minutes": 30}],
        actor=world.manager,
    )


def test_a_shift_is_placed_in_the_agents_zone_and_an_overlap_is_refused(world: Any) -> None:
    world.agent.time_zone = "Europe/Athens"
    world.agent.save(update_fields=["time_zone"])
    morning = template(world)
    shift = schedules.place_shift(world.agent, day=date(2026, 12, 1), template=morning, actor=world.manager)
    assert (shift.start, shift.end) == (
        datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
    )
    lunch = ShiftActivity.objects.get(shift=shift)
    assert (lunch.activity, lunch.start) == ("lunch", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    late = template(world, "Late", start_minute=720)
    with pytest.raises(ActionError) as refused:
        schedules.place_shift(world.agent, day=date(2026, 12, 1), template=late, actor=world.manager)
    assert refused.value.field == "start" and "already has a shift" in refused.value.message
    assert Shift.objects.count() == 1


def test_a_rotation_is_placed_whole_or_not_at_all(world: Any) -> None:
    morning = template(world)
    rotation = schedules.save_rotation(name="Weekdays", weeks=[[morning.pk] * 5 + [None, None]], actor=world.manager)
    made = schedules.apply_rotation(
        rotation, agents=[world.agent, world.other_agent], first_monday=date(2026, 11, 30), weeks=2, actor=world.manager
    )
    assert len(made) == 20
    clash = schedules.place_shift(world.lead, day=date(2026, 12, 9), template=morning, actor=world.manager)
    with pytest.raises(ActionError):
        schedules.apply_rotation(
            rotation, agents=[world.agent, world.lead], first_monday=date(2026, 12, 7), weeks=1, actor=world.manager
        )
    assert Shift.objects.count() == 21 and Shift.objects.filter(pk=clash.pk).exists()
    with pytest.raises(ActionError) as not_monday:
        schedules.apply_rotation(
            rotation, agents=[world.agent], first_monday=date(2026, 12, 8), weeks=1, actor=world.manager
        )
    assert not_monday.value.field == "first_monday"


def test_publishing_mails_each_agent_their_shifts_in_their_language_and_zone(world: Any) -> None:
    world.other_agent.language, world.other_agent.time_zone = "fi", "Europe/Helsinki"
    world.other_agent.save(update_fields=["language", "time_zone"])
    morning = template(world)
    schedules.place_shift(world.other_agent, day=date(2026, 12, 1), template=morning, actor=world.manager)
    published = schedules.publish(
        [world.other_agent, world.agent],
        start=datetime(2026, 11, 30, tzinfo=UTC),
        end=datetime(2026, 12, 7, tzinfo=UTC),
        actor=world.manager,
    )
    assert published == 1
    assert Shift.objects.filter(published_at__isnull=False).count() == 1
    from opsdesk.core.models import OutgoingMail

    sent = OutgoingMail.objects.get(kind="workforce.schedule_published")
    assert sent.recipients == [world.other_agent.email] and sent.language == "fi"
    assert "08:00–16:00" in sent.body_text and "Europe/Helsinki" in sent.body_text
    assert OutgoingMail.objects.filter(kind="workforce.schedule_published").count() == 1  # nothing new for the other


def test_time_off_is_asked_in_local_time_and_decided_by_another_planner(world: Any) -> None:
    request = schedules.request_time_off(
        world.agent,
        start=wall("2026-10-24T08:00"),
        end=wall("2026-10-26T08:00"),
        reason="Family",
        actor=world.agent,
    )
    assert request.end - request.start == timedelta(hours=49)  # across the autumn change: one hour longer
    with pytest.raises(ActionError) as again:
        schedules.request_time_off(
            world.agent,
            start=wall("2026-10-25T10:00"),
            end=wall("2026-10-25T12:00"),
            reason="",
            actor=world.agent,
        )
    assert again.value.field == "start"
    with pytest.raises(ActionError) as backwards:
        schedules.request_time_off(
            world.agent,
            start=wall("2026-11-02T10:00"),
            end=wall("2026-11-02T09:00"),
            reason="",
            actor=world.agent,
        )
    assert backwards.value.field == "end"
    with pytest.raises(ActionError):
        schedules.request_time_off(
            world.other_agent,
            start=wall("2026-11-02T10:00"),
            end=wall("2026-11-03T00:00"),
            reason="",
            actor=world.agent,
        )
    decided = schedules.decide_time_off(request, approve=True, actor=world.manager)
    assert (decided.state, decided.decided_by) == ("approved", world.manager)
    with pytest.raises(ActionError):
        schedules.decide_time_off(request, approve=False, actor=world.admin)
    assert TimeOff.objects.get().state == "approved"


def test_only_planners_place_shifts(world: Any) -> None:
    morning = template(world)
    for user in (world.agent, world.lead):
        with pytest.raises(Exception):  # noqa: B017,PT011 - PermissionDenied from require()
            schedules.place_shift(world.agent, day=date(2026, 12, 1), template=morning, actor=user)
    assert not User.objects.filter(shifts__isnull=False).exists()
