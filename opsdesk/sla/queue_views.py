"""The breach-risk page of a team's queue (opsdesk/sla/prediction.py): the workspace sorted by risk."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import staff_required
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import InvalidParameter, int_param
from opsdesk.people.models import Team
from opsdesk.sla import prediction
from opsdesk.tickets.models import Ticket

SHOWN = 100


def percent_text(probability: float) -> str:
    """A probability as people read it: never "0 %" or "100 %" for what is only unlikely or likely."""
    if 0 < probability < 0.005:
        return "< 1 %"
    if 0.995 <= probability < 1:
        return "> 99 %"
    return f"{round(probability * 100)} %"


@staff_required
@require_GET
def queue_risk(request: AuthedRequest) -> HttpResponse:
    user = request.user
    teams = list(Team.objects.all() if user.sees_all_tickets else Team.objects.filter(pk__in=user.team_ids()))
    wanted = int_param(request.GET, "team", default=None, label=_("Team"))
    team = next((t for t in teams if t.pk == wanted), None) if wanted is not None else (teams[0] if teams else None)
    if wanted is not None and team is None:
        raise InvalidParameter("team", _("Choose one of your teams."))
    now = timezone.now()
    pace = prediction.team_pace(team.pk, now) if team else None
    risks = prediction.queue_risks(team.pk, now, pace=pace)[:SHOWN] if team else []
    tickets = Ticket.objects.visible_to(user).select_related("assignee").in_bulk([r.ticket_id for r in risks])
    rows = [
        {"risk": r, "ticket": tickets[r.ticket_id], "percent": percent_text(r.probability)}
        for r in risks
        if r.ticket_id in tickets
    ]
    return render(
        request,
        "sla/queue_risk.html",
        {
            "teams": teams,
            "team": team,
            "pace": pace,
            "handle_minutes": max(1, round(pace.handle_seconds / 60)) if pace else 0,
            "rows": rows,
            "now": now,
            "section": "tickets",
        },
    )
