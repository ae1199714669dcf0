"""Request bodies: refused over the configured size as they arrive, and NUL characters refused in text.

Two layers, because Django's ASGI handler reads the whole body into a temporary file before any middleware runs:

- `LimitedBodyASGI` wraps the ASGI application (opsdesk/asgi.py). A declared Content-Length over the limit is
  refused from the headers, without reading a byte; a chunked body, or one longer than it claimed, is cut where it
  passes the limit. Either way Django sees an empty or cut body and the scope says so.
- `RequestLimitsMiddleware` answers those requests with a 413 (a page, or the API's JSON), refuses a declared
  Content-Length over the limit under WSGI (the test client, `runserver`) before the body is read, and refuses NUL
  characters in the query string and in the API's text: a JSON body, or the text fields of a form (file contents
  are binary and never scanned, since PNG and ZIP files are full of NUL bytes).

Limits: `OPSDESK_MAX_REQUEST_BYTES` for a signed-in user or an API token, `OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES` for
everyone else (the contact form). Rate limits are checked elsewhere (core/ratelimit.py), also before the body.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

DIGITS = re.compile(rb"[0-9]{1,18}")  # a Content-Length we can compare; anything else is refused
TOO_LARGE = "opsdesk.body_too_large"  # in the ASGI scope: the limit the body passed
MIB = 1024 * 1024

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def limit_for(*, signed_in: bool) -> int:
    return int(settings.OPSDESK_MAX_REQUEST_BYTES if signed_in else settings.OPSDESK_MAX_ANONYMOUS_REQUEST_BYTES)


def _has_credentials(headers: list[tuple[bytes, bytes]], path: str = "") -> bool:
    """A session cookie, or an Authorization header on the API (the only place a token is read): the request may be
    a signed-in user's (the middleware checks the session itself; a forged cookie only earns the larger of two
    bounded limits)."""
    for name, value in headers:
        if name.lower() == b"authorization" and path.startswith("/api/"):
            return True
        if name.lower() == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - any unreadable cookie header is no credential
                continue
            if settings.SESSION_COOKIE_NAME in cookie:
                return True
    return False


class LimitedBodyASGI:
    """Wraps an ASGI application so that no more than the limit of a request body is ever read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        headers = list(scope.get("headers") or [])
        limit = limit_for(signed_in=_has_credentials(headers, str(scope.get("path", ""))))
        declared = next((value for name, value in headers if name.lower() == b"content-length"), None)
        received = 0
        cut = asyncio.Event()

        async def limited() -> Message:
            nonlocal received
            if cut.is_set():
                # The body was cut: read nothing more. Django then listens for a disconnect until its response is
                # sent, and is cancelled then.
                await asyncio.Event().wait()
            if received == 0 and declared is not None and (not DIGITS.fullmatch(declared) or int(declared) > limit):
                return self._cut(scope, cut, limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return self._cut(scope, cut, limit)
            return message

        await self.app(scope, limited, send)

    @staticmethod
    def _cut(scope: Scope, cut: asyncio.Event, limit: int) -> Message:
        scope[TOO_LARGE] = limit
        cut.set()
        return {"type": "http.request", "body": b"", "more_body": False}


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The 413: the API's JSON under /api/, else the error page."""
    message = _("The request is larger than %(mb)s MB.") % {"mb": max(1, round(limit / MIB))}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "request_too_large", "message": message, "field": None}, status=413)
    return render(request, "core/error.html", {"status": 413, "message": message}, status=413)


def _refused(request: HttpRequest, code: str, message: str, field: str | None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "field": field}, status=400)
    return render(request, "core/error.html", {"status": 400, "message": message, "field": field}, status=400)


# A JSON escape of a UTF-16 surrogate: legal in pairs (emoji), not alone, and a lone one cannot be stored as text.
_LONE_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _is_unicode_json(body: bytes) -> bool:
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False
    return True


class ApiJsonErrorsMiddleware:
    """Under /api/, a 404 for an unknown path or a 405 for a wrong method is the API's JSON error too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            if response.status_code == 404:
                fixed = _refused(request, "not_found", _("Nothing is here."), None)
            else:
                fixed = _refused(request, "method_not_allowed", _("This address does not take that method."), None)
            fixed.status_code = response.status_code
            if response.has_header("Allow"):
                fixed["Allow"] = response["Allow"]
            return fixed
        return response


class BodySizeMiddleware:
    """A body over the limit is a 413, decided from the headers (or the ASGI wrapper's cut) before anything reads
    it or counts it against a rate limit. Place it after the authentication middleware: a signed-in user gets the
    larger limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (cut := getattr(request, "scope", {}).get(TOO_LARGE)) is not None:
            return too_large(request, int(cut))
        if (limit := RequestLimitsMiddleware._over_limit(request)) is not None:
            return too_large(request, limit)
        return self.get_response(request)


class RequestLimitsMiddleware:
    """NUL characters in the query and in API text, refused with a 400 naming the field (PostgreSQL text cannot
    hold them). After the rate limits: it reads API bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                message = _("The request contains a NUL character.")
                return _refused(request, "invalid", message, key.replace("\x00", "") or None)
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
            return self._check_api_body(request) or self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def _over_limit(request: HttpRequest) -> int | None:
        raw = str(request.META.get("CONTENT_LENGTH") or "0")
        length = int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else 0  # as Django reads it: nothing
        if length <= min(limit_for(signed_in=False), limit_for(signed_in=True)):
            return None  # the usual case, decided without loading the session
        user = getattr(request, "user", None)
        token = request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META
        signed_in = token or bool(user is not None and user.is_authenticated)
        limit = limit_for(signed_in=signed_in)
        return limit if length > limit else None

    def _check_api_body(self, request: HttpRequest) -> HttpResponse | None:
        message = _("The request contains a NUL character.")
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.partition(";")[0].strip().lower() == "message/rfc822":
            return None  # a raw email: bytes stored as bytes (NUL and all), read by its handler up to its own limit
        try:
            if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
                for key, values in request.POST.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return _refused(request, "invalid", message, key.replace("\x00", "") or None)
                for key, files in request.FILES.lists():
                    if any("\x00" in (upload.name or "") for upload in files):
                        return _refused(request, "invalid", message, key)
            elif b"\x00" in request.body or b"\\u0000" in request.body:
                return _refused(request, "invalid", message, None)
            elif _LONE_SURROGATE_ESCAPE.search(request.body) and not _is_unicode_json(request.body):
                return _refused(request, "invalid", _("The request contains text that is not valid Unicode."), None)
        except RequestDataTooBig:
            return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except (MultiPartParserError, SuspiciousOperation):
            return _refused(request, "invalid", _("The request body cannot be read."), None)
        return None
