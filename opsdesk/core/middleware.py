"""Activate each signed-in user's language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserPreferencesMiddleware:
    """After authentication: the user's own language (unless the URL asks for another) and time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone_name = settings.OPSDESK_DEFAULT_TIME_ZONE
        chosen_for_visitor = None
        if user is None or not user.is_authenticated:
            chosen_for_visitor = request.GET.get("lang")
            if chosen_for_visitor in SUPPORTED:
                translation.activate(chosen_for_visitor)
                request.LANGUAGE_CODE = chosen_for_visitor
            else:
                chosen_for_visitor = None
        elif user is not None and user.is_authenticated:
            zone_name = user.time_zone or zone_name
            chosen = request.GET.get("lang")
            if chosen in SUPPORTED:
                language = chosen
            else:
                language = user.language if user.language in SUPPORTED else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo("UTC"))
        response = self.get_response(request)
        if chosen_for_visitor:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen_for_visitor, max_age=365 * 86400, samesite="Lax")
        timezone.deactivate()
        return response


class QueryCountHeaderMiddleware:
    """For benchmarks (OPSDESK_QUERY_COUNT_HEADER=1): the number of SQL queries of a request, in X-OpsDesk-Queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db import connection

        count = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-OpsDesk-Queries"] = str(count)
        return response
