"""The demo's SLA set-up (opsdesk/sla/demo.py), made through the actions by `seed-demo`."""

from __future__ import annotations

from datetime import date
from typing import Any

from opsdesk.customers import actions as customer_actions
from opsdesk.sla import demo
from opsdesk.sla.models import CalendarHoliday, CalendarWindow, Escalation, SlaPolicy, SlaTarget


def targets(policy: SlaPolicy) -> dict[tuple[str, str], tuple[int, bool]]:
    rows = SlaTarget.objects.filter(policy=policy).values_list("priority", "metric", "seconds", "business_hours")
    return {(p, m): (s, b) for p, m, s, b in rows}


def test_the_demo_gets_a_helsinki_calendar_two_policies_and_an_escalation_and_a_second_run_adds_nothing(
    world: Any,
) -> None:
    northwind = customer_actions.create_organization(name="Northwind Traders", actor=world.admin)
    seeded = demo.seed_sla(actor=world.admin, today=date(2026, 11, 28))
    calendar = seeded.calendar
    assert (calendar.name, calendar.time_zone, calendar.always_open) == ("Helsinki office", "Europe/Helsinki", False)
    windows = CalendarWindow.objects.filter(calendar=calendar).values_list("weekday", "start_minute", "end_minute")
    assert sorted(windows) == [(day, start, end) for day in range(5) for start, end in ((480, 720), (780, 1020))]
    days = set(CalendarHoliday.objects.filter(calendar=calendar).values_list("day", flat=True))
    assert seeded.holidays == len(days) == 30  # 15 Finnish public holidays in 2026 and in 2027
    assert {date(2026, 12, 6), date(2026, 12, 24), date(2027, 1, 6), date(2027, 12, 6)} <= days
    assert {d.year for d in days} == {2026, 2027}

    standard = SlaPolicy.objects.get(is_default=True)
    assert (seeded.standard, standard.calendar, standard.pause_categories) == (standard, calendar, ["pending"])
    hour = 3600
    assert targets(standard) == {
        **{("urgent", m): (s * hour, True) for m, s in (("first_reply", 1), ("next_reply", 2), ("requester_wait", 8))},
        **{("high", m): (s * hour, True) for m, s in (("first_reply", 4), ("next_reply", 4), ("requester_wait", 24))},
        **{("normal", m): (s * hour, True) for m, s in (("first_reply", 8), ("next_reply", 8), ("requester_wait", 40))},
        **{("low", m): (s * hour, True) for m, s in (("first_reply", 24), ("next_reply", 24), ("requester_wait", 80))},
    }
    vip = SlaPolicy.objects.get(name="VIP")
    assert vip.conditions == {
        "match": "all",
        "conditions": [{"field": "organization_id", "op": "is", "value": northwind.pk}],
    }
    assert targets(vip)[("urgent", "first_reply")] == (1800, False)  # round the clock
    assert targets(vip)[("normal", "first_reply")] == (2 * hour, True)
    assert all(s < targets(standard)[key][0] for key, (s, _b) in targets(vip).items())  # tighter everywhere
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["VIP", "Standard"]  # tried in this order

    escalation = Escalation.objects.get()
    assert (escalation.policy, escalation.level, escalation.trigger, escalation.metric, escalation.delay) == (
        standard,
        1,
        "breached",
        "first_reply",
        0,
    )
    assert (escalation.notify, escalation.raise_priority, escalation.by_email) == (
        ["assignee", "team_leads"],
        True,
        False,
    )

    again = demo.seed_sla(actor=world.admin, today=date(2026, 11, 28))
    assert again.holidays == 0
    assert (again.calendar, again.vip, again.escalation) == (calendar, vip, escalation)
    assert SlaPolicy.objects.count() == 2 and Escalation.objects.count() == 1
    assert CalendarHoliday.objects.filter(calendar=calendar).count() == 30
