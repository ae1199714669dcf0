"""Budget arithmetic (METRICS §7), on Decimal so that money adds up to the cent and the variance split sums exactly:
loaded cost and productive hours, the workload-based labour budget from a staffing plan (agent-hours → paid hours →
FTE, attrition and the new-hire ramp, cost), the funded-vs-required gap, the labour variance split by driver in the
fixed order V, AHT, occupancy, shrinkage, rate, and cost per contact."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from opsdesk.core.errors import invalid_input

CENT = Decimal("0.01")
ONE = Decimal(1)
MONTHS = 12
WEEKS_PER_MONTH = Decimal(52) / 12
DRIVERS = ("volume", "aht", "occupancy", "shrinkage", "rate")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(value: Decimal, field: str, *, allow_zero: bool = True) -> Decimal:
    """A fraction in [0, 1) (or (0, 1) without zero)."""
    if not value.is_finite() or value < 0 or value >= 1 or (value == 0 and not allow_zero):
        raise invalid_input(field, _("Enter a percentage from 0 to below 100."))
    return value


@dataclass(frozen=True)
class Labour:
    """The cost of one FTE: salary × (1 + loading) + per-seat cost a year; paid hours a year by contract; shrinkage."""

    salary: Decimal
    loading: Decimal  # benefits and taxes, a fraction of salary
    seat: Decimal  # licences, equipment, facilities per FTE-year
    paid_hours: Decimal  # per FTE-year
    shrinkage: Decimal  # fraction

    def check(self) -> None:
        for value, field in ((self.salary, "salary"), (self.seat, "seat_cost"), (self.loading, "loading")):
            if not value.is_finite() or value < 0:
                raise invalid_input(field, _("Enter zero or more."))
        if not self.paid_hours.is_finite() or not 0 < self.paid_hours <= 8784:
            raise invalid_input("paid_hours", _("Enter the paid hours of a full-time year, at most 8,784."))
        share(self.shrinkage, "shrinkage")

    @property
    def loaded_cost(self) -> Decimal:
        return self.salary * (ONE + self.loading) + self.seat

    @property
    def productive_hours(self) -> Decimal:
        return self.paid_hours * (ONE - self.shrinkage)

    @property
    def per_productive_hour(self) -> Decimal:
        return self.loaded_cost / self.productive_hours

    @property
    def per_paid_hour(self) -> Decimal:
        return self.loaded_cost / self.paid_hours


@dataclass(frozen=True)
class Month:
    required_hours: Decimal  # productive agent-hours the plan needs
    required_fte: Decimal  # ÷ (1 − s) ÷ paid hours a month
    funded_fte: Decimal  # paid headcount after attrition and hires
    productive_fte: Decimal  # funded less hires still in their ramp
    hires: int
    labour_cost: Decimal
    gap: Decimal  # funded − required, FTE
    flagged: bool  # |gap| beyond the threshold share of required


def workload(
    required_hours: Sequence[Decimal],
    labour: Labour,
    *,
    starting_fte: Decimal,
    attrition: Decimal,
    ramp_weeks: int,
    threshold: Decimal = Decimal("0.05"),
) -> list[Month]:
    """Month by month: the FTE the workload needs; the headcount funded from `starting_fte` losing `attrition` a month
    and hiring (whole people) so that the productive headcount — hires count only after `ramp_weeks` — covers the
    need (hires are made early enough: a month's hire is productive from the month the ramp ends); its cost."""
    labour.check()
    share(attrition, "attrition")
    if ramp_weeks < 0 or ramp_weeks > 52:
        raise invalid_input("ramp_weeks", _("Enter from 0 to 52 weeks."))
    monthly_paid = labour.paid_hours / MONTHS
    ramp_months = math.ceil(Decimal(ramp_weeks) / WEEKS_PER_MONTH) if ramp_weeks else 0
    need = [hours / (ONE - labour.shrinkage) / monthly_paid for hours in required_hours]
    kept = ONE - attrition
    headcount = starting_fte
    ramping: list[tuple[int, int]] = []  # (month productive from, people)
    months = []
    for index, required in enumerate(need):
        headcount = headcount * kept
        # hire now for the month the ramp ends; in the first month also for the months before it (those people
        # were hired before the plan starts, to be productive in time, and are paid from its first month)
        targets = [index + ramp_months] if index else list(range(ramp_months + 1))
        hires = 0
        for target in targets:
            if target >= len(need):
                continue
            ahead = target - index
            projected = headcount * kept**ahead - sum(n for start, n in ramping if start > target)
            short = need[target] - projected
            if short > 0:
                people = math.ceil(short)
                ramping.append((target, people))
                headcount += people
                hires += people
        productive = headcount - sum(n for start, n in ramping if start > index)
        cost = money(headcount * labour.loaded_cost / MONTHS)
        gap = headcount - required
        flagged = required > 0 and abs(gap) > threshold * required
        months.append(
            Month(
                required_hours=required_hours[index].quantize(Decimal("0.1")),
                required_fte=required.quantize(Decimal("0.01")),
                funded_fte=headcount.quantize(Decimal("0.01")),
                productive_fte=productive.quantize(Decimal("0.01")),
                hires=hires,
                labour_cost=cost,
                gap=gap.quantize(Decimal("0.01")),
                flagged=bool(flagged),
            )
        )
    return months


@dataclass(frozen=True)
class Drivers:
    """Labour cost C = V · AHT/3600 / (occ · (1 − s)) · r (METRICS §7), r = loaded cost per paid hour."""

    volume: Decimal
    aht: Decimal  # seconds
    occupancy: Decimal  # fraction
    shrinkage: Decimal  # fraction
    rate: Decimal  # per paid hour

    def cost(self) -> Decimal:
        if self.occupancy <= 0 or self.shrinkage >= 1:
            raise invalid_input("occupancy", _("Occupancy must be above zero and shrinkage below 100 %."))
        return self.volume * self.aht / 3600 / (self.occupancy * (ONE - self.shrinkage)) * self.rate


def driver_split(budget: Drivers, actual: Drivers) -> dict[str, Decimal]:
    """Each driver's effect on the labour variance, substituting budget by actual one driver at a time in the fixed
    order; the effects and "total" (= C(actual) − C(budget)) are exact Decimals, so they sum to the total."""
    values = {name: getattr(budget, name) for name in DRIVERS}
    before = Drivers(**values).cost()
    effects: dict[str, Decimal] = {}
    for name in DRIVERS:
        values[name] = getattr(actual, name)
        after = Drivers(**values).cost()
        effects[name] = after - before
        before = after
    effects["total"] = actual.cost() - budget.cost()
    return effects


def per_contact(cost: Decimal, contacts: int) -> Decimal | None:
    return money(cost / contacts) if contacts > 0 else None
