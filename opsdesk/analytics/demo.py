"""Demo goals: the quarter's targets a manager would set, so the dashboard shows figures against goals."""

from __future__ import annotations

from opsdesk.accounts.models import User
from opsdesk.analytics import periods
from opsdesk.analytics.actions.goals import save_goal

GOALS = (
    ("frt", 8 * 3600.0, "median"),
    ("resolution", 2 * 86400.0, "median"),
    ("sla_attainment", 80.0, "median"),
    ("one_touch", 25.0, "median"),
    ("reopen_rate", 5.0, "median"),
)


def seed_goals(*, actor: User) -> int:
    quarter = periods.quarter_of(periods.today())
    for kpi, target, statistic in GOALS:
        save_goal(
            None,
            kpi=kpi,
            team=None,
            start=quarter.start,
            end=quarter.end,
            target=target,
            statistic=statistic,
            actor=actor,
        )
    return len(GOALS)
