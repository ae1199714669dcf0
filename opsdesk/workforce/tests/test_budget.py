"""Budget arithmetic (METRICS §7) and pages: the loaded cost example, the workload-based budget with attrition and the
new-hire ramp, the funded-vs-required gap, the labour variance split by driver summing exactly to the total, an
import with broken rows saving nothing, approval freezing a version, and the XLSX with formulas."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opsdesk.core.errors import ActionError
from opsdesk.workforce import budget_report, budgeting
from opsdesk.workforce.actions import budgets, forecasts, plans
from opsdesk.workforce.models import Budget, BudgetActual, Forecast

D = Decimal


def test_the_loaded_cost_example_of_metrics_7() -> None:
    labour = budgeting.Labour(salary=D(56000), loading=D("0.22"), seat=D(4240), paid_hours=D(1960), shrinkage=D("0.30"))
    assert labour.loaded_cost == D("72560.00")
    assert labour.productive_hours == D("1372.00")
    assert round(labour.per_productive_hour, 2) == D("52.89")


def test_the_workload_budget_hires_ahead_of_the_ramp_and_flags_the_gap() -> None:
    labour = budgeting.Labour(salary=D(48000), loading=D("0.25"), seat=D(0), paid_hours=D(1920), shrinkage=D("0.20"))
    # 1,280 productive hours a month = 1,600 paid hours = 10 FTE of 160 paid hours; 1,536 in the last 6 months = 12 FTE
    hours = [D(1280)] * 6 + [D(1536)] * 6
    months = budgeting.workload(hours, labour, starting_fte=D(10), attrition=D("0.02"), ramp_weeks=5)
    assert [m.required_fte for m in months[:1]] == [D("10.00")]
    assert months[6].required_fte == D("12.00")
    # two-month ramp (5 weeks > one month of 4.33): the July need is hired in May
    assert sum(m.hires for m in months[4:6]) >= 2
    assert all(m.productive_fte >= m.required_fte - 1 for m in months)
    assert months[0].labour_cost == budgeting.money(months[0].funded_fte * D(60000) / 12) or months[0].labour_cost > 0
    flagged = budgeting.workload([D(1280)] * 12, labour, starting_fte=D(14), attrition=D(0), ramp_weeks=0)
    assert flagged[0].gap == D("4.00") and flagged[0].flagged  # 14 funded for 10 needed: 40 % over
    even = budgeting.workload([D(1280)] * 12, labour, starting_fte=D(10), attrition=D(0), ramp_weeks=0)
    assert not any(m.flagged for m in even) and sum(m.hires for m in even) == 0


def test_the_driver_split_sums_exactly_to_the_labour_variance() -> None:
    planned = budgeting.Drivers(volume=D(10000), aht=D(300), occupancy=D("0.80"), shrinkage=D("0.30"), rate=D("37.02"))
    actual = budgeting.Drivers(volume=D(11200), aht=D(318), occupancy=D("0.76"), shrinkage=D("0.33"), rate=D("37.90"))
    split = budgeting.driver_split(planned, actual)
    assert sum((split[d] for d in budgeting.DRIVERS), D(0)) == split["total"]
    assert split["total"] == actual.cost() - planned.cost()
    assert split["volume"] > 0 and split["aht"] > 0 and split["occupancy"] > 0 and split["rate"] > 0
    # the volume effect alone: 1,200 more contacts at the budget's other drivers
    expected = D(1200) * D(300) / 3600 / (D("0.80") * D("0.70")) * D("37.02")
    assert abs(split["volume"] - expected) < D("1e-18")


def test_cost_per_contact_needs_contacts() -> None:
    assert budgeting.per_contact(D("1000"), 0) is None and budgeting.per_contact(D("1000"), 3) == D("333.33")


@pytest.fixture
def plan(world: Any) -> Any:
    queue = forecasts.create_queue(
        name="Phones",
        team=world.support,
        channel_group="phone",
        calendar=None,
        interval_minutes=60,
        actor=world.manager,
    )
    forecast = (
        Forecast.objects.create(  # a ready forecast, as the worker leaves one: 10 calls an hour 08–16 on weekdays
            queue=queue,
            number=1,
            state="ready",
            time_zone="Europe/Helsinki",
            interval_minutes=60,
            first_day=date(2027, 1, 4),
            days=7,
            history_weeks=8,
            model="seasonal_naive",
            values=(([0.0] * 8 + [10.0] * 8 + [0.0] * 8) * 5) + [0.0] * 48,
            created_by=world.manager,
        )
    )
    return plans.create(
        forecast,
        name="Plan",
        method="erlang_c",
        aht_seconds=300,
        service_level=D(80),
        target_seconds=20,
        shrinkage=D(30),
        actor=world.manager,
    )


def make_budget(world: Any, plan: Any) -> Budget:
    centre = budgets.create_cost_centre(name="Support", code="CC10", actor=world.manager)
    return budgets.create_budget(
        cost_centre=centre,
        year=2027,
        name="2027",
        plan=plan,
        salary=D(42000),
        loading=D(25),
        seat_cost=D(4000),
        paid_hours=D(1960),
        attrition=D("1.5"),
        ramp_weeks=6,
        starting_fte=D(2),
        actor=world.manager,
    )


def test_a_budget_is_computed_from_the_staffing_plan(world: Any, plan: Any) -> None:
    budget = make_budget(world, plan)
    # 8 busy hours × 3 agents (10 calls of 5 min an hour at 80/20) on each weekday; January 2027 has 21 weekdays
    assert plan.required[8:16] == [3] * 8
    january = budget.months[0]
    assert D(january["required_hours"]) == D(21 * 8 * 3)
    assert D(january["required_fte"]) == (D(504) / D("0.7") / (D(1960) / 12)).quantize(D("0.01"))
    assert january["hires"] >= 3 and isinstance(january["flagged"], bool)
    budgets.add_line(budget, category="telephony", name="Minutes", basis="contact", rate=D("0.05"), actor=world.manager)
    budget.refresh_from_db()
    assert D(budget.months[0]["non_labour"]) == budgeting.money(D(budget.months[0]["contacts"]) * D("0.05"))
    budgets.advance(budget, actor=world.manager)
    with pytest.raises(ActionError):
        budgets.add_line(budget, category="tools", name="More", basis="month", rate=D(1), actor=world.manager)
    assert budgets.advance(budget, actor=world.manager).state == "frozen"


def test_impossible_budget_inputs_name_the_field(world: Any, plan: Any) -> None:
    centre = budgets.create_cost_centre(name="X", code="", actor=world.manager)
    base = dict(cost_centre=centre, year=2027, name="x", plan=plan, salary=D(1), loading=D(0), seat_cost=D(0),
                paid_hours=D(1960), attrition=D(1), ramp_weeks=4, starting_fte=D(1), actor=world.manager)  # fmt: skip
    for change, field in (
        ({"paid_hours": D(0)}, "paid_hours"),
        ({"attrition": D(100)}, "attrition"),
        ({"ramp_weeks": 60}, "ramp_weeks"),
        ({"volume_index": [D(1)] * 11}, "volume_index"),
        ({"year": 1999}, "year"),
    ):
        with pytest.raises(ActionError) as refused:
            budgets.create_budget(**{**base, **change})
        assert refused.value.field == field
    assert Budget.objects.count() == 0


CSV = b"""month,category,amount,contacts,aht_seconds,occupancy,shrinkage,rate
2027-01,labour,26000,2300,318,76,33,37.9
2027-01,telephony,120
"""


def test_actuals_are_imported_whole_or_not_at_all_with_a_report_per_row(world: Any, plan: Any) -> None:
    budget = make_budget(world, plan)
    broken = CSV + b"2027-13,labour,5\n2027-02,snacks,4\n2027-02,labour,-3\n2027-01,telephony,99\n"
    problems = budgets.import_actuals(budget.cost_centre, content=broken, filename="a.csv", actor=world.manager)
    assert [n for n, _p in problems] == [4, 5, 6, 7]
    assert "month" in problems[0][1] and "snacks" in problems[1][1] and "amount" in problems[2][1]
    assert "twice" in problems[3][1]
    assert BudgetActual.objects.count() == 0
    assert budgets.import_actuals(budget.cost_centre, content=CSV, filename="a.csv", actor=world.manager) == []
    assert BudgetActual.objects.count() == 2
    january = budget_report.rows(budget)[0]
    assert january.actual_total == D(26120)
    assert january.split is not None
    assert sum((january.split[d] for d in budgeting.DRIVERS), D(0)) == january.split["total"]
    assert january.labour_per_contact == D("11.30")


def test_the_budget_pages_and_the_xlsx_with_formulas(world: Any, plan: Any) -> None:
    budget = make_budget(world, plan)
    budgets.import_actuals(budget.cost_centre, content=CSV, filename="a.csv", actor=world.manager)
    client = Client()
    client.force_login(world.manager)
    page = client.get(budget.get_absolute_url())
    assert page.status_code == 200 and "Labour variance by driver" in page.content.decode()
    assert client.get(reverse("workforce:budget_summary", args=[budget.pk])).status_code == 200
    response = client.get(reverse("workforce:budget_xlsx", args=[budget.pk]))
    book = load_workbook(io.BytesIO(response.content))
    months = book["Months"]
    assert months["F2"].value == "=D2+E2"
    assert months["H2"].value == '=IF(G2="","",G2-F2)'
    assert months["F14"].value == "=SUM(F2:F13)"
    assert book["Drivers"]["G2"].value == "=SUM(B2:F2)"
    upload = client.post(
        reverse("workforce:actuals_import"),
        {
            "actuals-cost_centre": budget.cost_centre.pk,
            "actuals-file": io.BytesIO(b"month,category,amount\nx,labour,1\n"),
        },
    )
    assert upload.status_code == 422 and "Row 2:" in upload.content.decode()
    agent = Client()
    agent.force_login(world.lead)
    assert agent.get(budget.get_absolute_url()).status_code == 403


def test_a_month_is_entered_by_hand_with_the_same_checks(world: Any, plan: Any) -> None:
    budget = make_budget(world, plan)
    client = Client()
    client.force_login(world.manager)
    data = {"actual-cost_centre": budget.cost_centre.pk, "actual-month": "2027-1x", "actual-category": "labour"}
    bad = client.post(reverse("workforce:actual_save"), {**data, "actual-amount": "100"})
    assert bad.status_code == 422 and bad.context["actual_form"].errors["month"]
    good = client.post(reverse("workforce:actual_save"), {**data, "actual-month": "2027-01", "actual-amount": "100,5"})
    assert good.status_code == 302
    assert BudgetActual.objects.get().amount == D("100.50")


def test_names_lose_nul_bytes_before_the_database_sees_them(world: Any, plan: Any) -> None:
    # SQLite stores a NUL byte that PostgreSQL refuses: every workforce name goes through one cleaner (actions/text.py)
    centre = budgets.create_cost_centre(name="Sup\x00port ", code="C\x00C1", actor=world.manager)
    assert (centre.name, centre.code) == ("Support", "CC1")
    budget = budgets.create_budget(
        cost_centre=centre,
        year=2027,
        name="Bud\x00get",
        plan=plan,
        salary=D(1),
        loading=D(0),
        seat_cost=D(0),
        paid_hours=D(1960),
        attrition=D(0),
        ramp_weeks=0,
        starting_fte=D(1),
        actor=world.manager,
    )
    assert budget.name == "Budget"
    with pytest.raises(ActionError) as refused:
        budgets.add_line(budget, category="tools", name="\x00 ", basis="month", rate=D(1), actor=world.manager)
    assert refused.value.field == "name"
