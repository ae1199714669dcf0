"""Schedule pages: the week editor of a team for planners (manage_schedules) with coverage against a staffing plan,
templates and rotations, time off to decide; and for every agent their own schedule in their own time zone, its
iCalendar file and their time-off requests."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can, roles_with
from opsdesk.accounts.models import User
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, is_htmx
from opsdesk.core.params import InvalidParameter, parse_choice, parse_day, parse_int
from opsdesk.people.models import Team
from opsdesk.workforce import adherence, coverage, ical, roster, schedule, series
from opsdesk.workforce.actions import schedules
from opsdesk.workforce.actions import states as state_actions
from opsdesk.workforce.forms import RotationApplyForm, RotationForm, TemplateForm, TimeOffForm
from opsdesk.workforce.models import AgentState, Rotation, Shift, ShiftTemplate, StaffingPlan, TimeOff

manage_schedules = capability_required(Capability.MANAGE_SCHEDULES)
be_assigned = capability_required(Capability.BE_ASSIGNED)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def team_agents(team: Team) -> list[User]:
    return list(
        User.objects.filter(team_set=team, is_active=True, role__in=roles_with(Capability.BE_ASSIGNED)).order_by(
            "name", "pk"
        )
    )


def _week(request: AuthedRequest) -> date:
    raw = request.GET.get("week", "")
    return _monday(parse_day(raw, field="week", label=_("Week")) if raw else timezone.localdate())


def _plan_for(team: Team, week: date, raw: str) -> StaffingPlan | None:
    plans = StaffingPlan.objects.select_related("forecast__queue").filter(forecast__queue__team=team)
    if raw:
        return get_object_or_404(plans, pk=parse_int(raw, field="plan", label=_("Staffing plan")))
    week_end = week + timedelta(days=6)
    for plan in plans.order_by("-created_at"):
        if plan.forecast.first_day <= week_end and plan.forecast.last_day >= week:
            return plan
    return None


def _cell_shifts(agent: User, shifts: list[roster.ShiftRow], week: date, data: roster.Roster) -> list[dict[str, Any]]:
    """The agent's shifts by day of the week, in the agent's own zone."""
    zone = zoneinfo.ZoneInfo(agent.time_zone)
    days: list[list[dict[str, Any]]] = [[] for _ in range(7)]
    for shift in shifts:
        start, end = shift.start.astimezone(zone), shift.end.astimezone(zone)
        offset = (start.date() - week).days
        if 0 <= offset < 7:
            inside = [
                {"activity": a.activity, "start": a.start.astimezone(zone), "end": a.end.astimezone(zone)}
                for a in data.activities.get(shift.pk, [])
            ]
            days[offset].append({"shift": shift, "start": start, "end": end, "inside": inside})
    return [{"day": week + timedelta(days=i), "items": items} for i, items in enumerate(days)]


@manage_schedules
@require_GET
def schedule_week(request: AuthedRequest) -> HttpResponse:
    teams = list(Team.objects.all())
    raw_team = request.GET.get("team", "")
    team = (
        get_object_or_404(Team, pk=parse_int(raw_team, field="team", label=_("Team")))
        if raw_team
        else (teams[0] if teams else None)
    )
    week = _week(request)
    context: dict[str, Any] = {"teams": teams, "team": team, "week": week}
    if team is not None:
        agents = team_agents(team)
        viewer_zone = request.user.time_zone
        start = series.local_midnight(week, viewer_zone) - timedelta(days=1)  # a day each side: other agents' zones
        end = start + timedelta(days=9)
        data = roster.load([a.pk for a in agents], start, end)
        plan = _plan_for(team, week, request.GET.get("plan", ""))
        rows = [{"agent": a, "days": _cell_shifts(a, data.shifts.get(a.pk, []), week, data)} for a in agents]
        context.update(
            {
                "rows": rows,
                "days": [week + timedelta(days=i) for i in range(7)],
                "templates": list(ShiftTemplate.objects.all()),
                "rotations": list(Rotation.objects.all()),
                "plan": plan,
                "plans": list(StaffingPlan.objects.filter(forecast__queue__team=team).select_related("forecast")[:20]),
                "viewer_zone": viewer_zone,
                "drafts": sum(1 for r in data.shifts.values() for s in r if s.published_at is None),
                "previous_week": week - timedelta(days=7),
                "next_week": week + timedelta(days=7),
                "apply_form": RotationApplyForm(initial={"first_monday": week, "weeks": 4}),
            }
        )
        if plan is None and context["plans"]:
            latest = context["plans"][0]
            context["plan_elsewhere"] = latest
            context["plan_week"] = _monday(latest.forecast.first_day)
        if plan is not None:
            work, gaps = data.work_and_gaps()
            forecast = plan.forecast
            context["coverage"] = coverage.team_week(
                required=coverage.plan_requirements(
                    plan.required,
                    first_day=forecast.first_day,
                    interval_minutes=forecast.interval_minutes,
                    zone=forecast.time_zone,
                ),
                work=work,
                gaps=gaps,
                week_start=week,
                viewer_zone=viewer_zone,
                interval_minutes=forecast.interval_minutes,
            )
    return render(request, "workforce/schedule_week.html", context)


def _back(request: AuthedRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/workforce/") else reverse("workforce:schedule_week")


@manage_schedules
@require_POST
def shift_place(request: AuthedRequest) -> HttpResponse:
    try:
        agent = get_object_or_404(User, pk=parse_int(request.POST.get("agent"), field="agent", label=_("Agent")))
        template = get_object_or_404(
            ShiftTemplate, pk=parse_int(request.POST.get("template"), field="template", label=_("Template"))
        )
        day = parse_day(request.POST.get("day", ""), field="day", label=_("Day"))
        schedules.place_shift(agent, day=day, template=template, actor=request.user)
    except (ActionError, InvalidParameter) as error:
        messages.error(request, str(error.message))
    return redirect(_back(request))


@manage_schedules
@require_POST
def shift_move(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """Move a shift to another day of its agent's (the editor's drag), keeping its local start time unless a new one
    is given."""
    shift = get_object_or_404(Shift.objects.select_related("agent"), pk=shift_id)
    zone = zoneinfo.ZoneInfo(shift.agent.time_zone)
    try:
        day = parse_day(request.POST.get("day", ""), field="day", label=_("Day"))
        local = shift.start.astimezone(zone)
        raw_time = request.POST.get("time", "").strip()
        clock = local.time() if not raw_time else _parse_time(raw_time)
        start = schedule.typed_local(datetime.combine(day, clock), shift.agent.time_zone, field="time")
        schedules.move_shift(shift, start=start, actor=request.user)
    except (ActionError, InvalidParameter) as error:
        messages.error(request, str(error.message))
    return redirect(_back(request))


def _parse_time(raw: str) -> time:
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise InvalidParameter("time", _("Enter a time such as 08:30.")) from None


@manage_schedules
@require_POST
def shift_remove(request: AuthedRequest, shift_id: int) -> HttpResponse:
    schedules.remove_shift(get_object_or_404(Shift, pk=shift_id), actor=request.user)
    messages.success(request, _("Shift removed."))
    return redirect(_back(request))


@manage_schedules
@require_POST
def schedule_publish(request: AuthedRequest) -> HttpResponse:
    team = get_object_or_404(Team, pk=parse_int(request.POST.get("team"), field="team", label=_("Team")))
    week = _monday(parse_day(request.POST.get("week", ""), field="week", label=_("Week")))
    start = series.local_midnight(week, request.user.time_zone) - timedelta(days=1)
    count = schedules.publish(team_agents(team), start=start, end=start + timedelta(days=9), actor=request.user)
    messages.success(request, _("%(n)d shifts published; each agent gets their week by email.") % {"n": count})
    return redirect(_back(request))


@manage_schedules
@require_POST
def rotation_apply(request: AuthedRequest) -> HttpResponse:
    team = get_object_or_404(Team, pk=parse_int(request.POST.get("team"), field="team", label=_("Team")))
    form = RotationApplyForm(request.POST)
    if form.is_valid():
        try:
            made = schedules.apply_rotation(
                form.cleaned_data["rotation"],
                agents=team_agents(team),
                first_monday=form.cleaned_data["first_monday"],
                weeks=form.cleaned_data["weeks"],
                actor=request.user,
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(n)d shifts placed as drafts.") % {"n": len(made)})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect(_back(request))


@manage_schedules
def template_list(request: AuthedRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    rotation_form = RotationForm(request.POST or None, prefix="rotation") if "rotation-name" in request.POST else None
    status = 200
    if request.method == "POST" and rotation_form is None:
        if form.is_valid():
            try:
                schedules.save_template(None, actor=request.user, **form.action_data())
            except ActionError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Template saved."))
                return redirect("workforce:template_list")
        status = 422
    if rotation_form is not None:
        form = TemplateForm()
        if rotation_form.is_valid():
            try:
                schedules.save_rotation(actor=request.user, **rotation_form.action_data())
            except ActionError as error:
                add_action_error(rotation_form, error)
            else:
                messages.success(request, _("Rotation saved."))
                return redirect("workforce:template_list")
        status = 422
    return render(
        request,
        "workforce/templates.html",
        {
            "templates": list(ShiftTemplate.objects.all()),
            "rotations": list(Rotation.objects.all()),
            "form": form,
            "rotation_form": rotation_form or RotationForm(prefix="rotation"),
        },
        status=status,
    )


@be_assigned
def my_schedule(request: AuthedRequest) -> HttpResponse:
    agent = request.user
    zone = zoneinfo.ZoneInfo(agent.time_zone)
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedules.request_time_off(agent, actor=agent, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Time off asked for; a planner decides."))
            return redirect("workforce:my_schedule")
    today = timezone.localdate(timezone=zone)
    start = series.local_midnight(today, agent.time_zone)
    data = roster.load([agent.pk], start, start + timedelta(days=28), published_only=True)
    shifts = [
        {
            "start": s.start.astimezone(zone),
            "end": s.end.astimezone(zone),
            "blocks": [
                {"activity": b.activity, "start": b.start.astimezone(zone), "end": b.end.astimezone(zone)}
                for b in data.blocks(s)
                if b.activity != schedule.WORK
            ],
        }
        for s in data.shifts.get(agent.pk, [])
    ]
    requests = list(TimeOff.objects.filter(agent=agent, end__gte=timezone.now()).order_by("start"))
    for item in requests:
        item.local_start, item.local_end = item.start.astimezone(zone), item.end.astimezone(zone)  # type: ignore[attr-defined]
    current = AgentState.objects.filter(agent=agent, end__isnull=True).values_list("state", flat=True).first()
    return render(
        request,
        "workforce/my_schedule.html",
        {
            "shifts": shifts,
            "zone": agent.time_zone,
            "form": form,
            "requests": requests,
            "states": state_actions.CHOSEN_LABELS(),
            "current_state": current,
        },
        status=422 if request.method == "POST" else 200,
    )


@be_assigned
@require_GET
def my_schedule_ics(request: AuthedRequest) -> HttpResponse:
    agent = request.user
    start = timezone.now() - timedelta(days=7)
    data = roster.load([agent.pk], start, start + timedelta(days=70), published_only=True)
    body = ical.calendar(agent, data)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opsdesk-schedule.ics"'
    return response


@manage_schedules
@require_GET
def time_off_list(request: AuthedRequest) -> HttpResponse:
    pending = list(TimeOff.objects.filter(state=TimeOff.State.PENDING).select_related("agent").order_by("start"))
    recent = list(
        TimeOff.objects.exclude(state=TimeOff.State.PENDING)
        .select_related("agent", "decided_by")
        .order_by("-decided_at")[:20]
    )
    for item in [*pending, *recent]:
        zone = zoneinfo.ZoneInfo(item.agent.time_zone)
        item.local_start, item.local_end = item.start.astimezone(zone), item.end.astimezone(zone)  # type: ignore[attr-defined]
    return render(request, "workforce/time_off.html", {"pending": pending, "recent": recent})


@manage_schedules
@require_POST
def time_off_decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    item = get_object_or_404(TimeOff, pk=request_id)
    decisions = {"approve": _("Approve"), "decline": _("Decline")}
    decision = parse_choice(request.POST.get("decision"), decisions, field="decision", label=_("Decision"))
    try:
        schedules.decide_time_off(item, approve=decision == "approve", actor=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decided."))
    return redirect("workforce:time_off_list")


view_reports = capability_required(Capability.VIEW_REPORTS)


def _visible_teams(user: User) -> list[Team]:
    teams = Team.objects.all()
    if not can(user, Capability.SEE_ALL_TICKETS):
        teams = teams.filter(pk__in=user.team_ids())
    return list(teams)


def _scheduled_team(teams: list[Team], week: date) -> int | None:
    """The first of the teams with published shifts in the week (else the first team): the page opens on one."""
    start = datetime.combine(week, time(0), tzinfo=timezone.get_current_timezone())
    scheduled = set(
        Shift.objects.filter(published_at__isnull=False, start__gte=start, start__lt=start + timedelta(days=7))
        .values_list("agent__team_set", flat=True)
        .distinct()
    )
    return next((t.pk for t in teams if t.pk in scheduled), teams[0].pk if teams else None)


@view_reports
@require_GET
def adherence_page(request: AuthedRequest) -> HttpResponse:
    """Who is out of adherence now (refreshed every 30 s), and the week's adherence and conformance per day."""
    teams = _visible_teams(request.user)
    raw = request.GET.get("team", "")
    team_id = parse_int(raw, field="team", label=_("Team")) if raw else _scheduled_team(teams, _week(request))
    team = next((t for t in teams if t.pk == team_id), None)
    if raw and team is None:
        raise Http404
    context: dict[str, Any] = {"teams": teams, "team": team}
    if team is not None:
        agents = team_agents(team)
        now = timezone.now()
        zone = request.user.time_zone
        names = {a.pk: a for a in agents}
        rows = adherence.live([a.pk for a in agents], now, zone)
        week = _week(request)
        context.update(
            {
                "live": [(names[r.agent_id], r) for r in rows],
                "out": sum(1 for r in rows if not r.adhering),
                "week": week,
                "days": [week + timedelta(days=i) for i in range(7)],
                "by_day": [(names[i], days) for i, days in adherence.week(list(names), week, zone, now).items()],
                "grace": adherence.grace(),
                "now": now,
            }
        )
    template = "workforce/partials/adherence_live.html" if is_htmx(request) else "workforce/adherence.html"
    return render(request, template, context)
