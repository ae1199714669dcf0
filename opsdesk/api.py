"""REST API v1: mounts every app's router, authenticates, and maps every error to one JSON shape.

Errors: `{"code", "message", "field"}` with 400/401/403/404/409/413/422/429 as fits; never a 500 for bad input.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from opsdesk.accounts.api_auth import ReadOnlyToken, StaffSessionAuth, TokenAuth
from opsdesk.analytics.api import router as reports_router
from opsdesk.core.errors import ActionError
from opsdesk.core.params import InvalidParameter
from opsdesk.customers.api import router as customers_router
from opsdesk.messaging.email_api import router as inbound_email_router
from opsdesk.people.api import router as people_router
from opsdesk.routing.api import router as routing_router
from opsdesk.sla.api import router as sla_router
from opsdesk.tickets.api import attachments_router, meta_router
from opsdesk.tickets.api import router as tickets_router

api = NinjaAPI(
    title="OpsDesk API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), StaffSessionAuth()],
    description="Tickets, their messages and timeline, and KPI reports (docs/reporting-api.md). Authenticate with "
    "`Authorization: Bearer <token>` (create one on your preferences page).",
)
api.add_router("/tickets/", tickets_router)
api.add_router("/tickets/", sla_router)
api.add_router("/attachments/", attachments_router)
api.add_router("/", customers_router)
api.add_router("/", people_router)
api.add_router("/", meta_router)
api.add_router("/", inbound_email_router)
api.add_router("/", routing_router)
api.add_router("/reports/", reports_router)


def error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": field}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(InvalidParameter)
def on_invalid_parameter(request: HttpRequest, exc: InvalidParameter) -> HttpResponse:
    return error(request, 400, exc.code, exc.message, exc.field)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A body that does not fit its schema is a 422; a bad query or path parameter is a 400, as on the pages."""
    first: dict[str, Any] = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", [])]
    location = [part for part in loc if part not in ("body", "query", "path", "payload")]
    message = str(first.get("msg", _("The request is not valid.")))
    if loc and loc[0] in ("query", "path"):
        return error(request, 400, "invalid_parameter", message, ".".join(location) or None)
    return error(request, 422, "invalid", message, ".".join(location) or None)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>."))


@api.exception_handler(ReadOnlyToken)
def on_read_only_token(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    return error(request, 403, "read_only_token", _("This token can only read. Use a token with write scope."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", _("You do not have access to this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, "error", str(exc))
