"""The chat widget's public endpoints, called from other websites by `messaging/static/messaging/chat-widget.js`.

Cross-origin by design: each answers CORS only for the origins its widget allows (a preflight from another origin is
refused, and so is a request carrying another `Origin`), authenticates the visitor by a bearer token (never a
cookie, so there is nothing to forge: no CSRF), is rate limited per address (before the body is read) and per chat,
and takes and returns JSON in the project's error shape `{"code", "message", "field"}`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.translations import language_codes, language_name
from opsdesk.messaging.actions import chat as chat_actions
from opsdesk.messaging.chat import streams, texts
from opsdesk.messaging.models import ChatSession, ChatWidget

MAX_BODY_BYTES = 32 * 1024  # a JSON body: a 4,000-character message in any script fits
MESSAGES_PER_MINUTE = 30  # per chat: a flood is refused, the conversation goes on
TYPING_PER_MINUTE = 60
ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID"


Res = TypeVar("Res", bound=HttpResponseBase)


def _error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


def _widget(key: str) -> ChatWidget | None:
    return ChatWidget.objects.filter(key=key, active=True).first() if len(key) <= 40 else None


def _cors(response: Res, origin: str) -> Res:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = "Retry-After"
    response["Vary"] = "Origin"
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    """Over the per-address limit (from core.security's middleware, before the body is read); readable by an
    allowed origin so the widget can say so."""
    response = _error("rate_limited", str(texts.text("rate_limited")), 429)
    origin = request.headers.get("Origin", "")
    try:
        key = resolve(request.path_info).kwargs.get("key", "")
    except Resolver404:
        key = ""
    widget = _widget(key) if key else None
    return _cors(response, origin if widget and origin and widget.allows_origin(origin) else "")


View = Callable[..., HttpResponse]


def _checked(widget: ChatWidget | None, request: HttpRequest) -> HttpResponse | None:
    """The refusal for an unknown widget or a foreign origin, or the preflight's answer; None to go on."""
    origin = request.headers.get("Origin", "")
    if widget is None:
        return _error("not_found", str(texts.text("not_found")), 404)
    if origin and not widget.allows_origin(origin):
        return _error("origin_not_allowed", str(texts.text("origin_not_allowed")), 403)
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = "600"
        return _cors(response, origin)
    return None


def widget_endpoint(*, methods: tuple[str, ...], token: bool) -> Callable[[View], View]:
    """CORS for the widget's origins, the method check, the body limit, the visitor's token (when `token`), the
    language of the visitor for error messages, and ActionError as the JSON error shape."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, key: str) -> HttpResponse:
            widget = _widget(key)
            origin = request.headers.get("Origin", "")
            if (refused := _checked(widget, request)) is not None:
                return refused
            assert widget is not None
            if request.method not in methods:
                return _cors(_error("method_not_allowed", str(texts.text("method_not_allowed")), 405), origin)
            if len(request.body) > MAX_BODY_BYTES:
                return _cors(_error("too_large", str(texts.text("too_large")), 413), origin)
            args: list[Any] = [request, widget]
            if token:
                session = _session(request, widget)
                if session is None:
                    return _cors(_error("invalid_token", str(texts.text("invalid_token")), 401), origin)
                args.append(session)
                language = session.language
            else:
                language = _language(request)
            with translation.override(language):
                try:
                    response = view(*args)
                except ActionError as error:
                    response = _error(error.code, error.message, error.status, error.field)
            return _cors(response, origin)

        return wrapped

    return decorator


def _bearer(request: HttpRequest) -> str:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _session(request: HttpRequest, widget: ChatWidget) -> ChatSession | None:
    session = chat_actions.session_for_token(_bearer(request))
    return session if session is not None and session.widget_id == widget.pk else None


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in language_codes() else translation.get_language_from_request(request)[:2]


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ActionError("invalid_json", str(texts.text("invalid_json")), status=400) from None
    if not isinstance(data, dict):
        raise ActionError("invalid_json", str(texts.text("invalid_json")), status=400)
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ActionError("invalid_value", str(texts.text("invalid_value")), field=name, status=422)
    return value


def _per_chat(session: ChatSession, scope: str, limit: int) -> None:
    if not ratelimit.hit(f"chat_{scope}:session:{session.pk}", limit=limit, window_seconds=60):
        raise ActionError("rate_limited", str(texts.text("rate_limited")), status=429)


_guard = ratelimit.guard(
    "chat",
    limit=lambda: int(settings.OPSDESK_CHAT_RATE_LIMIT),
    window_seconds=60,
    counts_every_request=True,
    refuse=_too_many,
)


@widget_endpoint(methods=("GET",), token=False)
def widget_config(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    """The widget's texts in the visitor's language (`?lang=`, else the browser's), and whether anyone can answer."""
    language = translation.get_language()
    return JsonResponse(
        {
            "language": language,
            "languages": [{"code": code, "name": language_name(code)} for code in language_codes()],
            "online": chat_actions.agents_available(widget),
            "greeting": widget.display_greeting,
            "offline": widget.display_offline_message,
            "texts": texts.widget_texts(),
            "max_length": chat_actions.MAX_CHAT_MESSAGE,
        }
    )


@ratelimit.guard(
    "chat_start",
    limit=lambda: int(settings.OPSDESK_CHAT_START_RATE_LIMIT),
    window_seconds=600,
    counts_every_request=True,
    refuse=_too_many,
)
@widget_endpoint(methods=("POST",), token=False)
def chat_start(request: HttpRequest, widget: ChatWidget) -> HttpResponse:
    """The pre-chat form: a live chat when an agent can answer (201 with the visitor's token), else an email ticket
    (202, `offline`)."""
    data = _json(request)
    language = _text(data, "language") or translation.get_language()
    started = chat_actions.start_chat(
        widget,
        name=_text(data, "name"),
        email=_text(data, "email"),
        language=language,
        message=_text(data, "message"),
    )
    if started.session is None:
        return JsonResponse({"state": "offline", "ticket": started.ticket.number}, status=202)
    return JsonResponse(
        {"state": started.session.state, "token": started.token, "ticket": started.ticket.number}, status=201
    )


@_guard
@widget_endpoint(methods=("POST",), token=True)
def chat_send(request: HttpRequest, widget: ChatWidget, session: ChatSession) -> HttpResponse:
    data = _json(request)
    _per_chat(session, "messages", MESSAGES_PER_MINUTE)
    message = chat_actions.send_visitor_message(session, body=_text(data, "body"))
    return JsonResponse({"id": message.pk}, status=201)


@_guard
@widget_endpoint(methods=("POST",), token=True)
def chat_typing(request: HttpRequest, widget: ChatWidget, session: ChatSession) -> HttpResponse:
    _per_chat(session, "typing", TYPING_PER_MINUTE)
    if session.state != ChatSession.State.ENDED:
        chat_actions.typing(session, side="visitor")
    return HttpResponse(status=204)


@_guard
@widget_endpoint(methods=("POST",), token=True)
def chat_end(request: HttpRequest, widget: ChatWidget, session: ChatSession) -> HttpResponse:
    session = chat_actions.end_chat(session, ended_by="visitor")
    return JsonResponse({"state": session.state})


@_guard
@widget_endpoint(methods=("POST",), token=True)
def chat_transcript(request: HttpRequest, widget: ChatWidget, session: ChatSession) -> HttpResponse:
    chat_actions.send_transcript(session)
    return JsonResponse({"sent": True}, status=202)


def stream_access(key: str, *, origin: str, authorization: str) -> tuple[int, dict[str, Any] | None, int | None]:
    """Who may open a chat's stream (for the view below and for `chat/asgi.py`, which serves it without Django's
    request cycle): (200, None, session id), or (status, error body, None). Preflights are not handled here."""
    widget = _widget(key)
    if widget is None:
        return 404, {"code": "not_found", "message": str(texts.text("not_found")), "field": None}, None
    if origin and not widget.allows_origin(origin):
        message = str(texts.text("origin_not_allowed"))
        return 403, {"code": "origin_not_allowed", "message": message, "field": None}, None
    scheme, _space, token = authorization.partition(" ")
    session = chat_actions.session_for_token(token.strip() if scheme.lower() == "bearer" else "")
    if session is None or session.widget_id != widget.pk:
        return 401, {"code": "invalid_token", "message": str(texts.text("invalid_token")), "field": None}, None
    return 200, None, session.pk


def _stream_check(request: HttpRequest, key: str) -> tuple[HttpResponse | None, int | None, str]:
    origin = request.headers.get("Origin", "")
    if request.method == "OPTIONS":
        return _checked(_widget(key), request), None, origin
    if request.method != "GET":
        return _cors(_error("method_not_allowed", str(texts.text("method_not_allowed")), 405), origin), None, origin
    status, error, session_id = stream_access(
        key, origin=origin, authorization=request.headers.get("Authorization", "")
    )
    if error is not None:
        allowed = status not in (403, 404)
        return _cors(JsonResponse(error, status=status), origin if allowed else ""), None, origin
    streams.release_connection()
    return None, session_id, origin


@csrf_exempt
async def chat_stream(request: HttpRequest, key: str) -> HttpResponseBase:
    """The visitor's server-sent events: state, messages (id = message id, resumed after `Last-Event-ID`) and the
    agent's typing. Read with `fetch` by the widget (an EventSource cannot send the bearer token)."""
    refused, session_id, origin = await sync_to_async(_stream_check)(request, key)
    if refused is not None:
        return refused
    assert session_id is not None
    last_id = streams.parse_last_id(request.headers.get("Last-Event-ID"))
    return _cors(streams.response(streams.session_stream(session_id, last_id=last_id, side="visitor")), origin)
