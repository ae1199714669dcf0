"""Routing pages: the settings (manage routing: each team's strategy, each agent's languages, skills and capacity),
the live board (leads and managers: presence, load and the waiting tickets), the agent's presence control in the
top bar, and a ticket's routing requirement (loaded into the ticket page's sidebar)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability, can, roles_with
from opsdesk.accounts.models import User
from opsdesk.core import languages
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest, redirect_after_post, render_page_or_partial
from opsdesk.people.models import Skill, Team
from opsdesk.routing import actions, board
from opsdesk.routing.forms import AgentRoutingForm, PresenceForm, RequirementForm, TeamRoutingForm
from opsdesk.routing.models import AgentProfile, AgentSkill, RoutingWait, TeamRouting, TicketRequirement
from opsdesk.tickets.access import can_edit, get_ticket_for_user

manage_routing = capability_required(Capability.MANAGE_ROUTING)
view_board = capability_required(Capability.VIEW_REPORTS)


@manage_routing
@require_GET
def routing_settings(request: AuthedRequest) -> HttpResponse:
    teams = list(Team.objects.select_related("routing").order_by("name"))
    waiting = dict(
        RoutingWait.objects.values("team_id").annotate(n=Count("ticket")).values_list("team_id", "n").order_by()
    )
    rows = []
    for team in teams:
        config = getattr(team, "routing", None)
        minutes = config.fallback_seconds // 60 if config else 0
        rows.append({"team": team, "config": config, "waiting": waiting.get(team.pk, 0), "fallback_minutes": minutes})
    return render(request, "routing/routing_settings.html", {"teams": rows, "agents": board.agent_rows()})


@manage_routing
@require_http_methods(["GET", "POST"])
def team_routing_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id)
    config = TeamRouting.objects.filter(team=team).first()
    form = TeamRoutingForm(request.POST or None, config=config)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_team_routing(team, actor=request.user, **form.action_kwargs())
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Routing of %(team)s saved.") % {"team": team.display_name})
            return redirect_after_post(request, reverse("routing:routing_settings"))
    status = 400 if request.method == "POST" else 200
    return render(request, "routing/team_routing_form.html", {"team": team, "form": form}, status=status)


@manage_routing
@require_http_methods(["GET", "POST"])
def agent_routing_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True, role__in=roles_with(Capability.BE_ASSIGNED))
    skills = list(Skill.objects.order_by("name"))
    levels = dict(AgentSkill.objects.filter(user=person).values_list("skill_id", "level"))
    capacity = dict(person.routing_capacities.values_list("channel_group", "limit"))
    profile = AgentProfile.objects.filter(user=person).first()
    form = AgentRoutingForm(request.POST or None, profile=profile, skills=skills, levels=levels, capacity=capacity)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_agent_routing(person, actor=request.user, **form.action_kwargs())
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Routing settings of %(name)s saved.") % {"name": person.name})
            return redirect_after_post(request, reverse("routing:routing_settings"))
    status = 400 if request.method == "POST" else 200
    return render(request, "routing/agent_routing_form.html", {"person": person, "form": form}, status=status)


def _board_teams(user: User) -> list[Team]:
    teams = Team.objects.order_by("name")
    if not can(user, Capability.MANAGE_ROUTING):
        teams = teams.filter(pk__in=user.team_ids())
    return list(teams)


@view_board
@require_GET
def routing_board(request: AuthedRequest) -> HttpResponse:
    context = {"boards": board.team_boards(_board_teams(request.user))}
    return render_page_or_partial(request, "routing/routing_board.html", "routing/partials/board.html", context)


def _presence_context(user: User, form: PresenceForm | None = None) -> dict[str, object]:
    profile = AgentProfile.objects.filter(user=user).first()
    current = profile.presence if profile else AgentProfile.Presence.OFFLINE
    label = AgentProfile.Presence(current).label
    return {"form": form or PresenceForm(initial={"presence": current}), "current": current, "current_label": label}


@require_http_methods(["GET", "POST"])
def presence_control(request: AuthedRequest) -> HttpResponse:
    """The top bar's presence menu (GET, loaded by htmx) and its change (POST)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Capability.BE_ASSIGNED):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "routing/partials/presence.html", _presence_context(request.user))
    form = PresenceForm(request.POST)
    if form.is_valid():
        try:
            actions.set_presence(request.user, presence=form.cleaned_data["presence"], actor=request.user)
        except ActionError as error:
            add_action_error(form, error)
        else:
            if request.headers.get("HX-Request"):
                return render(request, "routing/partials/presence.html", _presence_context(request.user))
            return redirect_after_post(request, reverse("home"))
    return render(request, "routing/partials/presence.html", _presence_context(request.user, form), status=400)


@require_http_methods(["GET", "POST"])
def ticket_requirement(request: AuthedRequest, ticket_id: int) -> HttpResponse:
    """The ticket page's routing panel: what routing must match (GET, for staff who see the ticket) and its change
    (POST, for those who may edit it)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_agent_side:
        raise PermissionDenied
    ticket = get_ticket_for_user(request.user, ticket_id, write=request.method == "POST")
    requirement = TicketRequirement.objects.filter(ticket=ticket).prefetch_related("skills").first()
    initial = {
        "skills": list(requirement.skills.all()) if requirement else [],
        "language": requirement.language if requirement else "",
    }
    form = RequirementForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.set_ticket_requirement(
                    ticket,
                    skills=list(form.cleaned_data["skills"]),
                    language=form.cleaned_data["language"],
                    actor=request.user,
                )
            except ActionError as error:
                add_action_error(form, error)
            else:
                return redirect_after_post(request, ticket.get_absolute_url())
        status = 400
    context = {
        "ticket": ticket,
        "form": form,
        "requirement": requirement,
        "language_name": languages.name(requirement.language) if requirement else "",
        "can_edit": can_edit(request.user, ticket),
    }
    return render_page_or_partial(
        request, "routing/ticket_requirement.html", "routing/partials/requirement.html", context, status=status
    )
