"""Every write to users, API tokens, sign-in links, passwords and two-factor; each leaves an audit row."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts import totp
from opsdesk.accounts.capabilities import Capability, require
from opsdesk.accounts.models import (
    STAFF_ROLES,
    ApiToken,
    PasswordReset,
    RecoveryCode,
    Role,
    SignInLink,
    SignInPolicy,
    TotpDevice,
    User,
    hash_token,
    new_session_stamp,
)
from opsdesk.audit import actions as audit
from opsdesk.core import outbox, ratelimit
from opsdesk.core.errors import ActionError

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _check_profile(email: str, role: str, language: str, time_zone: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError("invalid_email", _("Enter a valid email address."), field="email", status=422) from None
    if role not in Role.values:
        raise ActionError("invalid_role", _("Choose a valid role."), field="role", status=422)
    if language not in LANGUAGE_CODES:
        raise ActionError("invalid_language", _("Choose a supported language."), field="language", status=422)
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ActionError("invalid_time_zone", _("Choose a valid time zone."), field="time_zone", status=422) from None
    return email


@transaction.atomic
def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    language: str = "en",
    time_zone: str = "Europe/Helsinki",
    actor: User | None,
    send_password_link: bool = True,
) -> User:
    """A new user. Staff created without a password get an emailed link to choose one, unless
    `send_password_link` is False (the demo seeder gives every demo login its password right after)."""
    email = _check_profile(email, role, language, time_zone)
    if User.objects.filter(email=email).exists():
        raise ActionError("email_taken", _("A user with this email exists already."), field="email")
    if password:
        try:
            validate_password(password)
        except ValidationError as error:
            raise ActionError("weak_password", " ".join(error.messages), field="password", status=422) from None
    user = User.objects.create_user(
        email,
        password or None,
        name=name.strip() or email.split("@")[0],
        role=role,
        language=language,
        time_zone=time_zone,
        is_superuser=role == Role.ADMIN,
    )
    if not password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit.record(actor=actor, verb="user.created", target=user, data={"email": email, "role": role})
    if not password and role != Role.CUSTOMER and send_password_link:
        # staff sign in with a password only: a new member chooses theirs from an emailed one-time link
        create_password_reset(
            user, minutes=settings.OPSDESK_PASSWORD_SETUP_HOURS * 60, template="accounts/emails/password_setup"
        )
    return user


@transaction.atomic
def update_user(
    user: User, *, name: str, role: str, language: str, time_zone: str, is_active: bool, actor: User
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_profile(user.email, role, language, time_zone)
    if user.pk == actor.pk and (role != user.role or not is_active):
        raise ActionError("own_role", _("You cannot change your own role or deactivate yourself."), field="role")
    before = {
        "name": user.name,
        "role": user.role,
        "language": user.language,
        "time_zone": user.time_zone,
        "is_active": user.is_active,
    }
    deactivated = user.is_active and not is_active
    user.name, user.role, user.language, user.time_zone, user.is_active = name, role, language, time_zone, is_active
    user.is_superuser = role == Role.ADMIN
    fields = ["name", "role", "language", "time_zone", "is_active", "is_superuser", "updated_at"]
    data: dict[str, Any] = {
        "before": before,
        "after": {"name": name, "role": role, "language": language, "time_zone": time_zone, "is_active": is_active},
    }
    if deactivated:
        # for good: reactivating the user later brings back none of these
        now = timezone.now()
        data["revoked_tokens"] = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        _expire_emailed_links(user, now)
        user.session_stamp = new_session_stamp()  # every session of the user ends
        fields.append("session_stamp")
    user.save(update_fields=fields)
    audit.record(actor=actor, verb="user.updated", target=user, data=data)
    return user


def _expire_emailed_links(user: User, now: Any) -> None:
    SignInLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    PasswordReset.objects.filter(user=user, used_at__isnull=True).update(used_at=now)


@transaction.atomic
def set_preferences(
    user: User, *, language: str, time_zone: str, actor: User, newest_first: bool | None = None
) -> User:
    """A user's own language and time zone, and (staff) whether conversations read newest message first."""
    _check_profile(user.email, user.role, language, time_zone)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"language": user.language, "time_zone": user.time_zone, "newest_first": user.newest_first}
    user.language, user.time_zone = language, time_zone
    if newest_first is not None:
        user.newest_first = bool(newest_first)
    user.save(update_fields=["language", "time_zone", "newest_first", "updated_at"])
    if hasattr(user, "customer"):
        user.customer.language, user.customer.time_zone = language, time_zone
        user.customer.language_confirmed = True  # chosen by the customer: language detection leaves it alone
        user.customer.save(update_fields=["language", "language_confirmed", "time_zone", "updated_at"])
    after = {"language": language, "time_zone": time_zone, "newest_first": user.newest_first}
    audit.record(actor=actor, verb="user.preferences_changed", target=user, data={"before": before, "after": after})
    return user


@transaction.atomic
def issue_api_token(user: User, *, name: str, scope: str, actor: User) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is shown once and never stored."""
    if not name.strip():
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if scope not in ApiToken.Scope.values:
        raise ActionError("invalid_scope", _("Choose a valid scope."), field="scope", status=422)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:10], token_hash=hash_token(raw), scope=scope
    )
    audit.record(actor=actor, verb="api_token.issued", target=token, data={"user": user.pk, "scope": scope})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, verb="api_token.revoked", target=token, data={"user": token.user_id})
    return token


@transaction.atomic
def send_sign_in_link(user: User) -> SignInLink:
    """Email a one-time portal sign-in link; its token is filled into the mail only when it is sent (see
    send_account_mail). Customers only: staff sign in with a password (and two-factor), which a link would bypass."""
    if user.role != Role.CUSTOMER:
        raise ActionError(
            "link_for_customers", _("Sign-in links are for customers; staff sign in with a password."), status=403
        )
    expires_at = timezone.now() + timedelta(minutes=settings.OPSDESK_SIGN_IN_LINK_MINUTES)
    raw = send_account_mail(
        user, template="accounts/emails/sign_in_link", context={}, link="accounts:link_sign_in", expires_at=expires_at
    )
    link = SignInLink.objects.create(user=user, token_hash=hash_token(raw), expires_at=expires_at)
    audit.record(actor=None, verb="sign_in_link.sent", target=user)
    return link


@transaction.atomic
def use_sign_in_link(raw: str) -> User:
    link = SignInLink.objects.select_for_update().select_related("user").filter(token_hash=hash_token(raw)).first()
    if link is None or not link.is_usable or not link.user.is_active or link.user.role != Role.CUSTOMER:
        raise ActionError("link_invalid", _("This sign-in link is invalid or has expired."), status=400)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return link.user


def record_token_use(token: ApiToken) -> None:
    """Stamp the token's last use, at most once a minute, so a busy integration does not write on every call."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Mail -------------------------------------------------------------------------------------------------------


def send_account_mail(
    user: User, *, template: str, context: dict[str, Any], link: str = "", expires_at: datetime | None = None
) -> str:
    """The one way this app sends mail (sign-in, password set-up and reset links): an outbox row written in the
    action's transaction, delivered by the worker with retries (core/outbox.py).

    With `link` (a URL name taking the token) the mail carries a one-time link whose token is the mail's own secret
    (`outbox.mail_secret`), filled in only when it is sent: the outbox row and the job queue never hold it. The raw
    token is returned so that the caller stores its hash; a mail that could not leave before `expires_at` fails."""
    mail = outbox.queue_templated(
        template,
        kind="accounts." + template.rsplit("/", 1)[-1],
        to=[user.email],
        language=user.language,
        context={"user": user, **context, "path": reverse(link, args=[outbox.SECRET_PLACEHOLDER]) if link else ""},
        headers={"Auto-Submitted": "auto-generated"},
        has_secret=bool(link),
        discard_after=expires_at,
    )
    return outbox.mail_secret(mail) if link else ""


# --- Sign-in failures and lockout ---------------------------------------------------------------------------------

ADDRESS_WINDOW = 600  # seconds; OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS failures in it pause an IP address
ACCOUNT_WINDOW = 900  # seconds; OPSDESK_SIGN_IN_FAILURES_PER_ACCOUNT failures in it pause an account


def sign_in_failures_key(email: str) -> str:
    return f"sign-in-failed:account:{email.strip().lower()}"


def is_locked_out(email: str) -> bool:
    """Whether the account behind `email` (known or not, so the answer reveals nothing) is paused."""
    return ratelimit.exceeded(
        sign_in_failures_key(email), limit=settings.OPSDESK_SIGN_IN_FAILURES_PER_ACCOUNT, window_seconds=ACCOUNT_WINDOW
    )


@transaction.atomic
def record_sign_in_failure(email: str, *, ip: str, stage: str) -> None:
    """A wrong password or two-factor code: counted against the address and the account, audited, and the
    failure that reaches the account's limit also writes `user.locked_out`."""
    email = email.strip().lower()[:254]
    ratelimit.hit(
        ratelimit.address_key("sign-in-failed", ip),
        limit=settings.OPSDESK_SIGN_IN_FAILURES_PER_ADDRESS,
        window_seconds=ADDRESS_WINDOW,
    )
    count = ratelimit.increment(sign_in_failures_key(email), window_seconds=ACCOUNT_WINDOW)
    user = User.objects.filter(email=email).first()
    audit.record(
        actor=None, verb="user.sign_in_failed", target=user, data={"email": email, "stage": stage}, ip_address=ip
    )
    if count == settings.OPSDESK_SIGN_IN_FAILURES_PER_ACCOUNT:
        audit.record(
            actor=None,
            verb="user.locked_out",
            target=user,
            data={"email": email, "minutes": ACCOUNT_WINDOW // 60},
            ip_address=ip,
        )


# --- Passwords ------------------------------------------------------------------------------------------------------


def _check_new_password(password: str, user: User, field: str = "new_password1") -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ActionError("weak_password", " ".join(error.messages), field=field, status=400) from None


def _set_password(user: User, password: str, now: Any) -> None:
    """Set the password, end every session of the user and void their unused reset links."""
    user.set_password(password)
    user.session_stamp = new_session_stamp()
    user.save(update_fields=["password", "session_stamp", "updated_at"])
    PasswordReset.objects.filter(user=user, used_at__isnull=True).update(used_at=now)


@transaction.atomic
def change_password(user: User, *, current_password: str, new_password: str, actor: User) -> User:
    """A signed-in user's new password; their other sessions end (the view keeps the current one)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_usable_password() and not user.check_password(current_password):
        raise ActionError(
            "wrong_password", _("Your current password is not right."), field="current_password", status=400
        )
    _check_new_password(new_password, user)
    _set_password(user, new_password, timezone.now())
    audit.record(actor=actor, verb="user.password_changed", target=user)
    return user


def create_password_reset(
    user: User, *, minutes: int | None = None, template: str = "accounts/emails/password_reset"
) -> tuple[PasswordReset, str]:
    """Mail `user` a one-time password link (reset, or set-up for a new member); return the row and the raw token,
    which only the sent mail carries (send_account_mail)."""
    minutes = minutes or settings.OPSDESK_PASSWORD_RESET_MINUTES
    expires_at = timezone.now() + timedelta(minutes=minutes)
    raw = send_account_mail(
        user,
        template=template,
        context={"minutes": minutes, "hours": minutes // 60},
        link="accounts:password_reset_confirm",
        expires_at=expires_at,
    )
    reset = PasswordReset.objects.create(user=user, token_hash=hash_token(raw), expires_at=expires_at)
    return reset, raw


RESETS_PER_ACCOUNT = 3  # an hour


@transaction.atomic
def request_password_reset(email: str, *, ip: str | None) -> None:
    """Email a reset link to an active user with this address. Nothing tells the caller whether one exists; at
    most three links an hour go to one account."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    if not ratelimit.hit(f"password-reset:account:{user.pk}", limit=RESETS_PER_ACCOUNT, window_seconds=3600):
        return
    create_password_reset(user)
    audit.record(actor=None, verb="user.password_reset_requested", target=user, ip_address=ip)


@transaction.atomic
def reset_password(raw: str, *, new_password: str, ip: str | None) -> User:
    """Use a reset link once: the new password, every session ended, every other reset link voided."""
    reset = PasswordReset.objects.select_for_update().select_related("user").filter(token_hash=hash_token(raw)).first()
    if reset is None or not reset.is_usable or not reset.user.is_active:
        raise ActionError("reset_invalid", _("This link is invalid or has expired. Ask for a new one."), status=400)
    user = reset.user
    _check_new_password(new_password, user)
    _set_password(user, new_password, timezone.now())
    audit.record(actor=user, verb="user.password_reset", target=user, ip_address=ip)
    return user


# --- Two-factor -----------------------------------------------------------------------------------------------------


@transaction.atomic
def enable_two_factor(user: User, *, secret: str, code: str, actor: User) -> list[str]:
    """Confirm an authenticator with one of its codes; returns ten recovery codes, shown once, stored hashed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if TotpDevice.objects.filter(user=user).exists():
        raise ActionError("already_enabled", _("Two-factor sign-in is on already."), status=409)
    now = timezone.now()
    step = totp.matching_step(secret, code, at=now, after_step=0)
    if step is None:
        raise ActionError(
            "wrong_code",
            _("That code is not right. Check that your phone's clock is right and enter the newest code."),
            field="code",
            status=400,
        )
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=now, last_used_step=step)
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=totp.hash_code(each)) for each in codes)
    audit.record(actor=actor, verb="two_factor.enabled", target=user)
    return codes


def _remove_two_factor(user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


@transaction.atomic
def disable_two_factor(user: User, *, password: str, actor: User) -> None:
    """The user's own choice, confirmed with their password; refused while their role requires two-factor."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if SignInPolicy.load().requires_two_factor(user):
        raise ActionError(
            "two_factor_required", _("Your role must use two-factor sign-in, so it cannot be turned off."), status=400
        )
    if not user.check_password(password):
        raise ActionError("wrong_password", _("The password is not right."), field="password", status=400)
    _remove_two_factor(user)
    audit.record(actor=actor, verb="two_factor.disabled", target=user)


@transaction.atomic
def reset_two_factor(user: User, *, actor: User) -> None:
    """An administrator removes a user's authenticator (a lost phone); the user sets up a new one."""
    require(actor, Capability.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    if TotpDevice.objects.filter(user=user).exists():
        _remove_two_factor(user)
        audit.record(actor=actor, verb="two_factor.reset", target=user)


@transaction.atomic
def verify_second_factor(user: User, *, code: str, ip: str | None) -> bool:
    """The sign-in's second step: a code from the authenticator (each accepted once) or an unused recovery code."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    now = timezone.now()
    step = totp.matching_step(device.secret, code, at=now, after_step=device.last_used_step)
    if step is not None:
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return True
    recovery = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=totp.hash_code(code), used_at__isnull=True)
        .first()
    )
    if recovery is None:
        return False
    recovery.used_at = now
    recovery.save(update_fields=["used_at"])
    remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    audit.record(
        actor=user, verb="two_factor.recovery_code_used", target=user, data={"remaining": remaining}, ip_address=ip
    )
    return True


@transaction.atomic
def set_two_factor_roles(*, roles: list[str], actor: User) -> SignInPolicy:
    """Require two-factor sign-in for these staff roles. Members of a newly listed role who have not set it up are
    signed out, and set it up at their next sign-in before they can do anything else."""
    require(actor, Capability.MANAGE_USERS)
    staff = [str(role) for role in STAFF_ROLES]
    if set(roles) - set(staff):
        raise ActionError(
            "invalid_role", _("Two-factor can be required for staff roles only."), field="two_factor_roles", status=422
        )
    chosen = [role for role in staff if role in roles]
    if actor.role in chosen and not TotpDevice.objects.filter(user=actor).exists():
        raise ActionError(
            "enrol_first",
            _("Turn on two-factor sign-in for yourself first: your own role would require it."),
            field="two_factor_roles",
        )
    policy, _created = SignInPolicy.objects.select_for_update().get_or_create(pk=1)
    before = list(policy.two_factor_roles)
    policy.two_factor_roles = chosen
    policy.save(update_fields=["two_factor_roles", "updated_at"])
    newly = [role for role in chosen if role not in before]
    User.objects.filter(role__in=newly, totp_device__isnull=True).update(session_stamp=new_session_stamp())
    audit.record(actor=actor, verb="sign_in_policy.changed", target=policy, data={"before": before, "after": chosen})
    return policy


@transaction.atomic
def sync_customer_login(user: User, *, name: str, language: str, time_zone: str, actor: User | None) -> User:
    """A portal login follows its customer's name, language and time zone (customers.actions.update_customer), with
    the audit row every change to a user has."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"name": user.name, "language": user.language, "time_zone": user.time_zone}
    after = {"name": name, "language": language, "time_zone": time_zone}
    if before == after:
        return user
    user.name, user.language, user.time_zone = name, language, time_zone
    user.save(update_fields=["name", "language", "time_zone"])
    audit.record(actor=actor, verb="user.updated", target=user, data={"before": before, "after": after})
    return user
