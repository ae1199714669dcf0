"""API authentication: personal Bearer tokens (read or write scope, rate-limited) and the UI's session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from opsdesk.accounts import actions
from opsdesk.accounts.models import STAFF_ROLES, ApiToken, Role, User, hash_token
from opsdesk.core import ratelimit

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
API_ROLES = (*STAFF_ROLES, Role.CUSTOMER)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class ReadOnlyToken(Exception):
    """A read-scope token was used for a write."""


# What customers may do through the API: what the portal lets them do (their tickets, replies, files, search).
# Every other operation answers 403 to a customer, including any added later that is not listed here.
CUSTOMER_OPERATIONS = {
    ("GET", "ticket_list"),
    ("POST", "ticket_list"),  # create
    ("GET", "ticket_detail"),
    ("GET", "ticket_search"),
    ("POST", "ticket_reply"),
    ("GET", "ticket_messages"),
    ("POST", "ticket_messages"),  # a reply with files
    ("GET", "attachment_detail"),
    ("GET", "attachment_download"),
}


def _allowed(request: HttpRequest, user: User) -> User:
    if user.role == Role.CUSTOMER:
        match = getattr(request, "resolver_match", None)
        if getattr(user, "customer", None) is None or (request.method, match and match.url_name) not in (
            CUSTOMER_OPERATIONS
        ):
            raise PermissionDenied
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active or api_token.user.role not in API_ROLES:
            return None
        window = 60
        if not ratelimit.hit(f"api:{api_token.pk}", limit=settings.OPSDESK_API_RATE_LIMIT, window_seconds=window):
            raise RateLimited(retry_after=window)
        if request.method not in SAFE_METHODS and api_token.scope != ApiToken.Scope.WRITE:
            raise ReadOnlyToken
        actions.record_token_use(api_token)
        return _allowed(request, api_token.user)


class StaffSessionAuth(SessionAuth):
    """The UI's own calls (agent workspace and portal): the signed-in session, with Django's CSRF check on writes."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return _allowed(request, user) if user is not None and getattr(user, "role", None) in API_ROLES else None
