"""The report of a cut as data, XLSX and CSV, with exact contents, on the small desk of tests/desk.py."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from opsdesk.analytics import cuts, report, rollups, sketch, spreadsheets
from opsdesk.analytics.models import Goal
from opsdesk.analytics.query import Cut
from opsdesk.analytics.tests import desk

# The rollups' medians are read back from their sketch buckets (analytics/sketch.py): within 2 % of a real value.
TWO_H = sketch.bucket_value(sketch.bucket(7200))


def between(low: int, high: int, q: float) -> float:
    """The q-quantile of two values as the sketches give it: type 7 between their bucket values."""
    a, b = sketch.bucket_value(sketch.bucket(low)), sketch.bucket_value(sketch.bucket(high))
    return a + q * (b - a)


FRT = between(1800, 7200, 0.5)  # A's first reply after 30 min, B's after 2 h
FRT_P90 = between(1800, 7200, 0.9)
RES = between(7200, 90000, 0.5)  # B solved after 2 h, A after a day and an hour
RES_P90 = between(7200, 90000, 0.9)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A date as a spreadsheet cell holds it: without a zone."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).replace(tzinfo=None)


def hms(seconds: float) -> timedelta:
    """A duration cell as openpyxl reads it back: Excel time in whole seconds, as a timedelta."""
    return timedelta(seconds=round(seconds))


def week_request(**where: Any) -> cuts.Request:
    cut = Cut(desk.WEEK, rollups.Where(**where))
    return cuts.Request(cut, cut.with_period(desk.WEEK.previous()), "custom", "previous")


@pytest.fixture
def built(world: Any) -> dict[str, Any]:
    return desk.build(world)


def test_the_report_rows_have_values_comparisons_changes_and_n(world: Any, built: dict[str, Any]) -> None:
    found = report.build(week_request(), title="Weekly report")
    rows = {row.kpi.key: row for row in found.rows}
    assert [row.kpi.key for row in found.rows][:3] == ["created", "solved", "backlog"]
    created = rows["created"]
    assert (created.value, created.compare, created.change, created.n) == (3, 0, 3, 3)
    assert (created.value_text, created.compare_text, created.change_text, created.better) == ("3", "0", "+3", None)
    assert rows["solved"].better is True  # more tickets coming in is no better nor worse; more solved is better
    backlog = rows["backlog"]
    assert (backlog.value, backlog.change_text, backlog.better) == (1, "+1", False)  # a growing backlog is worse
    frt = rows["frt"]
    assert (frt.value, frt.n, frt.mean, frt.p90) == (FRT, 2, 4500.0, FRT_P90)
    assert (frt.value_text, frt.compare, frt.compare_text, frt.change_text) == ("1 h 16 min", None, "—", "")
    assert rows["first_resolution"].value_text == "2 h 2 min"
    one_touch = rows["one_touch"]
    assert (one_touch.value, one_touch.value_text, one_touch.n) == (50.0, "50.0 %", 2)
    assert (rows["sla_attainment"].value, rows["sla_attainment"].value_text) == (None, "—")
    assert found.period_text == "1 Mar 2027 – 7 Mar 2027"
    assert found.compare_text == "22 Feb 2027 – 28 Feb 2027"
    assert found.scope_text == "Whole desk"
    assert found.title == "Weekly report"


def test_the_daily_table_and_its_totals(world: Any, built: dict[str, Any]) -> None:
    days = report.build(week_request()).days
    assert [day for day, _values in days.rows] == desk.WEEK.each_day()
    monday, tuesday = days.rows[0][1], days.rows[1][1]
    assert (monday["created"], monday["solved"], monday["backlog"], monday["replies"]) == (3, 2, 1, 2)
    assert (tuesday["created"], tuesday["solved"], tuesday["backlog"], tuesday["replies"]) == (0, 1, 1, 1)
    assert (monday["frt.median"], monday["frt.mean"], monday["frt.n"]) == (FRT, 4500.0, 2)
    assert (tuesday["frt.median"], tuesday["frt.mean"], tuesday["frt.n"]) == (None, None, 0)
    assert (monday["one_touch.numerator"], monday["one_touch.denominator"], monday["one_touch.percent"]) == (
        1,
        1,
        100.0,
    )
    assert (tuesday["one_touch.numerator"], tuesday["one_touch.denominator"], tuesday["one_touch.percent"]) == (
        0,
        1,
        0.0,
    )
    assert [values["backlog"] for _day, values in days.rows] == [1] * 7
    totals = days.totals
    assert (totals["created"], totals["solved"], totals["backlog"], totals["replies"]) == (3, 3, 1, 3)
    assert (totals["one_touch.numerator"], totals["one_touch.denominator"], totals["one_touch.percent"]) == (1, 2, 50.0)
    assert (totals["resolution.median"], totals["resolution.mean"], totals["resolution.n"]) == (RES, 48600.0, 2)


def test_teams_only_in_the_desk_wide_report(world: Any, built: dict[str, Any]) -> None:
    desk_wide = report.build(week_request())
    assert desk_wide.teams is not None
    assert [(name, v["created"], v["solved"], v["backlog"], v["frt"]) for name, v in desk_wide.teams.rows] == [
        ("Billing", 1, 0, 1, None),
        ("Support", 2, 3, 0, FRT),
    ]
    team = report.build(week_request(team=world.support.pk))
    assert team.teams is None
    assert team.scope_text == "Team: Support"
    assert {row.kpi.key: row.value for row in team.rows}["created"] == 2


def test_a_goal_shows_its_target_and_status(world: Any, built: dict[str, Any]) -> None:
    Goal.objects.create(kpi="frt", start=date(2027, 3, 1), end=date(2027, 3, 31), target=3600)
    Goal.objects.create(kpi="created", team=world.billing, start=date(2027, 3, 1), end=date(2027, 3, 31), target=1)
    rows = {row.kpi.key: row for row in report.build(week_request()).rows}
    goal = rows["frt"].goal
    assert goal is not None
    assert (goal.target, goal.target_text, goal.status, goal.status_label) == (
        3600,
        "≤ 1 h 0 min",
        "at_risk",
        "At risk",
    )
    assert rows["created"].goal is None  # the team's goal is not the desk's
    billing = {row.kpi.key: row for row in report.build(week_request(team=world.billing.pk)).rows}
    assert billing["created"].goal is not None and billing["created"].goal.target_text == "≥ 1"
    assert billing["frt"].goal is None


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def test_the_xlsx_holds_numbers_with_formats_and_formulas(world: Any, built: dict[str, Any]) -> None:
    Goal.objects.create(kpi="frt", start=date(2027, 3, 1), end=date(2027, 3, 31), target=3600)
    book = _book(spreadsheets.to_xlsx(report.build(week_request(), title="Weekly report")))
    assert book.sheetnames == ["Summary", "Daily", "Teams"]
    summary = book["Summary"]
    assert [summary.cell(row=r, column=1).value for r in range(1, 7)] == [
        "Weekly report",
        "Period",
        "Compared with",
        "Showing",
        "Time zone",
        "Durations",
    ]
    assert [summary.cell(row=r, column=2).value for r in range(2, 7)] == [
        "1 Mar 2027 – 7 Mar 2027",
        "22 Feb 2027 – 28 Feb 2027",
        "Whole desk",
        "Europe/Helsinki",
        "Calendar time",
    ]
    assert [c.value for c in summary[8]] == [
        "KPI",
        "Value",
        "Compared with",
        "Change",
        "n",
        "n before",
        "90th percentile",
        "Mean",
        "Goal",
        "Goal status",
    ]
    assert [c.value for c in summary[9]] == ["Tickets created", 3, 0, "=B9-C9", 3, 0, None, None, None, None]
    assert summary["D9"].data_type == "f" and summary["D9"].number_format == "+#,##0;-#,##0;0"
    assert summary["B9"].number_format == "#,##0"
    frt = [c.value for c in summary[12]]
    assert frt == ["First response time", hms(FRT), None, None, 2, 0, hms(FRT_P90), hms(4500), hms(3600), "At risk"]
    assert summary["B12"].number_format == "[h]:mm:ss"
    assert summary["I12"].number_format == '"≤ "[h]:mm:ss'
    assert [c.value for c in summary[17]][:5] == ["One-touch resolution", 0.5, None, None, 2]
    assert summary["B17"].number_format == "0.0%"
    assert summary["A20"].value == "Public replies" and summary["A21"].value is None

    daily = book["Daily"]
    header = [c.value for c in daily[1]]
    assert header[:8] == [
        "Day",
        "Tickets created",
        "Tickets solved",
        "Backlog at the day's end",
        "First response time, median",
        "First response time, mean",
        "First response time, n",
        "First resolution time, median",
    ]
    assert header[19:] == [
        "One-touch resolution, counted",
        "One-touch resolution, out of",
        "One-touch resolution",
        "Reopen rate, counted",
        "Reopen rate, out of",
        "Reopen rate",
        "SLA attainment, counted",
        "SLA attainment, out of",
        "SLA attainment",
        "Public replies",
    ]
    assert [c.value for c in daily[2]][:7] == [local(2027, 3, 1), 3, 2, 1, hms(FRT), hms(4500), 2]
    assert daily["A2"].number_format == "yyyy-mm-dd" and daily["E2"].number_format == "[h]:mm:ss"
    assert [c.value for c in daily[3]][:7] == [local(2027, 3, 2), 0, 1, 1, None, None, 0]
    assert daily["V2"].value == '=IF(U2=0,"",T2/U2)' and daily["V2"].number_format == "0.0%"
    assert (daily["T2"].value, daily["U2"].value) == (1, 1)
    assert daily["A8"].value == local(2027, 3, 7)
    # the totals row: formulas a spreadsheet recomputes, and the period's own median
    assert daily["A9"].value == "Total"
    assert daily["B9"].value == "=SUM(B2:B8)" and daily["B9"].data_type == "f"
    assert daily["C9"].value == "=SUM(C2:C8)"
    assert daily["D9"].value == "=D8"  # the backlog at the period's end
    assert daily["E9"].value == hms(FRT) and daily["E9"].data_type == "d"  # a value, not a formula
    assert daily["F9"].value == '=IF(SUM(G2:G8)=0,"",SUMPRODUCT(F2:F8,G2:G8)/SUM(G2:G8))'
    assert daily["G9"].value == "=SUM(G2:G8)"
    assert daily["V9"].value == '=IF(SUM(U2:U8)=0,"",SUM(T2:T8)/SUM(U2:U8))'
    assert daily["AC9"].value == "=SUM(AC2:AC8)"
    assert daily.max_row == 9

    teams = book["Teams"]
    assert [c.value for c in teams[1]][:4] == ["Team", "Tickets created", "Tickets solved", "Backlog"]
    assert [c.value for c in teams[2]][:5] == ["Billing", 1, 0, 1, None]
    assert [c.value for c in teams[3]][:5] == ["Support", 2, 3, 0, hms(FRT)]


def test_the_csv_has_the_same_tables(world: Any, built: dict[str, Any]) -> None:
    text = spreadsheets.to_csv(report.build(week_request(), title="Weekly report"))
    assert text.startswith("\ufeffWeekly report\r\n")
    lines = text[1:].split("\r\n")
    assert lines[1:7] == [
        "Period,2027-03-01,2027-03-07",
        "Compared with,2027-02-22,2027-02-28",
        "Showing,Whole desk",
        "Time zone,Europe/Helsinki",
        "Durations,Calendar time",
        "",
    ]
    assert lines[7] == "KPI,Unit,Value,Compared with,Change,n,n before,90th percentile,Mean,Goal,Goal status"
    assert lines[8:20] == [
        "Tickets created,count,3,0,3,3,0,,,,",
        "Tickets solved,count,3,0,3,3,0,,,,",
        "Backlog,count,1,0,1,1,0,,,,",
        f"First response time,seconds,{round(FRT)},,,2,0,{round(FRT_P90)},4500,,",
        f"First resolution time,seconds,{round(TWO_H)},,,2,0,{round(TWO_H)},7200,,",
        f"Full resolution time,seconds,{round(RES)},,,2,0,{round(RES_P90)},48600,,",
        f"Requester wait time,seconds,{round(TWO_H)},,,2,0,{round(TWO_H)},7200,,",
        f"Agent work time,seconds,{round(TWO_H)},,,2,0,{round(TWO_H)},7200,,",
        "One-touch resolution,percent,50.00,,,2,0,,,,",
        "Reopen rate,percent,50.00,,,2,0,,,,",
        "SLA attainment,percent,,,,0,0,,,,",
        "Public replies,count,3,0,3,3,0,,,,",
    ]
    assert lines[21].startswith(
        'Day,Tickets created,Tickets solved,Backlog at the day\'s end,"First response time, median (s)"'
    )
    assert lines[22] == (
        f"2027-03-01,3,2,1,{round(FRT)},4500,2,{round(TWO_H)},7200,2,{round(TWO_H)},7200,1,{round(TWO_H)},7200,1,"
        f"{round(TWO_H)},7200,1,1,1,100.00,1,2,50.00,0,0,,2"
    )
    assert lines[28] == "2027-03-07,0,0,1,,,0,,,0,,,0,,,0,,,0,0,0,,0,0,,0,0,,0"
    assert lines[29] == (
        f"Total,3,3,1,{round(FRT)},4500,2,{round(TWO_H)},7200,2,{round(RES)},48600,2,{round(TWO_H)},7200,2,"
        f"{round(TWO_H)},7200,2,1,2,50.00,1,2,50.00,0,0,,3"
    )
    assert lines[31].startswith("Team,Tickets created,Tickets solved,Backlog,First response time (s)")
    assert lines[32:35] == [
        "Billing,1,0,1,,,,,,,,,0",
        f"Support,2,3,0,{round(FRT)},{round(TWO_H)},{round(RES)},{round(TWO_H)},{round(TWO_H)},50.00,50.00,,3",
        "",
    ]
    assert len(lines) == 35


def test_people_text_never_becomes_a_formula(world: Any) -> None:
    assert spreadsheets.csv_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert spreadsheets.csv_text("-2+3") == "'-2+3"
    assert spreadsheets.csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheets.csv_text("Bell\x07 rings") == "Bell rings"
    assert spreadsheets.csv_text("Plain") == "Plain"


def test_texts_follow_the_active_language(world: Any, built: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("fi"):
        found = report.build(week_request(), title="x")
        assert report.duration_text(3 * 3600 + 5 * 60) == "3 t 5 min"
        assert report.change_text(report.PERCENT, -4.25) == "−4,2 %-yks."
    assert found.scope_text == "Koko palvelu"
