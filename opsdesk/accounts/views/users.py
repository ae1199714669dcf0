"""Preferences, API tokens and user administration."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts import actions
from opsdesk.accounts.access import capability_required, signed_in_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.accounts.forms import ApiTokenForm, NewUserForm, PreferencesForm, UserForm
from opsdesk.accounts.models import ApiToken, Role, TotpDevice, User
from opsdesk.core.http import AuthedRequest, safe_next


@signed_in_required
@require_http_methods(["GET", "POST"])
def preferences_edit(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={"language": user.language, "time_zone": user.time_zone, "newest_first": user.newest_first},
        staff=user.is_agent_side,
    )
    if request.method == "POST" and form.is_valid() and form.apply(actions.set_preferences, user, actor=user):
        user.refresh_from_db()
        translation.activate(user.language)  # the confirmation below is shown in the new language
        messages.success(request, _("Your preferences were saved."))
        return redirect(safe_next(request, reverse("accounts:preferences_edit")))  # back where they were
    return render(request, "accounts/preferences_edit.html", {"form": form, "next": safe_next(request, "")})


@signed_in_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        result = form.apply(actions.issue_api_token, request.user, actor=request.user)
        if result:
            raw = result[1]
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/token_list.html", {"form": form, "tokens": tokens, "raw_token": raw})


@signed_in_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")


@capability_required(Capability.MANAGE_USERS)
def user_list(request: AuthedRequest) -> HttpResponse:
    users = User.objects.exclude(role=Role.CUSTOMER).select_related("totp_device").order_by("role", "name")
    return render(request, "accounts/user_list.html", {"users": users})


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.apply(actions.create_user, actor=request.user)
        if user:
            messages.success(request, _("The user was created."))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = get_object_or_404(User.objects.exclude(role=Role.CUSTOMER), pk=user_id)
    form = UserForm(
        request.POST or None,
        initial={
            "name": target.name,
            "role": target.role,
            "language": target.language,
            "time_zone": target.time_zone,
            "is_active": target.is_active,
        },
    )
    if request.method == "POST" and form.is_valid() and form.apply(actions.update_user, target, actor=request.user):
        messages.success(request, _("The user was saved."))
        return redirect("accounts:user_list")
    context = {
        "form": form,
        "title": target.name,
        "target": target,
        "two_factor": TotpDevice.objects.filter(user=target).exists(),
    }
    return render(request, "accounts/user_form.html", context)
