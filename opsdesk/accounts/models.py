"""Users, their roles, API tokens, emailed sign-in links, password resets, two-factor devices and the sign-in policy."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from opsdesk.people.models import Team


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    TEAM_LEAD = "team_lead", _("Team lead")
    AGENT = "agent", _("Agent")
    LIGHT_AGENT = "light_agent", _("Light agent")
    CUSTOMER = "customer", _("Customer")


STAFF_ROLES = (Role.ADMIN, Role.MANAGER, Role.TEAM_LEAD, Role.AGENT, Role.LIGHT_AGENT)


def new_session_stamp() -> str:
    return secrets.token_hex(16)


ALL_TICKET_ROLES = (Role.ADMIN, Role.MANAGER)  # who holds see_all_tickets; test_capabilities keeps them equal


def _roles_with(capability: str) -> list[str]:
    from opsdesk.accounts.capabilities import roles_with  # the map imports Role from here

    return roles_with(capability)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: staff in one of five roles, or a customer using the portal."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    is_active = models.BooleanField(_("active"), default=True)
    # How a ticket's conversation reads: oldest first (the composer under the latest message) or newest first.
    newest_first = models.BooleanField(_("newest message first"), default=False, db_default=False)
    # Part of every session's check value: a new stamp ends all of the user's sessions for good (deactivation,
    # a password change or reset), whatever happens to the account afterwards.
    session_stamp = models.CharField(max_length=32, default=new_session_stamp)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        indexes: ClassVar = [models.Index(fields=["role", "name"], name="user_role_name")]

    def __str__(self) -> str:
        return self.name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django compares this with the value stored in each session (also for SECRET_KEY_FALLBACKS): the password
        hash, as in Django, plus `session_stamp`."""
        key_salt = "opsdesk.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_stamp}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def is_staff(self) -> bool:  # the Django admin is not used; kept for third-party checks
        return False

    @property
    def is_agent_side(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_all_tickets(self) -> bool:
        return self.role in ALL_TICKET_ROLES

    @property
    def can_reply_publicly(self) -> bool:
        """Shorthand for the `reply` capability (accounts.capabilities)."""
        return self.role in _roles_with("reply")

    def _memberships(self) -> list[tuple[int, str]]:
        """(team id, access) of each team the user belongs to: one query, memoised on the instance for one request
        (both the teams seen and the teams written come from it)."""
        cached: list[tuple[int, str]] | None = getattr(self, "_membership_rows", None)
        if cached is None:
            from opsdesk.people.models import TeamMembership

            cached = list(TeamMembership.objects.filter(user=self).values_list("team_id", "access"))
            self._membership_rows = cached
        return cached

    def team_ids(self) -> list[int]:
        """Ids of the teams this user belongs to."""
        return [team_id for team_id, _access in self._memberships()]

    def writable_team_ids(self) -> list[int]:
        """Ids of the teams whose tickets this user may change (full access)."""
        from opsdesk.people.models import TeamMembership

        return [team_id for team_id, access in self._memberships() if access == TeamMembership.Access.FULL]

    def teams(self) -> models.QuerySet[Team]:
        from opsdesk.people.models import Team

        return Team.objects.filter(pk__in=self.team_ids())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 hash is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "odk_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignInLink(models.Model):
    """A one-time emailed sign-in link for the customer portal; only the hash of its token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link for {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class PasswordReset(models.Model):
    """A one-time emailed link to choose a new password (or a first one); only the hash of its token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_resets")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"password reset for {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class TotpDevice(models.Model):
    """A confirmed authenticator app (RFC 6238 TOTP, 30-second steps, 6 digits) of one user.

    The secret must be readable to check codes, so it is stored as is, like a password hash's salt is; the last
    accepted time step is kept so that one code never signs in twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator once; shown to the user once, stored as a SHA-256 hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once")]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class SignInPolicy(models.Model):
    """How staff sign in, set by an administrator: the roles that must use two-factor. One row (pk 1)."""

    two_factor_roles = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "sign-in policy"

    @classmethod
    def load(cls) -> SignInPolicy:
        """The policy, or the default (nothing required) before an admin first saves one; never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def requires_two_factor(self, user: User) -> bool:
        return user.role in self.two_factor_roles
