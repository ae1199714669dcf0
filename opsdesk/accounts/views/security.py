"""A user's password and two-factor sign-in, and the administrator's sign-in policy."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opsdesk.accounts import actions, totp
from opsdesk.accounts.access import capability_required, signed_in_required, staff_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.accounts.forms import CodeForm, PasswordChangeForm, PasswordConfirmForm, SignInPolicyForm
from opsdesk.accounts.models import RecoveryCode, Role, SignInPolicy, TotpDevice, User
from opsdesk.accounts.views.sign_in import PENDING, finish_sign_in, pending_user
from opsdesk.core.errors import ActionError
from opsdesk.core.http import AuthedRequest

SETUP_SECRET = "opsdesk_totp_setup_secret"  # the secret being set up, kept in the session until it is confirmed
BASE32 = re.compile(r"^[A-Z2-7]{32}$")


@never_cache
@signed_in_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST or None, has_password=user.has_usable_password())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = actions.change_password(
                    user,
                    current_password=form.cleaned_data.get("current_password", ""),
                    new_password=form.cleaned_data["new_password1"],
                    actor=user,
                )
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                update_session_auth_hash(request, changed)  # this session stays; every other one has ended
                messages.success(request, _("Your password was changed. Your other sessions were signed out."))
                return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@never_cache
@staff_required
def two_factor(request: AuthedRequest) -> HttpResponse:
    return _two_factor_page(request, PasswordConfirmForm())


def _two_factor_page(request: AuthedRequest, form: PasswordConfirmForm, status: int = 200) -> HttpResponse:
    user = request.user
    device = TotpDevice.objects.filter(user=user).first()
    context = {
        "device": device,
        "required": SignInPolicy.load().requires_two_factor(user),
        "remaining": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() if device else 0,
        "form": form,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@staff_required
@require_POST
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        form.apply(actions.disable_two_factor, request.user, actor=request.user)
        if not form.errors:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:two_factor")
    return _two_factor_page(request, form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: by choice when signed in, or as the step after the password when the user's
    role requires two-factor (then the user is signed in only once it is set up)."""
    pending = None
    if request.user.is_authenticated:
        user = request.user
        if not isinstance(user, User) or user.role == Role.CUSTOMER:
            raise PermissionDenied
    else:
        pending = pending_user(request, enrol=True)
        if pending is None:
            return redirect_to_login(request.get_full_path())
        user = pending
    if TotpDevice.objects.filter(user=user).exists():
        messages.info(request, _("Two-factor sign-in is on already."))
        return redirect("accounts:two_factor")
    secret = request.session.get(SETUP_SECRET)
    if not isinstance(secret, str) or not BASE32.match(secret):
        secret = totp.new_secret()
        request.session[SETUP_SECRET] = secret
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        codes = form.apply(actions.enable_two_factor, user, secret=secret, actor=user) if form.is_valid() else None
        if codes:
            request.session.pop(SETUP_SECRET, None)
            next_url = finish_sign_in(request, user) if pending is not None else "/"
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    uri = totp.provisioning_uri(secret, account=user.email)
    context = {
        "form": form,
        "secret": secret,
        "grouped_secret": totp.grouped(secret),
        # drawn here from our own URI by segno: SVG markup with no script and no style attribute
        "qr": mark_safe(totp.qr_svg(uri, title=_("QR code for your authenticator app"))),  # noqa: S308
        "pending": pending is not None and PENDING in request.session,
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@never_cache
@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def sign_in_policy(request: AuthedRequest) -> HttpResponse:
    policy = SignInPolicy.load()
    form = SignInPolicyForm(request.POST or None, initial={"two_factor_roles": policy.two_factor_roles})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.set_two_factor_roles(roles=form.cleaned_data["two_factor_roles"], actor=request.user)
            except ActionError as error:
                form.add_error("two_factor_roles", error.message)
            else:
                messages.success(request, _("The sign-in policy was saved."))
                return redirect("accounts:sign_in_policy")
    return render(request, "accounts/sign_in_policy.html", {"form": form}, status=status)


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_two_factor_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    target = get_object_or_404(User.objects.exclude(role=Role.CUSTOMER), pk=user_id)
    actions.reset_two_factor(target, actor=request.user)
    messages.success(request, _("Two-factor sign-in was turned off for this user. They set it up again."))
    return redirect("accounts:user_edit", user_id=target.pk)
