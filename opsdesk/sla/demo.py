"""The demo's SLA set-up (`opsdesk seed-demo`), all through the actions: a Helsinki office calendar with the Finnish
holidays of this year and the next, targets per priority on the default "Standard" policy, a tighter "VIP" policy
for one organization, and one escalation (a breached first reply notifies the assignee and the team's leads and
raises the priority). The seeded tickets get their clocks from `tracking.backfill` afterwards; the benchmark of
the minutely due check (bench/sla_scan.py) measures under the same targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from opsdesk.accounts.models import User
from opsdesk.customers.models import CustomerOrganization
from opsdesk.sla import actions as calendar_actions
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.models import BusinessCalendar, Escalation, SlaPolicy

HOUR = 3600
CALENDAR_NAME = "Helsinki office"
CALENDAR_ZONE = "Europe/Helsinki"
# Monday to Friday 08:00-12:00 and 13:00-17:00 local time, closed at the weekend (minutes after midnight)
WEEK = [[(8 * 60, 12 * 60), (13 * 60, 17 * 60)]] * 5 + [[], []]
VIP_NAME = "VIP"
VIP_ORGANIZATION = "Northwind Traders"  # the demo portal customer's organization, so the portal shows it too


def _targets(metric: str, hours: dict[str, float], *, business_hours: bool = True) -> list[TargetInput]:
    return [
        TargetInput(priority, metric, int(h * HOUR), business_hours=business_hours) for priority, h in hours.items()
    ]


# Business hours of the Helsinki office; the requester's whole wait counts new, open and on-hold time.
STANDARD_TARGETS = (
    *_targets("first_reply", {"urgent": 1, "high": 4, "normal": 8, "low": 24}),
    *_targets("next_reply", {"urgent": 2, "high": 4, "normal": 8, "low": 24}),
    *_targets("requester_wait", {"urgent": 8, "high": 24, "normal": 40, "low": 80}),
)
VIP_TARGETS = (
    TargetInput("urgent", "first_reply", HOUR // 2, business_hours=False),  # round the clock
    *_targets("first_reply", {"high": 1, "normal": 2, "low": 4}),
    TargetInput("urgent", "next_reply", HOUR, business_hours=False),
    *_targets("next_reply", {"high": 2, "normal": 4, "low": 8}),
    *_targets("requester_wait", {"urgent": 4, "high": 8, "normal": 16, "low": 24}),
)


@dataclass
class Seeded:
    calendar: BusinessCalendar
    standard: SlaPolicy
    vip: SlaPolicy
    escalation: Escalation
    holidays: int


def helsinki_calendar(*, actor: User, today: date | None = None) -> tuple[BusinessCalendar, int]:
    """The Helsinki office calendar with the Finnish holidays of `today`'s year and the next (made once; again,
    the same calendar with nothing added). Returns it and how many holidays were added."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.objects.filter(name=CALENDAR_NAME).first()
    if calendar is None:
        calendar = calendar_actions.save_calendar(
            None, name=CALENDAR_NAME, time_zone=CALENDAR_ZONE, weekly=WEEK, actor=actor
        )
    added = 0
    for year in (today.year, today.year + 1):
        added += calendar_actions.generate_holidays(calendar, country="FI", year=year, actor=actor)[0]
    return calendar, added


def seed_sla(*, actor: User, today: date | None = None) -> Seeded:
    """Calendar, policies and the escalation of the demo (on a database with demo reference data)."""
    calendar, holidays = helsinki_calendar(actor=actor, today=today)
    standard = SlaPolicy.objects.get(is_default=True)
    standard = policy_actions.save_policy(
        standard,
        name=standard.name,
        conditions={},
        calendar=calendar,
        pause_categories=["pending"],
        targets=STANDARD_TARGETS,
        actor=actor,
    )
    organization = CustomerOrganization.objects.get(name=VIP_ORGANIZATION)
    vip = policy_actions.save_policy(
        SlaPolicy.objects.filter(name=VIP_NAME).first(),
        name=VIP_NAME,
        conditions={
            "match": "all",
            "conditions": [{"field": "organization_id", "op": "is", "value": organization.pk}],
        },
        calendar=calendar,
        pause_categories=["pending"],
        targets=VIP_TARGETS,
        actor=actor,
    )
    escalation = policy_actions.save_escalation(
        standard,
        standard.escalations.filter(level=1).first(),
        level=1,
        trigger=Escalation.Trigger.BREACHED,
        metric="first_reply",
        delay=0,
        notify=[Escalation.Notify.ASSIGNEE, Escalation.Notify.TEAM_LEADS],
        by_email=False,
        raise_priority=True,
        move_to_team=None,
        add_tag="",
        actor=actor,
    )
    return Seeded(calendar, standard, vip, escalation, holidays)
