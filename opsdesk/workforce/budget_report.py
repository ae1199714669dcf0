"""A budget version against the actuals (METRICS §7): variance per month and per line (positive = overspend), the
labour variance split by driver (V, AHT, occupancy, shrinkage, rate, summing exactly to the total), cost per contact
labour-only and fully loaded, and the XLSX that recomputes its totals and variances with formulas."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from opsdesk.workforce import budgeting
from opsdesk.workforce.actions.budgets import LABOUR, labour_of
from opsdesk.workforce.models import Budget, BudgetActual, BudgetLine

ZERO = Decimal(0)


@dataclass
class MonthRow:
    month: date
    figures: dict[str, Any]
    budget_labour: Decimal
    budget_other: dict[str, Decimal]  # by category
    actual_labour: Decimal | None
    actual_other: dict[str, Decimal] = field(default_factory=dict)
    split: dict[str, Decimal] | None = None
    contacts: int | None = None

    @property
    def budget_total(self) -> Decimal:
        return self.budget_labour + sum(self.budget_other.values(), ZERO)

    @property
    def actual_total(self) -> Decimal | None:
        if self.actual_labour is None and not self.actual_other:
            return None
        return (self.actual_labour or ZERO) + sum(self.actual_other.values(), ZERO)

    @property
    def variance(self) -> Decimal | None:
        actual = self.actual_total
        return None if actual is None else actual - self.budget_total

    @property
    def variance_pct(self) -> Decimal | None:
        variance = self.variance
        return None if variance is None or not self.budget_total else variance / self.budget_total * 100

    @property
    def labour_per_contact(self) -> Decimal | None:
        return (
            budgeting.per_contact(self.actual_labour, self.contacts) if self.actual_labour and self.contacts else None
        )

    @property
    def loaded_per_contact(self) -> Decimal | None:
        total = self.actual_total
        return budgeting.per_contact(total, self.contacts) if total and self.contacts else None


def rows(budget: Budget) -> list[MonthRow]:
    lines = {str(line.pk): line for line in budget.lines.all()}
    actuals: dict[date, dict[str, BudgetActual]] = {}
    for actual in BudgetActual.objects.filter(cost_centre=budget.cost_centre, month__year=budget.year):
        actuals.setdefault(actual.month, {})[actual.category] = actual
    labour = labour_of(budget)
    plan = budget.plan
    found = []
    for number, figures in enumerate(budget.months):
        month = date(budget.year, number + 1, 1)
        other: dict[str, Decimal] = {}
        for line_id, amount in figures["lines"].items():
            line = lines.get(line_id)
            if line is not None:
                other[line.category] = other.get(line.category, ZERO) + Decimal(amount)
        found_actuals = actuals.get(month, {})
        labour_actual = found_actuals.get(LABOUR)
        row = MonthRow(
            month=month,
            figures=figures,
            budget_labour=Decimal(figures["labour_cost"]),
            budget_other=other,
            actual_labour=labour_actual.amount if labour_actual else None,
            actual_other={k: a.amount for k, a in found_actuals.items() if k != LABOUR},
            contacts=labour_actual.contacts if labour_actual else None,
        )
        if labour_actual is not None and _has_drivers(labour_actual):
            hours = Decimal(figures["required_hours"])
            contacts = Decimal(figures["contacts"])
            workload = contacts * plan.aht_seconds / 3600
            planned = budgeting.Drivers(
                volume=contacts,
                aht=Decimal(plan.aht_seconds),
                occupancy=(workload / hours) if hours else Decimal(1),
                shrinkage=plan.shrinkage / 100,
                rate=labour.per_paid_hour,
            )
            measured = budgeting.Drivers(
                volume=Decimal(labour_actual.contacts or 0),
                aht=labour_actual.aht_seconds or ZERO,
                occupancy=(labour_actual.occupancy or ZERO) / 100,
                shrinkage=(labour_actual.shrinkage or ZERO) / 100,
                rate=labour_actual.rate or ZERO,
            )
            if planned.occupancy > 0 and measured.occupancy > 0:
                row.split = budgeting.driver_split(planned, measured)
        found.append(row)
    return found


def _has_drivers(actual: BudgetActual) -> bool:
    return all(
        v is not None for v in (actual.contacts, actual.aht_seconds, actual.occupancy, actual.shrinkage, actual.rate)
    )


def by_category(budget: Budget, found: list[MonthRow]) -> list[tuple[str, Decimal, Decimal | None, Decimal | None]]:
    """(category name, budget for the year, actual so far, variance) per labour and non-labour category."""
    names = {LABOUR: _("Labour"), **dict(BudgetLine.Category.choices)}
    categories = [
        LABOUR,
        *sorted({c for r in found for c in r.budget_other} | {c for r in found for c in r.actual_other}),
    ]
    result = []
    for category in categories:
        if category == LABOUR:
            planned = sum((r.budget_labour for r in found), ZERO)
            actual_values = [r.actual_labour for r in found if r.actual_labour is not None]
        else:
            planned = sum((r.budget_other.get(category, ZERO) for r in found), ZERO)
            actual_values = [r.actual_other[category] for r in found if category in r.actual_other]
        actual = sum(actual_values, ZERO) if actual_values else None
        months_with_actuals = {r.month for r in found if r.actual_total is not None}
        planned_to_date = sum(
            (
                (r.budget_labour if category == LABOUR else r.budget_other.get(category, ZERO))
                for r in found
                if r.month in months_with_actuals
            ),
            ZERO,
        )
        result.append(
            (str(names.get(category, category)), planned, actual, None if actual is None else actual - planned_to_date)
        )
    return result


def workbook(budget: Budget) -> bytes:
    """Sheet "Months": the budget per month with its labour, non-labour and total as formulas, the actuals, and the
    variance and variance % as formulas; a totals row of SUM formulas. Sheet "Drivers": each month's driver effects
    and their SUM beside the total. Text cells are written as text (no formula injection from names)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    found = rows(budget)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Months")[:31]
    header = [
        _("Month"),
        _("Required FTE"),
        _("Funded FTE"),
        _("Labour"),
        _("Other costs"),
        _("Budget"),
        _("Actual"),
        _("Variance"),
        _("Variance %"),
        _("Contacts"),
        _("Labour per contact"),
        _("Fully loaded per contact"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(found, start=2):
        sheet.append(
            [
                row.month.strftime("%Y-%m"),
                float(row.figures["required_fte"]),
                float(row.figures["funded_fte"]),
                float(row.budget_labour),
                float(sum(row.budget_other.values(), ZERO)),
                f"=D{number}+E{number}",
                float(row.actual_total) if row.actual_total is not None else None,
                f'=IF(G{number}="","",G{number}-F{number})',
                f'=IF(OR(G{number}="",F{number}=0),"",H{number}/F{number})',
                row.contacts,
                f'=IF(OR(J{number}="",J{number}=0),"",{float(row.actual_labour or 0)}/J{number})',
                f'=IF(OR(J{number}="",J{number}=0,G{number}=""),"",G{number}/J{number})',
            ]
        )
        sheet.cell(row=number, column=1).data_type = "s"
    last = len(found) + 1
    total = last + 1
    sheet.append([str(_("Total")), None, None, f"=SUM(D2:D{last})", f"=SUM(E2:E{last})", f"=SUM(F2:F{last})",
                  f"=SUM(G2:G{last})", f'=SUM(H2:H{last})', f'=IF(F{total}=0,"",H{total}/F{total})'])  # fmt: skip
    for cell in sheet[total]:
        cell.font = Font(bold=True)
    for column in "DEFGHKL":
        for r in range(2, total + 1):
            sheet[f"{column}{r}"].number_format = "#,##0.00"
    for r in range(2, total + 1):
        sheet[f"I{r}"].number_format = "0.0%"
    drivers = book.create_sheet(str(_("Drivers"))[:31])
    drivers.append([str(h) for h in (_("Month"), _("Volume"), _("Handle time"), _("Occupancy"), _("Shrinkage"),
                                      _("Rate"), _("Sum of effects"), _("Labour variance"))])  # fmt: skip
    for cell in drivers[1]:
        cell.font = Font(bold=True)
    line = 2
    for row in found:
        if row.split is None:
            continue
        effects = [float(row.split[name]) for name in budgeting.DRIVERS]
        drivers.append([row.month.strftime("%Y-%m"), *effects, f"=SUM(B{line}:F{line})", float(row.split["total"])])
        for column in "BCDEFGH":
            drivers[f"{column}{line}"].number_format = "#,##0.00"
        line += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
