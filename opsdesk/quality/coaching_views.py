"""An agent's reviews criterion by criterion (quality/criteria.py) for their lead, with a coaching task made from a
weak criterion; the agent sees their tasks on the Quality page and marks them done."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import capability_required, staff_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.accounts.models import Role, User
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, redirect_after_post
from opsdesk.core.params import InvalidParameter, parse_day, parse_int
from opsdesk.quality import criteria
from opsdesk.quality.actions import coaching
from opsdesk.quality.models import CoachingTask, Scorecard

review_quality = capability_required(Capability.REVIEW_QUALITY)
PERIODS = {"30": 30, "90": 90, "180": 180}


def _agent(agent_id: int) -> User:
    return get_object_or_404(User.objects.exclude(role=Role.CUSTOMER), pk=agent_id, is_active=True)


@review_quality
@require_GET
def agent_quality(request: AuthedRequest, agent_id: int) -> HttpResponse:
    agent = _agent(agent_id)
    days = PERIODS.get(request.GET.get("days", "90"), 90)
    now = timezone.now()
    found = criteria.for_agent(request.user, agent.pk, now - timedelta(days=days), now)
    tasks = list(
        CoachingTask.objects.filter(agent=agent).select_related("scorecard", "created_by").order_by("-created_at")[:50]
    )
    open_keys = {(t.scorecard_id, t.item_key) for t in tasks if t.state == CoachingTask.State.OPEN}
    return render(
        request,
        "quality/agent_quality.html",
        {
            "agent": agent,
            "days": days,
            "periods": PERIODS,
            "rows": [(c, (c.scorecard_id, c.key) in open_keys) for c in found],
            "tasks": tasks,
            "weak_below": criteria.WEAK_BELOW,
            "min_reviews": criteria.MIN_REVIEWS,
            "today": timezone.localdate(),
        },
    )


@review_quality
@require_POST
def coaching_create(request: AuthedRequest, agent_id: int) -> HttpResponse:
    agent = _agent(agent_id)
    back = reverse("qa:agent_quality", args=[agent.pk])
    scorecard_id = parse_int(request.POST.get("scorecard"), field="scorecard", label=_("Scorecard"))
    scorecard = get_object_or_404(Scorecard, pk=scorecard_id)
    due = request.POST.get("due_on", "").strip()
    try:
        task = coaching.create_task(
            agent,
            scorecard=scorecard,
            item_key=request.POST.get("item_key", "")[:80],
            note=request.POST.get("note", ""),
            due_on=parse_day(due, field="due_on", label=_("Due")) if due else None,
            actor=request.user,
        )
    except (ActionError, InvalidParameter) as error:
        messages.error(request, str(error.message))
        return redirect_after_post(request, back)
    messages.success(request, _("Coaching task created: %(name)s.") % {"name": task.item_name})
    return redirect_after_post(request, back)


@staff_required
@require_POST
def coaching_done(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(CoachingTask, pk=task_id)
    try:
        coaching.complete_task(task, actor=request.user)
    except ActionError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Coaching task done."))
    return redirect_after_post(request, reverse("qa:qa_home"))
