"""Budgets (METRICS §7): cost centres, budget versions computed from a staffing plan (workload-based labour with
attrition and the new-hire ramp) with non-labour lines, approval (which freezes a version), and monthly actuals
imported from CSV or XLSX — every row checked first, and a file with a broken row saves nothing (the report names each
row's problem). Every write is in the audit log (manage_budget)."""

from __future__ import annotations

import calendar
import csv
import io
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.capabilities import Capability, require
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError, invalid_input
from opsdesk.workforce import budgeting
from opsdesk.workforce.actions import text
from opsdesk.workforce.models import Budget, BudgetActual, BudgetLine, CostCentre, StaffingPlan

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

MAX_IMPORT_ROWS = 5000
LABOUR = "labour"


def create_cost_centre(*, name: str, code: str, actor: User) -> CostCentre:
    require(actor, Capability.MANAGE_BUDGET)
    name, code = text.clean(name), text.clean(code, field="code", limit=20, required=False)
    if CostCentre.objects.filter(name=name).exists():
        raise invalid_input("name", _("Another cost centre has this name."))
    with transaction.atomic():
        centre = CostCentre.objects.create(name=name, code=code)
        audit.record(actor=actor, verb="cost_centre.created", target=centre, data={"name": name})
    return centre


def plan_workload(plan: StaffingPlan, year: int, index: list[Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    """The plan's productive agent-hours and contacts per month of `year`: each weekday's mean over the plan's days,
    for every day of the month, times the month's volume index."""
    forecast = plan.forecast
    per_day = forecast.per_day
    hours_per_interval = Decimal(forecast.interval_minutes) / 60
    hours: dict[int, list[Decimal]] = {d: [] for d in range(7)}
    contacts: dict[int, list[Decimal]] = {d: [] for d in range(7)}
    for day in range(forecast.days):
        weekday = (forecast.first_day + timedelta(days=day)).weekday()
        part = slice(day * per_day, (day + 1) * per_day)
        hours[weekday].append(sum((Decimal(n) for n in plan.required[part]), Decimal(0)) * hours_per_interval)
        contacts[weekday].append(sum((Decimal(str(v)) for v in plan.volumes[part]), Decimal(0)))

    def mean(values: list[Decimal]) -> Decimal:
        return sum(values, Decimal(0)) / len(values) if values else Decimal(0)

    monthly_hours, monthly_contacts = [], []
    for month in range(1, 13):
        days = calendar.monthrange(year, month)[1]
        weekdays = [date(year, month, d).weekday() for d in range(1, days + 1)]
        factor = index[month - 1]
        monthly_hours.append(sum((mean(hours[w]) for w in weekdays), Decimal(0)) * factor)
        monthly_contacts.append(sum((mean(contacts[w]) for w in weekdays), Decimal(0)) * factor)
    return monthly_hours, monthly_contacts


def labour_of(budget: Budget) -> budgeting.Labour:
    return budgeting.Labour(
        salary=budget.salary,
        loading=budget.loading / 100,
        seat=budget.seat_cost,
        paid_hours=budget.paid_hours,
        shrinkage=budget.plan.shrinkage / 100,
    )


def compute(budget: Budget) -> list[dict[str, Any]]:
    """The version's months: workload, FTE, hires, labour cost, each non-labour line's amount and the total."""
    index = [Decimal(str(v)) for v in budget.volume_index] or [Decimal(1)] * 12
    hours, contacts = plan_workload(budget.plan, budget.year, index)
    labour = labour_of(budget)
    months = budgeting.workload(
        hours,
        labour,
        starting_fte=budget.starting_fte,
        attrition=budget.attrition / 100,
        ramp_weeks=budget.ramp_weeks,
        threshold=budget.gap_threshold / 100,
    )
    lines = list(budget.lines.all()) if budget.pk else []
    found = []
    for number, month in enumerate(months):
        amounts = {}
        for line in lines:
            base = {
                BudgetLine.Basis.MONTH: Decimal(1),
                BudgetLine.Basis.FTE: month.funded_fte,
                BudgetLine.Basis.CONTACT: contacts[number],
                BudgetLine.Basis.HOUR: hours[number],
            }[BudgetLine.Basis(line.basis)]
            amounts[str(line.pk)] = str(budgeting.money(line.rate * base))
        non_labour = sum((Decimal(v) for v in amounts.values()), Decimal(0))
        found.append(
            {
                # booleans and whole numbers as they are, Decimals as text (exact in JSON)
                **{key: value if isinstance(value, bool | int) else str(value) for key, value in asdict(month).items()},
                "contacts": str(contacts[number].quantize(Decimal(1))),
                "lines": amounts,
                "non_labour": str(non_labour),
                "total": str(month.labour_cost + non_labour),
            }
        )
    return found


def _check_index(values: list[Decimal]) -> list[str]:
    if len(values) != 12 or any(not v.is_finite() or v < 0 or v > 10 for v in values):
        raise invalid_input(
            "volume_index", _("Give twelve factors from 0 to 10, one a month (1 is the plan as it is).")
        )
    return [str(v) for v in values]


def create_budget(
    *,
    cost_centre: CostCentre,
    year: int,
    name: str,
    plan: StaffingPlan,
    salary: Decimal,
    loading: Decimal,
    seat_cost: Decimal,
    paid_hours: Decimal,
    attrition: Decimal,
    ramp_weeks: int,
    starting_fte: Decimal,
    gap_threshold: Decimal = Decimal(5),
    volume_index: list[Decimal] | None = None,
    actor: User,
) -> Budget:
    require(actor, Capability.MANAGE_BUDGET)
    name = text.clean(name)
    if not 2000 <= year <= 2100:
        raise invalid_input("year", _("Enter a year from 2000 to 2100."))
    if not starting_fte.is_finite() or starting_fte < 0:
        raise invalid_input("starting_fte", _("Enter zero or more."))
    if not gap_threshold.is_finite() or not 0 <= gap_threshold <= 100:
        raise invalid_input("gap_threshold", _("Enter a percentage from 0 to 100."))
    budget = Budget(
        cost_centre=cost_centre,
        year=year,
        name=name,
        plan=plan,
        salary=salary,
        loading=loading,
        seat_cost=seat_cost,
        paid_hours=paid_hours,
        attrition=attrition,
        ramp_weeks=ramp_weeks,
        starting_fte=starting_fte,
        gap_threshold=gap_threshold,
        volume_index=_check_index(volume_index or [Decimal(1)] * 12),
        created_by=actor,
    )
    budget.months = compute(budget)  # checks the labour inputs (budgeting.Labour) before anything is written
    with transaction.atomic():
        CostCentre.objects.select_for_update().filter(pk=cost_centre.pk).first()
        latest = Budget.objects.filter(cost_centre=cost_centre, year=year).aggregate(n=Max("number"))["n"]
        budget.number = (latest or 0) + 1
        budget.save()
        audit.record(
            actor=actor,
            verb="budget.created",
            target=budget,
            data={"name": name, "year": year, "plan": plan.pk, "number": budget.number},
        )
    return budget


def _editable(budget: Budget) -> None:
    if budget.state != Budget.State.DRAFT:
        raise ActionError("frozen", _("An approved budget does not change; make a new version."))


def add_line(budget: Budget, *, category: str, name: str, basis: str, rate: Decimal, actor: User) -> BudgetLine:
    require(actor, Capability.MANAGE_BUDGET)
    _editable(budget)
    if category not in BudgetLine.Category.values:
        raise invalid_input("category", _("Choose a category."))
    if basis not in BudgetLine.Basis.values:
        raise invalid_input("basis", _("Choose how the amount is counted."))
    name = text.clean(name)
    if not rate.is_finite() or rate < 0:
        raise invalid_input("rate", _("Enter zero or more."))
    with transaction.atomic():
        line = BudgetLine.objects.create(budget=budget, category=category, name=name, basis=basis, rate=rate)
        budget.months = compute(budget)
        budget.save(update_fields=["months"])
        audit.record(actor=actor, verb="budget.line_added", target=budget, data={"name": name, "rate": str(rate)})
    return line


def advance(budget: Budget, *, actor: User) -> Budget:
    """Draft → approved (frozen from then on: no line or figure changes) → frozen (the year's baseline)."""
    require(actor, Capability.MANAGE_BUDGET)
    following = {Budget.State.DRAFT: Budget.State.APPROVED, Budget.State.APPROVED: Budget.State.FROZEN}
    target = following.get(Budget.State(budget.state))
    if target is None:
        raise ActionError("frozen", _("This version is frozen already."))
    with transaction.atomic():
        updated = Budget.objects.filter(pk=budget.pk, state=budget.state).update(
            state=target, decided_by=actor, decided_at=timezone.now()
        )
        if not updated:
            raise ActionError("changed", _("Someone changed this version meanwhile; look again."))
        budget.refresh_from_db()
        audit.record(actor=actor, verb=f"budget.{target}", target=budget, data={"number": budget.number})
    return budget


# --- Actuals -------------------------------------------------------------------------------------------------------

COLUMNS = ("month", "category", "amount", "contacts", "aht_seconds", "occupancy", "shrinkage", "rate")


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file with a header row naming COLUMNS."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds on a broken file
            raise invalid_input("file", _("This is not an XLSX file that can be read.")) from error
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise invalid_input("file", _("Save the CSV file as UTF-8.")) from error
        dialect = csv.excel if text.count(",") >= text.count(";") else csv.excel
        delimiter = "," if text.count(",") >= text.count(";") else ";"
        rows = list(csv.reader(io.StringIO(text), dialect=dialect, delimiter=delimiter))
    if not rows:
        raise invalid_input("file", _("The file is empty."))
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in ("month", "category", "amount") if c not in header]
    if missing:
        raise invalid_input(
            "file", _("The first row must name the columns; missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise invalid_input("file", _("Import at most %(n)d rows at a time.") % {"n": MAX_IMPORT_ROWS})
    return [
        {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name in COLUMNS}
        for row in rows[1:]
        if any(cell.strip() for cell in row)
    ]


def _decimal(raw: str, *, low: Decimal, high: Decimal | None = None) -> Decimal | None:
    if raw == "":
        return None
    try:
        value = Decimal(raw.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or value < low or (high is not None and value > high):
        raise ValueError
    return value


def check_row(row: dict[str, str]) -> tuple[dict[str, Any] | None, str]:
    """One row as fields to store, or None and what is wrong with it."""
    try:
        year, month = (int(part) for part in row.get("month", "")[:7].split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None, _("month: write it as 2027-01.")
    category = row.get("category", "").strip().lower()
    if category != LABOUR and category not in BudgetLine.Category.values:
        return None, _("category: “%(value)s” is not labour or a budget line's category.") % {"value": category[:40]}
    fields: dict[str, Any] = {"month": first, "category": category}
    checks: list[tuple[str, Decimal, Decimal | None]] = [
        ("amount", Decimal(0), None),
        ("contacts", Decimal(0), None),
        ("aht_seconds", Decimal(0), Decimal(86400)),
        ("occupancy", Decimal(0), Decimal(100)),
        ("shrinkage", Decimal(0), Decimal("99.99")),
        ("rate", Decimal(0), None),
    ]
    for name, low, high in checks:
        try:
            value = _decimal(row.get(name, ""), low=low, high=high)
        except ValueError:
            return None, _("%(column)s: “%(value)s” is not a number in range.") % {
                "column": name,
                "value": row.get(name, "")[:40],
            }
        if name == "amount" and value is None:
            return None, _("amount: enter the month's cost.")
        if name == "contacts" and value is not None:
            if value != value.to_integral_value():
                return None, _("contacts: enter a whole number.")
            fields[name] = int(value)
            continue
        fields[name] = value
    return fields, ""


def save_actual(cost_centre: CostCentre, *, row: dict[str, str], actor: User) -> BudgetActual:
    """One month's actual of one category entered by hand: the same checks as a file's row."""
    require(actor, Capability.MANAGE_BUDGET)
    fields, problem = check_row(row)
    if fields is None:
        raise invalid_input(problem.split(":", 1)[0].strip() if ":" in problem else "month", problem)
    with transaction.atomic():
        key = {"cost_centre": cost_centre, "month": fields.pop("month"), "category": fields.pop("category")}
        actual, _created = BudgetActual.objects.update_or_create(**key, defaults=fields)
        audit.record(actor=actor, verb="budget.actual_saved", target=cost_centre, data={"month": str(key["month"])})
    return actual


def import_actuals(cost_centre: CostCentre, *, content: bytes, filename: str, actor: User) -> list[tuple[int, str]]:
    """Store a file's actuals (one row per month and category, a later import replacing the same month and category)
    when every row is good; else store nothing. Returns (row number, problem) for each broken row."""
    require(actor, Capability.MANAGE_BUDGET)
    rows = read_rows(content, filename)
    checked, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=2):  # the header is row 1
        fields, problem = check_row(row)
        if fields is not None and (fields["month"], fields["category"]) in seen:
            fields, problem = None, _("this month and category appear twice in the file.")
        if fields is None:
            problems.append((number, problem))
        else:
            seen.add((fields["month"], fields["category"]))
            checked.append(fields)
    if problems:
        return problems
    with transaction.atomic():
        for fields in checked:
            key = {"cost_centre": cost_centre, "month": fields.pop("month"), "category": fields.pop("category")}
            BudgetActual.objects.update_or_create(**key, defaults=fields)
        audit.record(actor=actor, verb="budget.actuals_imported", target=cost_centre, data={"rows": len(checked)})
    return []
