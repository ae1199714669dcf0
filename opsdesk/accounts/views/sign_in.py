"""Sign-in: staff with a password and, when they have it or their role requires it, a two-factor code; customers
with a password or an emailed link. Sign-out, and the password reset that starts from the sign-in page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts import actions
from opsdesk.accounts.forms import CodeForm, NewPasswordForm, PasswordResetForm, SignInForm, SignInLinkForm
from opsdesk.accounts.models import PasswordReset, Role, SignInPolicy, TotpDevice, User, hash_token
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.http import client_ip, safe_next, safe_url
from opsdesk.customers import actions as customer_actions

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING = "opsdesk_pending_sign_in"  # the session key of a sign-in between its password and its second step
PENDING_SECONDS = 600


def _next_url(request: HttpRequest) -> str:
    return safe_next(request, "/")


def _too_many(form: Any) -> None:
    if not form.is_bound:  # a refusal made before the body was read shows the empty form with the error
        form.cleaned_data = {}
    form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))


def _start_pending(request: HttpRequest, user: User, *, enrol: bool) -> None:
    next_url = _next_url(request)
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "stamp": user.session_stamp,
        "at": int(timezone.now().timestamp()),
        "enrol": enrol,
        "next": next_url,
    }


def pending_user(request: HttpRequest, *, enrol: bool) -> User | None:
    """The user who gave the right password in this session a short while ago and has a second step to take."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or data.get("enrol") is not enrol:
        return None
    if timezone.now().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.session_stamp != data.get("stamp"):
        return None
    return user


def finish_sign_in(request: HttpRequest, user: User) -> str:
    """Sign the user in after their last step; returns where they were going."""
    data = request.session.get(PENDING) or {}
    login(request, user, backend=BACKEND)  # a new session key; the pending state does not survive
    request.session.pop(PENDING, None)
    return safe_url(request, str(data.get("next") or "/"), "/")


def _refuse_sign_in(request: HttpRequest) -> HttpResponse:
    """An address over its failure limit: the page again, without reading what was posted."""
    form = SignInForm()
    _too_many(form)
    return render(
        request, "accounts/sign_in.html", {"form": form, "next": safe_url(request, request.GET.get("next", "/"), "/")}
    )


FAILURES_PER_ADDRESS = ratelimit.guard(
    "sign-in-failed",
    limit=lambda: int(settings.OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS),
    window_seconds=actions.ADDRESS_WINDOW,
    counts_every_request=False,  # only failures count (actions.record_sign_in_failure): offices share addresses
    refuse=_refuse_sign_in,
)


@never_cache
@FAILURES_PER_ADDRESS
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The password step. Failures count per IP address and per account; both pause sign-in for a while."""
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            if actions.is_locked_out(email):
                _too_many(form)
                status = 429
            else:
                user = authenticate(request, username=email, password=form.cleaned_data["password"])
                if user is None:
                    actions.record_sign_in_failure(email, ip=client_ip(request), stage="password")
                    form.add_error(None, _("The email or password is not right."))
                else:
                    return _after_password(request, user)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)}, status=status)


def _after_password(request: HttpRequest, user: Any) -> HttpResponse:
    if TotpDevice.objects.filter(user=user).exists():
        _start_pending(request, user, enrol=False)
        return redirect("accounts:sign_in_code")
    if SignInPolicy.load().requires_two_factor(user):
        _start_pending(request, user, enrol=True)
        messages.info(request, _("Your role signs in with two-factor. Set it up now to continue."))
        return redirect("accounts:two_factor_setup")
    login(request, user, backend=BACKEND)
    return redirect(_next_url(request))


def _refuse_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm()
    _too_many(form)
    return render(request, "accounts/sign_in_code.html", {"form": form})


@never_cache
@ratelimit.guard(
    "sign-in-failed",
    limit=lambda: int(settings.OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS),
    window_seconds=actions.ADDRESS_WINDOW,
    counts_every_request=False,
    refuse=_refuse_code,
)
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = pending_user(request, enrol=False)
    if user is None:
        messages.error(request, _("Sign in again: the sign-in took too long or was not started here."))
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if actions.is_locked_out(user.email):
                _too_many(form)
                status = 429
            elif actions.verify_second_factor(user, code=form.cleaned_data["code"], ip=client_ip(request)):
                return redirect(finish_sign_in(request, user))
            else:
                actions.record_sign_in_failure(user.email, ip=client_ip(request), stage="code")
                form.add_error("code", _("That code is not right."))
    return render(request, "accounts/sign_in_code.html", {"form": form}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign_in")


def _refuse_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm()
    _too_many(form)
    return render(request, "accounts/link_request.html", {"form": form})


@ratelimit.guard("link", limit=5, window_seconds=600, counts_every_request=True, refuse=_refuse_link)
@require_http_methods(["GET", "POST"])
def link_request(request: HttpRequest) -> HttpResponse:
    """Ask for an emailed sign-in link (customers only). The answer is the same whether the address is a
    customer's, a staff member's or unknown."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = User.objects.filter(email=email, is_active=True, role=Role.CUSTOMER).first()
        if user is not None:
            actions.send_sign_in_link(user)
        messages.success(request, _("If that address has an account, a sign-in link is on its way."))
        return redirect("accounts:sign_in")
    return render(request, "accounts/link_request.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST uses the one-time link."""
    if request.method == "POST":
        try:
            user = actions.use_sign_in_link(token)
        except ActionError as error:
            messages.error(request, error.message)
            return redirect("accounts:link_request")
        # The link went to this address and came back: its owner proved it is theirs (only customers get links).
        customer_actions.verify_email(user.email, actor=user)
        login(request, user, backend=BACKEND)
        return redirect("home")
    return render(request, "accounts/link_confirm.html", {"token": token})


def _refuse_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm()
    _too_many(form)
    return render(request, "accounts/password_reset.html", {"form": form})


@ratelimit.guard("password-reset", limit=5, window_seconds=600, counts_every_request=True, refuse=_refuse_reset)
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a password-reset link. The answer is the same whether or not the address has an account."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_password_reset(form.cleaned_data["email"], ip=client_ip(request))
        messages.success(request, _("If that address has an account, we have sent it a link to reset the password."))
        return redirect("accounts:sign_in")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the form (mail scanners follow links); POST uses the one-time link."""
    reset = PasswordReset.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    usable = reset is not None and reset.is_usable and reset.user.is_active
    form = NewPasswordForm(request.POST or None)
    status = 200 if usable else 400
    if usable and request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.reset_password(token, new_password=form.cleaned_data["new_password1"], ip=client_ip(request))
            except ActionError as error:
                if error.code == "reset_invalid":
                    usable = False
                else:
                    form.add_error("new_password1", error.message)
            else:
                messages.success(request, _("Your new password is saved. Sign in with it."))
                return redirect("accounts:sign_in")
    response = render(request, "accounts/password_reset_confirm.html", {"form": form, "usable": usable}, status=status)
    # the token is in this page's address: sent to no other site. Not "no-referrer": browsers then post the page's
    # form with `Origin: null`, and the CSRF check refuses it (403).
    response["Referrer-Policy"] = "same-origin"
    return response
