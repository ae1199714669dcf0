"""The one parser of a dashboard's, report's, export's and the reporting API's parameters into a `query.Cut`, and
the one rule of what cut a user may see (METRICS.md figures are not per-ticket rows, so scoping is by cut):

- who sees every ticket (managers, admins) may see any cut;
- a team lead (view_reports without see_all_tickets) sees cuts of one of their teams, or of one agent of them;
- an agent (view_own_stats) sees only the figures attributed to themselves.

Bad values raise `InvalidParameter` (a field error in forms, a 400 JSON error in the API); a cut beyond the
user's reach raises `ActionError` 403."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.analytics import periods, rollups
from opsdesk.analytics.periods import Period
from opsdesk.analytics.query import Cut
from opsdesk.core.errors import ActionError
from opsdesk.core.params import InvalidParameter, parse_bool, parse_choice, parse_day, parse_int, parse_text
from opsdesk.tickets.models import Ticket

MAX_DAYS = 731  # two years a request; longer ranges go through the export or the API page by page

PRESETS = {
    "today": gettext_lazy("Today"),
    "yesterday": gettext_lazy("Yesterday"),
    "7d": gettext_lazy("Last 7 days"),
    "30d": gettext_lazy("Last 30 days"),
    "90d": gettext_lazy("Last 90 days"),
    "this_week": gettext_lazy("This week"),
    "last_week": gettext_lazy("Last week"),
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "custom": gettext_lazy("Custom dates"),
}
COMPARE = {
    "previous": gettext_lazy("Previous period"),
    "year": gettext_lazy("Same period a year ago"),
    "none": gettext_lazy("No comparison"),
}


def preset_period(name: str, today: date | None = None) -> Period:
    today = today or periods.today()
    yesterday = today - timedelta(days=1)
    if name == "today":
        return Period(today, today)
    if name == "yesterday":
        return Period(yesterday, yesterday)
    if name in ("7d", "30d", "90d"):
        days = int(name[:-1])
        return Period(today - timedelta(days=days), yesterday)
    if name == "this_week":
        return Period(periods.week_of(today).start, today)
    if name == "last_week":
        return periods.week_of(today - timedelta(days=7))
    if name == "this_month":
        return Period(periods.month_of(today).start, today)
    if name == "last_month":
        return periods.month_of(periods.month_of(today).start - timedelta(days=1))
    if name == "this_quarter":
        return Period(periods.quarter_of(today).start, today)
    raise ValueError(name)


@dataclass(frozen=True)
class Request:
    """A parsed dashboard request: the cut, the comparison cut (or None) and the names chosen."""

    cut: Cut
    compare: Cut | None
    preset: str
    compare_name: str


def _id(params: Mapping[str, Any], name: str, label: Any) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    return parse_int(raw, field=name, label=label)


def _choice(params: Mapping[str, Any], name: str, choices: Mapping[str, Any], label: Any) -> str | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    return parse_choice(raw, choices, field=name, label=label)


def parse(params: Mapping[str, Any], *, default_preset: str = "yesterday") -> Request:
    """Parameters: period (a preset) or start/end (YYYY-MM-DD), compare (previous, year, none), team, agent,
    channel, language, priority, organization (ids or codes), tag, bh (business hours: true/false)."""
    from django.conf import settings

    preset = params.get("period") or default_preset
    preset = parse_choice(preset, PRESETS, field="period", label=_("Period"))
    if preset == "custom" or params.get("start") or params.get("end"):
        if not params.get("start") or not params.get("end"):
            raise InvalidParameter("start", _("Custom dates: enter both the first and the last day."))
        start = parse_day(params["start"], field="start", label=_("From"))
        end = parse_day(params["end"], field="end", label=_("Until"))
        if end < start:
            raise InvalidParameter("end", _("Until: the last day must not be before the first."))
        period = Period(start, end)
        preset = "custom"
    else:
        period = preset_period(preset)
    if period.days > MAX_DAYS:
        raise InvalidParameter("end", _("Choose at most %(days)s days.") % {"days": MAX_DAYS})
    tag = params.get("tag")
    where = rollups.Where(
        team=_id(params, "team", _("Team")),
        agent=_id(params, "agent", _("Agent")),
        channel=_choice(params, "channel", dict(Ticket.Channel.choices), _("Channel")),
        language=_choice(params, "language", dict(settings.LANGUAGES), _("Language")),
        priority=_choice(params, "priority", dict(Ticket.Priority.choices), _("Priority")),
        organization=_id(params, "organization", _("Organization")),
        tag=parse_text(tag, field="tag", label=_("Tag"), max_length=60).strip().lower() if tag else None,
    )
    bh_raw = params.get("bh")
    business_hours = parse_bool(bh_raw, field="bh", label=_("Business hours")) if bh_raw not in (None, "") else False
    cut = Cut(period, where, business_hours)
    compare_name = parse_choice(params.get("compare") or "previous", COMPARE, field="compare", label=_("Compare"))
    compare = None
    try:
        if compare_name == "previous":
            compare = cut.with_period(period.previous())
        elif compare_name == "year":
            try:
                compare = cut.with_period(
                    Period(
                        period.start.replace(year=period.start.year - 1), period.end.replace(year=period.end.year - 1)
                    )
                )
            except ValueError:  # 29 February
                compare = cut.with_period(Period(period.start - timedelta(days=365), period.end - timedelta(days=365)))
    except OverflowError:  # dates in the year 1: there is no earlier period
        raise InvalidParameter(
            "compare", _("Compare: there is no earlier period for these dates. Choose later dates or no comparison.")
        ) from None
    return Request(cut, compare, preset, compare_name)


def scope(user: Any, cut: Cut) -> Cut:
    """The cut as `user` may see it: unchanged, narrowed to their own figures, or refused (403)."""
    if can(user, Capability.SEE_ALL_TICKETS):
        return cut
    if can(user, Capability.VIEW_REPORTS):
        teams = set(user.team_ids())
        where = cut.where
        if where.team is None and where.agent is None:
            if not teams:
                raise ActionError(
                    "forbidden", _("You lead no team yet, so there are no team figures to show."), status=403
                )
            where = replace(where, team=min(teams))
        if where.team is not None and where.team not in teams:
            raise ActionError("forbidden", _("You can see the figures of your own teams only."), status=403)
        if where.agent is not None and where.team is None:
            from opsdesk.people.models import TeamMembership

            shared = TeamMembership.objects.filter(user_id=where.agent, team_id__in=teams).exists()
            if not shared and where.agent != user.pk:
                raise ActionError("forbidden", _("You can see the figures of your own teams only."), status=403)
        return replace(cut, where=where)
    if can(user, Capability.VIEW_OWN_STATS):
        return replace(cut, where=replace(cut.where, agent=user.pk))
    raise ActionError("forbidden", _("Your role does not allow this."), status=403)
