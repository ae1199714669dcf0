"""Business time on hand-worked cases (METRICS.md §2.4) and hypothesis properties. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.sla.business_time import (
    SEGMENT_SECONDS,
    InvalidWindows,
    NoOpenTime,
    Schedule,
    check_windows,
    format_windows,
    is_valid_time_zone,
    local_to_utc,
    parse_minute,
    parse_windows,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
H = 3600
LUNCH_SPLIT = [(8 * 60, 12 * 60), (13 * 60, 17 * 60)]
WEEKDAYS_LUNCH = [LUNCH_SPLIT] * 5 + [[], []]


def local(tz: ZoneInfo, *args: int) -> datetime:
    return local_to_utc(tz, datetime(*args))  # type: ignore[arg-type]  # noqa: DTZ001 (a local wall time)


def office(tz: ZoneInfo = HELSINKI, **kwargs: object) -> Schedule:
    return Schedule(tz=tz, weekly=WEEKDAYS_LUNCH, **kwargs)  # type: ignore[arg-type]


# --- METRICS.md §2.4 worked example, exactly ---


def test_metrics_example_friday_afternoon_is_due_monday_morning() -> None:
    friday = local(HELSINKI, 2027, 1, 8, 16, 30)
    assert office().add_business_seconds(friday, 2 * H) == local(HELSINKI, 2027, 1, 11, 9, 30)


def test_metrics_example_monday_holiday_moves_it_to_tuesday() -> None:
    friday = local(HELSINKI, 2027, 1, 8, 16, 30)
    due = office(holidays=[date(2027, 1, 11)]).add_business_seconds(friday, 2 * H)
    assert due == local(HELSINKI, 2027, 1, 12, 9, 30)


def test_metrics_example_created_at_lunch_starts_at_one() -> None:
    created = local(HELSINKI, 2027, 1, 5, 12, 20)
    assert office().add_business_seconds(created, 2 * H) == local(HELSINKI, 2027, 1, 5, 15, 0)
    assert office().business_seconds(created, local(HELSINKI, 2027, 1, 5, 15, 0)) == 2 * H


def test_results_are_utc() -> None:
    due = office().add_business_seconds(local(HELSINKI, 2027, 1, 5, 12, 20), 2 * H)
    assert due.tzinfo is UTC
    assert due == datetime(2027, 1, 5, 13, 0, tzinfo=UTC)


# --- windows split by lunch, outside hours ---


def test_lunch_is_skipped() -> None:
    assert office().add_business_seconds(local(HELSINKI, 2027, 1, 5, 11, 30), H) == local(HELSINKI, 2027, 1, 5, 13, 30)
    assert office().business_seconds(local(HELSINKI, 2027, 1, 5, 11, 0), local(HELSINKI, 2027, 1, 5, 14, 0)) == 2 * H


def test_a_full_day_counts_eight_hours() -> None:
    assert office().business_seconds(local(HELSINKI, 2027, 1, 5, 0, 0), local(HELSINKI, 2027, 1, 6, 0, 0)) == 8 * H


def test_created_on_saturday_starts_accruing_on_monday() -> None:
    saturday = local(HELSINKI, 2027, 1, 9, 10, 0)
    assert office().add_business_seconds(saturday, 1800) == local(HELSINKI, 2027, 1, 11, 8, 30)
    assert office().business_seconds(saturday, local(HELSINKI, 2027, 1, 11, 8, 30)) == 1800


def test_created_before_opening_starts_at_opening() -> None:
    early = local(HELSINKI, 2027, 1, 5, 6, 0)
    assert office().add_business_seconds(early, 60) == local(HELSINKI, 2027, 1, 5, 8, 1)


def test_adding_zero_is_the_start_itself_even_when_closed() -> None:
    early = local(HELSINKI, 2027, 1, 5, 6, 0)
    assert office().add_business_seconds(early, 0) == early


def test_filling_a_window_exactly_ends_at_its_close_not_the_next_opening() -> None:
    start = local(HELSINKI, 2027, 1, 8, 16, 0)
    assert office().add_business_seconds(start, H) == local(HELSINKI, 2027, 1, 8, 17, 0)
    assert office().add_business_seconds(local(HELSINKI, 2027, 1, 5, 11, 0), H) == local(HELSINKI, 2027, 1, 5, 12, 0)


def test_end_before_start_measures_zero() -> None:
    assert office().business_seconds(local(HELSINKI, 2027, 1, 5, 14), local(HELSINKI, 2027, 1, 5, 10)) == 0


def test_several_weeks_are_added_without_stepping_days() -> None:
    monday = local(HELSINKI, 2027, 1, 4, 8, 0)
    due = office().add_business_seconds(monday, 5 * 5 * 8 * H)  # five full weeks
    assert due == local(HELSINKI, 2027, 2, 5, 17, 0)


def test_targets_longer_than_a_segment_cross_segments() -> None:
    start = local(HELSINKI, 2027, 1, 4, 8, 0)
    seconds = 3 * 52 * 40 * H  # about three years of 40-hour weeks
    due = office().add_business_seconds(start, seconds)
    assert office().business_seconds(start, due) == seconds
    assert due - start > timedelta(seconds=2 * SEGMENT_SECONDS)


# --- holidays ---


def test_good_friday_easter_monday_and_the_weekend_are_skipped_across_the_spring_change() -> None:
    holidays = [date(2027, 3, 26), date(2027, 3, 29)]  # Good Friday and Easter Monday; DST starts on Sunday 28th
    thursday = local(HELSINKI, 2027, 3, 25, 16, 0)
    due = office(holidays=holidays).add_business_seconds(thursday, 2 * H)
    assert due == local(HELSINKI, 2027, 3, 30, 9, 0)
    assert due == datetime(2027, 3, 30, 6, 0, tzinfo=UTC)  # EEST, +03:00
    assert thursday == datetime(2027, 3, 25, 14, 0, tzinfo=UTC)  # EET, +02:00


def test_a_holiday_on_a_friday_before_a_weekend() -> None:
    # Finnish Independence Day 2024 fell on a Friday.
    thursday = local(HELSINKI, 2024, 12, 5, 16, 30)
    due = office(holidays=[date(2024, 12, 6)]).add_business_seconds(thursday, 2 * H)
    assert due == local(HELSINKI, 2024, 12, 9, 9, 30)
    friday_to_monday = office(holidays=[date(2024, 12, 6)]).business_seconds(
        local(HELSINKI, 2024, 12, 6, 0, 0), local(HELSINKI, 2024, 12, 9, 0, 0)
    )
    assert friday_to_monday == 0


# --- exceptions ---


def test_an_extra_working_saturday() -> None:
    schedule = office(exceptions={date(2027, 1, 9): [(10 * 60, 14 * 60)]})
    friday = local(HELSINKI, 2027, 1, 8, 16, 30)
    assert schedule.add_business_seconds(friday, 2 * H) == local(HELSINKI, 2027, 1, 9, 11, 30)


def test_a_shortened_day_replaces_the_weekday_windows() -> None:
    schedule = office(exceptions={date(2027, 12, 24): [(8 * 60, 12 * 60)]})
    assert schedule.business_seconds(local(HELSINKI, 2027, 12, 24, 0), local(HELSINKI, 2027, 12, 25, 0)) == 4 * H
    assert schedule.add_business_seconds(local(HELSINKI, 2027, 12, 24, 11), 2 * H) == local(
        HELSINKI, 2027, 12, 27, 9, 0
    )


def test_an_exception_wins_over_a_holiday_on_the_same_date() -> None:
    day = date(2027, 1, 6)
    schedule = office(holidays=[day], exceptions={day: [(9 * 60, 10 * 60)]})
    assert schedule.windows_on(day) == ((540, 600),)
    assert schedule.business_seconds(local(HELSINKI, 2027, 1, 6, 0), local(HELSINKI, 2027, 1, 7, 0)) == H


# --- midnight, 24:00 and overnight windows ---


def test_a_window_ending_at_2400_and_an_overnight_span_entered_as_two_windows() -> None:
    evening, night = (20 * 60, 24 * 60), (0, 4 * 60)
    schedule = Schedule(tz=HELSINKI, weekly=[[evening], [night], [], [], [], [], []])
    monday_23 = local(HELSINKI, 2027, 1, 4, 23, 0)
    assert schedule.add_business_seconds(monday_23, 2 * H) == local(HELSINKI, 2027, 1, 5, 1, 0)
    assert schedule.business_seconds(local(HELSINKI, 2027, 1, 4, 19), local(HELSINKI, 2027, 1, 5, 5)) == 8 * H
    assert schedule.open_intervals(local(HELSINKI, 2027, 1, 4), local(HELSINKI, 2027, 1, 6)) == [
        (local(HELSINKI, 2027, 1, 4, 20), local(HELSINKI, 2027, 1, 5, 4))
    ]


def test_the_last_second_before_midnight_and_midnight_itself() -> None:
    schedule = Schedule(tz=HELSINKI, weekly=[[(0, 1440)]] * 7)
    assert schedule.is_open(local(HELSINKI, 2027, 1, 4, 23, 59, 59))
    assert schedule.is_open(local(HELSINKI, 2027, 1, 5, 0, 0))
    assert not office().is_open(local(HELSINKI, 2027, 1, 5, 17, 0))
    assert office().is_open(local(HELSINKI, 2027, 1, 5, 16, 59, 59))


# --- DST, Europe/Helsinki (2027: forward on 28 March 03:00→04:00, back on 31 October 04:00→03:00) ---


def test_helsinki_all_day_window_lasts_23_hours_on_the_spring_sunday_and_25_in_autumn() -> None:
    schedule = Schedule(tz=HELSINKI, weekly=[[(0, 1440)]] * 7)
    assert schedule.business_seconds(local(HELSINKI, 2027, 3, 28), local(HELSINKI, 2027, 3, 29)) == 23 * H
    assert schedule.business_seconds(local(HELSINKI, 2027, 10, 31), local(HELSINKI, 2027, 11, 1)) == 25 * H


def test_helsinki_window_lengths_are_real_utc_time() -> None:
    sunday = [[], [], [], [], [], [], [(2 * 60, 5 * 60)]]
    schedule = Schedule(tz=HELSINKI, weekly=sunday)
    assert schedule.business_seconds(local(HELSINKI, 2027, 3, 28), local(HELSINKI, 2027, 3, 29)) == 2 * H
    assert schedule.business_seconds(local(HELSINKI, 2027, 10, 31), local(HELSINKI, 2027, 11, 1)) == 4 * H
    assert schedule.business_seconds(local(HELSINKI, 2027, 3, 21), local(HELSINKI, 2027, 3, 22)) == 3 * H


def test_helsinki_window_inside_the_spring_gap_is_empty() -> None:
    schedule = Schedule(tz=HELSINKI, weekly=[[(3 * 60, 3 * 60 + 30)]] * 7)
    assert schedule.business_seconds(local(HELSINKI, 2027, 3, 28), local(HELSINKI, 2027, 3, 29)) == 0
    assert schedule.business_seconds(local(HELSINKI, 2027, 3, 27), local(HELSINKI, 2027, 3, 28)) == 1800


def test_helsinki_gap_time_moves_forward_and_ambiguous_time_is_the_first() -> None:
    assert local(HELSINKI, 2027, 3, 28, 3, 30) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 04:00 EEST
    assert local(HELSINKI, 2027, 10, 31, 3, 30) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 03:30 EEST
    assert local(HELSINKI, 2027, 10, 31, 4, 0) == datetime(2027, 10, 31, 2, 0, tzinfo=UTC)  # 04:00 EET


def test_helsinki_deadline_across_the_autumn_change() -> None:
    friday = local(HELSINKI, 2027, 10, 29, 16, 30)  # EEST
    due = office().add_business_seconds(friday, 2 * H)
    assert due == local(HELSINKI, 2027, 11, 1, 9, 30)  # EET
    assert due - friday == timedelta(hours=65, minutes=0) + timedelta(hours=1)


# --- DST, America/New_York (2027: forward on 14 March 02:00→03:00, back on 7 November 02:00→01:00) ---


def test_new_york_deadline_across_the_spring_change() -> None:
    friday = local(NEW_YORK, 2027, 3, 12, 16, 0)  # EST, -05:00
    due = office(NEW_YORK).add_business_seconds(friday, 2 * H)
    assert due == local(NEW_YORK, 2027, 3, 15, 9, 0)  # EDT, -04:00
    assert due == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
    assert friday == datetime(2027, 3, 12, 21, 0, tzinfo=UTC)


def test_new_york_all_day_lengths_and_local_times() -> None:
    schedule = Schedule(tz=NEW_YORK, weekly=[[(0, 1440)]] * 7)
    assert schedule.business_seconds(local(NEW_YORK, 2027, 3, 14), local(NEW_YORK, 2027, 3, 15)) == 23 * H
    assert schedule.business_seconds(local(NEW_YORK, 2027, 11, 7), local(NEW_YORK, 2027, 11, 8)) == 25 * H
    assert local(NEW_YORK, 2027, 3, 14, 2, 30) == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)  # → 03:00 EDT
    assert local(NEW_YORK, 2027, 11, 7, 1, 30) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # first 01:30 (EDT)


def test_new_york_night_window_across_the_autumn_change() -> None:
    schedule = Schedule(tz=NEW_YORK, weekly=[[(0, 3 * 60)]] * 7)  # 00:00–03:00
    assert schedule.business_seconds(local(NEW_YORK, 2027, 11, 7), local(NEW_YORK, 2027, 11, 8)) == 4 * H
    assert schedule.business_seconds(local(NEW_YORK, 2027, 3, 14), local(NEW_YORK, 2027, 3, 15)) == 2 * H


# --- 24/7, empty calendars, bad input ---


def test_always_open_counts_every_real_second() -> None:
    schedule = Schedule(tz=HELSINKI, always_open=True)
    start = local(HELSINKI, 2027, 3, 27, 12)
    assert schedule.add_business_seconds(start, 24 * H) == local(HELSINKI, 2027, 3, 28, 13)  # DST: 24 h real time
    assert schedule.business_seconds(start, local(HELSINKI, 2027, 3, 28, 12)) == 23 * H


def test_always_open_ignores_holidays() -> None:
    schedule = Schedule(tz=HELSINKI, always_open=True, holidays=[date(2027, 1, 6)])
    assert schedule.business_seconds(local(HELSINKI, 2027, 1, 6), local(HELSINKI, 2027, 1, 7)) == 24 * H


def test_a_calendar_without_windows_refuses_to_add_and_measures_zero() -> None:
    schedule = Schedule(tz=HELSINKI)
    with pytest.raises(NoOpenTime):
        schedule.add_business_seconds(local(HELSINKI, 2027, 1, 4), 60)
    assert schedule.business_seconds(local(HELSINKI, 2027, 1, 4), local(HELSINKI, 2028, 1, 4)) == 0


def test_years_of_holidays_end_with_no_open_time_instead_of_looping() -> None:
    every_day = [date(2027, 1, 1) + timedelta(days=n) for n in range(365 * 5)]
    with pytest.raises(NoOpenTime):
        office(holidays=every_day).add_business_seconds(local(HELSINKI, 2027, 1, 4), 60)


def test_only_an_exception_far_ahead_is_found() -> None:
    schedule = Schedule(tz=HELSINKI, exceptions={date(2028, 6, 1): [(600, 660)]})
    assert schedule.add_business_seconds(local(HELSINKI, 2027, 1, 4), 60) == local(HELSINKI, 2028, 6, 1, 10, 1)


def test_naive_datetimes_and_negative_seconds_are_refused() -> None:
    with pytest.raises(ValueError):
        office().business_seconds(datetime(2027, 1, 4), datetime(2027, 1, 5))  # noqa: DTZ001
    with pytest.raises(ValueError):
        office().add_business_seconds(local(HELSINKI, 2027, 1, 4), -1)


def test_sub_second_parts_are_dropped() -> None:
    start = local(HELSINKI, 2027, 1, 5, 9) + timedelta(microseconds=700_000)
    assert office().add_business_seconds(start, 60) == local(HELSINKI, 2027, 1, 5, 9, 1)


def test_key_names_what_it_was_built_from() -> None:
    assert office(key=(3, 7)).key == (3, 7)


# --- windows as text ---


def test_parse_windows_reads_the_usual_ways_of_typing_hours() -> None:
    assert parse_windows("08:00–12:00, 13:00–17:00") == LUNCH_SPLIT
    assert parse_windows("13-17; 8-12") == LUNCH_SPLIT
    assert parse_windows("8.30 - 12") == [(510, 720)]
    assert parse_windows("20:00-24:00") == [(1200, 1440)]
    assert parse_windows("  ") == []
    assert format_windows(LUNCH_SPLIT) == "08:00–12:00, 13:00–17:00"
    assert parse_minute("24:00") == 1440


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("9-", "format"),
        ("nine to five", "format"),
        ("25:00-26:00", "format"),
        ("08:61-09:00", "format"),
        ("12:00-08:00", "order"),
        ("10:00-10:00", "order"),
        ("08:00-12:00, 11:00-13:00", "overlap"),
    ],
)
def test_parse_windows_refuses_bad_hours(text: str, code: str) -> None:
    with pytest.raises(InvalidWindows) as caught:
        parse_windows(text)
    assert caught.value.code == code


def test_check_windows_refuses_minutes_outside_the_day() -> None:
    with pytest.raises(InvalidWindows) as caught:
        check_windows([(0, 1441)])
    assert caught.value.code == "range"
    assert check_windows([(780, 1020), (480, 720), (720, 780)]) == [(480, 720), (720, 780), (780, 1020)]


def test_time_zone_names() -> None:
    assert is_valid_time_zone("Europe/Helsinki")
    assert is_valid_time_zone("UTC")
    for bad in ("", "Europe/Nowhere", "../etc/passwd", "/etc/localtime", " Europe/Helsinki"):
        assert not is_valid_time_zone(bad)


# --- properties ---

ZONES = ["Europe/Helsinki", "America/New_York", "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns"]
LOW = datetime(2026, 1, 1, tzinfo=UTC)
HIGH = datetime(2029, 1, 1, tzinfo=UTC)


@st.composite
def day_windows(draw: st.DrawFn) -> list[tuple[int, int]]:
    cuts = sorted(set(draw(st.lists(st.integers(0, 96), max_size=6))))
    cuts = [c * 15 for c in cuts]
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    weekly = [draw(day_windows()) for _ in range(7)]
    if not any(weekly):
        weekly[draw(st.integers(0, 6))] = [(9 * 60, 17 * 60)]
    holidays = draw(st.lists(st.dates(date(2026, 1, 1), date(2028, 12, 31)), max_size=30))
    exceptions = draw(
        st.dictionaries(st.dates(date(2026, 1, 1), date(2028, 12, 31)), day_windows().filter(bool), max_size=5)
    )
    return Schedule(
        tz=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        holidays=holidays,
        exceptions=exceptions,
        always_open=draw(st.integers(0, 9)) == 0,
    )


instants = st.integers(int(LOW.timestamp()), int(HIGH.timestamp())).map(lambda t: datetime.fromtimestamp(t, UTC))
amounts = st.integers(0, 40 * 24 * 3600)


def reference_seconds(schedule: Schedule, start: datetime, end: datetime) -> int:
    """Independent of the segments: each local date's windows, converted one by one and intersected."""
    if schedule.always_open:
        return max(0, int((end - start).total_seconds()))
    total = 0
    day = start.astimezone(schedule.tz).date() - timedelta(days=1)
    while day <= end.astimezone(schedule.tz).date() + timedelta(days=1):
        for a, b in schedule.windows_on(day):
            opens = local_to_utc(schedule.tz, datetime(day.year, day.month, day.day) + timedelta(minutes=a))  # noqa: DTZ001
            closes = local_to_utc(schedule.tz, datetime(day.year, day.month, day.day) + timedelta(minutes=b))  # noqa: DTZ001
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(0, int(overlap))
        day += timedelta(days=1)
    return total


@settings(max_examples=120, deadline=None)
@given(schedules(), instants, amounts)
def test_adding_then_measuring_round_trips(schedule: Schedule, start: datetime, seconds: int) -> None:
    due = schedule.add_business_seconds(start, seconds)
    assert schedule.business_seconds(start, due) == seconds
    assert due >= start


@settings(max_examples=120, deadline=None)
@given(schedules(), instants, amounts, amounts)
def test_adding_is_monotonic(schedule: Schedule, start: datetime, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert schedule.add_business_seconds(start, low) <= schedule.add_business_seconds(start, high)


@settings(max_examples=120, deadline=None)
@given(schedules(), instants, st.integers(1, 40 * 24 * 3600))
def test_a_deadline_is_inside_an_open_window_or_at_its_end(schedule: Schedule, start: datetime, seconds: int) -> None:
    due = schedule.add_business_seconds(start, seconds)
    assert schedule.is_open(due - timedelta(seconds=1))


@settings(max_examples=80, deadline=None)
@given(schedules(), instants, st.integers(0, 20 * 24 * 3600))
def test_measuring_matches_a_day_by_day_reference(schedule: Schedule, start: datetime, span: int) -> None:
    end = start + timedelta(seconds=span)
    assert schedule.business_seconds(start, end) == reference_seconds(schedule, start, end)


@settings(max_examples=80, deadline=None)
@given(schedules(), instants, amounts, amounts)
def test_measuring_adds_up_over_a_split(schedule: Schedule, start: datetime, a: int, b: int) -> None:
    middle, end = start + timedelta(seconds=a), start + timedelta(seconds=a + b)
    whole = schedule.business_seconds(start, end)
    assert whole == schedule.business_seconds(start, middle) + schedule.business_seconds(middle, end)


def test_a_deadline_past_the_year_9999_is_no_open_time_not_a_crash() -> None:
    one_minute_a_week = Schedule(tz=HELSINKI, weekly=[[(600, 601)], [], [], [], [], [], []])
    start = local(HELSINKI, 9990, 1, 8)  # a Monday
    assert one_minute_a_week.add_business_seconds(start, 60) == local(HELSINKI, 9990, 1, 8, 10, 1)
    with pytest.raises(NoOpenTime):
        one_minute_a_week.add_business_seconds(start, 60 * 53 * 20)  # twenty years of one minute a week
