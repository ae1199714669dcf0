"""API authentication: personal Bearer tokens (read or write scope, rate-limited) and the UI's session."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from opsdesk.accounts import actions
from opsdesk.accounts.models import STAFF_ROLES, ApiToken, Role, User, hash_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
API_ROLES = (*STAFF_ROLES, Role.CUSTOMER)


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


def find_token(request: HttpRequest) -> ApiToken | None:
    """The request's valid Bearer token (active, of an active user in an API role), looked up once per request:
    the rate-limit middleware asks first, `TokenAuth` reuses the answer."""
    if "_opsdesk_api_token" not in request.__dict__:
        found = None
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and raw.strip():
            found = (
                ApiToken.objects.select_related("user")
                .filter(token_hash=hash_token(raw.strip()), revoked_at__isnull=True)
                .first()
            )
            if found is not None and (not found.user.is_active or found.user.role not in API_ROLES):
                found = None
        request.__dict__["_opsdesk_api_token"] = found
    token: ApiToken | None = request.__dict__["_opsdesk_api_token"]
    return token


class TokenAuth(HttpBearer):
    """A personal token; its rate limit (per account) is applied earlier by `ApiRateLimitMiddleware`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = find_token(request)
        if api_token is None or not secrets.compare_digest(api_token.token_hash, hash_token(token)):
            return None
        if request.method not in SAFE_METHODS and api_token.scope != ApiToken.Scope.WRITE:
            raise ReadOnlyToken
        actions.record_token_use(api_token)
        return _allowed(request, api_token.user)


class StaffSessionAuth(SessionAuth):
    """The UI's own calls (agent workspace and portal): the signed-in session, with Django's CSRF check on writes."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return _allowed(request, user) if user is not None and getattr(user, "role", None) in API_ROLES else None
