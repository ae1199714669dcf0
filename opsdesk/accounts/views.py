"""Sign-in (password or emailed link), sign-out, preferences, API tokens and user administration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts import actions
from opsdesk.accounts.access import admin_required, signed_in_required
from opsdesk.accounts.forms import (
    ApiTokenForm,
    NewUserForm,
    PreferencesForm,
    SignInForm,
    SignInLinkForm,
    UserForm,
)
from opsdesk.accounts.models import ApiToken, User
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest, client_ip

SIGN_IN_FAILURES = 20  # per IP address and 10 minutes


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Password sign-in. Only failed attempts count towards the per-IP limit, so an office behind one address
    can sign in all morning while guessing is still stopped."""
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        key = f"sign-in-failed:{client_ip(request)}"
        if ratelimit.exceeded(key, limit=SIGN_IN_FAILURES, window_seconds=600):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
            status = 429
        elif form.is_valid():
            user = authenticate(
                request, username=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"]
            )
            if user is not None:
                login(request, user)
                return redirect(_next_url(request))
            ratelimit.hit(key, limit=SIGN_IN_FAILURES, window_seconds=600)
            form.add_error(None, _("The email or password is not right."))
            status = 400
        else:
            status = 400
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign_in")


@require_http_methods(["GET", "POST"])
def link_request(request: HttpRequest) -> HttpResponse:
    """Ask for an emailed sign-in link. The answer is the same whether or not the address is known."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.hit(f"link:{client_ip(request)}", limit=5, window_seconds=600)
        user = User.objects.filter(email=form.cleaned_data["email"].lower(), is_active=True).first()
        if allowed and user is not None:
            actions.send_sign_in_link(user)
        messages.success(request, _("If that address has an account, a sign-in link is on its way."))
        return redirect("accounts:sign_in")
    return render(request, "accounts/link_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST uses the one-time link."""
    if request.method == "POST":
        try:
            user = actions.use_sign_in_link(token)
        except ActionError as error:
            messages.error(request, error.message)
            return redirect("accounts:link_request")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "accounts/link_confirm.html", {"token": token})


@signed_in_required
@require_http_methods(["GET", "POST"])
def preferences_edit(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(request.POST or None, initial={"language": user.language, "time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid() and form.apply(actions.set_preferences, user, actor=user):
        user.refresh_from_db()
        translation.activate(user.language)  # the confirmation below is shown in the new language
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences_edit")
    return render(request, "accounts/preferences_edit.html", {"form": form})


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


@admin_required
def user_list(request: AuthedRequest) -> HttpResponse:
    users = User.objects.exclude(role="customer").order_by("role", "name")
    return render(request, "accounts/user_list.html", {"users": users})


@admin_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.apply(actions.create_user, actor=request.user)
        if user:
            messages.success(request, _("The user was created."))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@admin_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = get_object_or_404(User.objects.exclude(role="customer"), pk=user_id)
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
    return render(request, "accounts/user_form.html", {"form": form, "title": target.name, "target": target})
