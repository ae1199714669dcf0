"""Every write to users, API tokens and sign-in links; each leaves an audit row."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts.models import ApiToken, Role, SignInLink, User, hash_token
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit

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
) -> User:
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
    user.name, user.role, user.language, user.time_zone, user.is_active = name, role, language, time_zone, is_active
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["name", "role", "language", "time_zone", "is_active", "is_superuser", "updated_at"])
    audit.record(
        actor=actor,
        verb="user.updated",
        target=user,
        data={
            "before": before,
            "after": {"name": name, "role": role, "language": language, "time_zone": time_zone, "is_active": is_active},
        },
    )
    return user


@transaction.atomic
def set_preferences(user: User, *, language: str, time_zone: str, actor: User) -> User:
    """A user's own language and time zone."""
    _check_profile(user.email, user.role, language, time_zone)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"language": user.language, "time_zone": user.time_zone}
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone", "updated_at"])
    if hasattr(user, "customer"):
        user.customer.language, user.customer.time_zone = language, time_zone
        user.customer.save(update_fields=["language", "time_zone", "updated_at"])
    audit.record(
        actor=actor,
        verb="user.preferences_changed",
        target=user,
        data={"before": before, "after": {"language": language, "time_zone": time_zone}},
    )
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
    """Email a one-time portal sign-in link; the raw token goes only into the mail."""
    raw = secrets.token_urlsafe(32)
    link = SignInLink.objects.create(
        user=user,
        token_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(minutes=settings.OPSDESK_SIGN_IN_LINK_MINUTES),
    )
    audit.record(actor=None, verb="sign_in_link.sent", target=user)
    enqueue_on_commit("opsdesk.accounts.tasks.send_sign_in_email", link.pk, raw)
    return link


@transaction.atomic
def use_sign_in_link(raw: str) -> User:
    link = SignInLink.objects.select_for_update().select_related("user").filter(token_hash=hash_token(raw)).first()
    if link is None or not link.is_usable or not link.user.is_active:
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
