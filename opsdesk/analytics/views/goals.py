"""Goals pages: the list with each goal's progress, and the form to set or change one (manage_reports)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.analytics import dashboard, goals, periods
from opsdesk.analytics.actions import goals as goal_actions
from opsdesk.analytics.forms import GoalForm
from opsdesk.analytics.models import Goal
from opsdesk.core.http import AuthedRequest, redirect_after_post

manage_reports = capability_required(Capability.MANAGE_REPORTS)


@manage_reports
@require_GET
def goal_list(request: AuthedRequest) -> HttpResponse:
    rows = []
    for goal in Goal.objects.select_related("team").order_by("-end", "kpi", "id")[:200]:
        progress = goals.progress(goal)
        rows.append(
            {
                "goal": goal,
                "progress": progress,
                "value": dashboard.display(progress.kpi, progress.value),
                "target": dashboard.display(progress.kpi, goal.target),
                "period": dashboard.period_text(periods.Period(goal.start, goal.end)),
            }
        )
    return render(request, "analytics/goal_list.html", {"rows": rows, "here": "goals"})


@manage_reports
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthedRequest, goal_id: int | None = None) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=goal_id) if goal_id is not None else None
    form = GoalForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        saved = form.apply(goal_actions.save_goal, goal, actor=request.user)
        if saved is not None:
            messages.success(request, _("Goal saved."))
            return redirect_after_post(request, reverse("analytics:goal_list"))
    status = 400 if request.method == "POST" else 200
    return render(request, "analytics/goal_form.html", {"form": form, "goal": goal, "here": "goals"}, status=status)


@manage_reports
@require_POST
def goal_delete(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=goal_id)
    goal_actions.delete_goal(goal, actor=request.user)
    messages.success(request, _("Goal deleted."))
    return redirect_after_post(request, reverse("analytics:goal_list"))
