"""Team pages: list, create, edit, members."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsdesk.accounts.access import capability_required, staff_required
from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest
from opsdesk.core.translations import language_name, sort_translated
from opsdesk.people import actions
from opsdesk.people.forms import MembershipForm, TeamForm
from opsdesk.people.models import Team


@staff_required
@require_GET
def team_list(request: AuthedRequest) -> HttpResponse:
    teams = sort_translated(Team.objects.prefetch_related("memberships__user", "skills"), lambda t: t.display_name)
    return render(request, "people/team_list.html", {"teams": teams})


def _team_form(request: AuthedRequest, team: Team | None) -> HttpResponse:
    initial = {}
    if team is not None:
        initial = {
            "name": team.texts("name"),
            "email": team.email,
            "languages": team.languages,
            "skills": ", ".join(s.name for s in team.skills.all()),
        }
    form = TeamForm(request.POST or None, initial=initial)
    # Opened from the administrator's "Untranslated entries" list: go back there after saving.
    back = "untranslated" if (request.POST.get("next") or request.GET.get("next")) == "untranslated" else ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_team(team, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Team saved."))
            if back:
                return redirect("ticket_settings:untranslated_list")
            return redirect("people:team_detail", saved.pk)
    missing = [language_name(code) for code in team.missing_languages()] if team is not None else []
    return render(
        request,
        "people/team_form.html",
        {"form": form, "team": team, "next": back, "missing": missing},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Capability.MANAGE_TEAMS)
@require_http_methods(["GET", "POST"])
def team_create(request: AuthedRequest) -> HttpResponse:
    return _team_form(request, None)


@capability_required(Capability.MANAGE_TEAMS)
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    return _team_form(request, get_object_or_404(Team, pk=team_id))


@staff_required
@require_GET
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.prefetch_related("skills"), pk=team_id)
    return render(
        request,
        "people/team_detail.html",
        {
            "team": team,
            "memberships": team.memberships.select_related("user").order_by("-is_lead", "user__name"),
            "form": MembershipForm(),
            "can_edit": can(request.user, Capability.MANAGE_TEAMS),
        },
    )


@capability_required(Capability.MANAGE_TEAMS)
@require_POST
def team_member_set(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            actions.set_membership(team, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Team members saved."))
    else:
        messages.error(request, _("Choose a person and an access level."))
    return redirect("people:team_detail", team.pk)
