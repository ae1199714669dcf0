"""Reading values out of query strings and list forms: the one place where a bad value becomes a 400 naming its field.

Every page and API list reads its numbers, times, choices and cursors through these functions (the ticket filter
language, `tickets/filters.py`, is built on them). A value that cannot be used raises `InvalidParameter`;
`InvalidParameterMiddleware` renders it as an error page with status 400, and the API answers
`{"code", "message", "field"}` with status 400. Never `str.isdigit()` (it accepts "²") and never `int()` on an
unchecked string (5,000 digits raise ValueError; 20 digits overflow a 64-bit column).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_INT = 2**63 - 1  # the largest value of a 64-bit integer column (SQLite INTEGER, PostgreSQL bigint)
DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only; longer never fits in 64 bits
NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?")  # decimals for custom fields: 15 digits stay exact in a float
SHOWN_CHARS = 40  # of a refused value, quoted back in the message

PAGE_LABEL = gettext_lazy("Page")

T = TypeVar("T")


class InvalidParameter(Exception):
    """A value in the query string or a list form that cannot be used: a 400 with the field and a message."""

    def __init__(self, field: str, message: str | Promise, *, code: str = "invalid_parameter") -> None:
        super().__init__(str(message))
        self.field = field
        self.message = str(message)
        self.code = code


def _shown(raw: object) -> str:
    text = str(raw)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def parse_int(raw: object, *, field: str, label: str | Promise, minimum: int = 1, maximum: int = MAX_INT) -> int:
    """A whole number from `minimum` to `maximum`, given as ASCII digits or a JSON integer (never a bool)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise InvalidParameter(
            field,
            _("%(label)s: enter a whole number from %(min)s to %(max)s.")
            % {"label": label, "min": minimum, "max": maximum},
        )
    return value


def int_param(
    params: Mapping[str, Any],
    name: str,
    *,
    default: T,
    label: str | Promise = PAGE_LABEL,
    minimum: int = 1,
    maximum: int = MAX_INT,
) -> int | T:
    """A whole number from a query string or form; `default` when the parameter is absent or empty."""
    raw = params.get(name, "")
    if raw in ("", None):
        return default
    return parse_int(raw, field=name, label=label, minimum=minimum, maximum=maximum)


def parse_number(raw: object, *, field: str, label: str | Promise) -> int | float:
    """A number for a custom field: at most 15 digits and 6 decimals, so a float holds it exactly."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = repr(raw)
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        text = ""
    if not NUMBER.fullmatch(text):
        raise InvalidParameter(field, _("%(label)s: enter a number such as 42 or 4.5.") % {"label": label})
    number = float(text)
    return int(number) if number.is_integer() else number


def parse_choice(raw: object, choices: Mapping[str, Any], *, field: str, label: str | Promise) -> str:
    """One of `choices` (value -> label)."""
    if isinstance(raw, str) and raw.strip() in choices:
        return raw.strip()
    names = ", ".join(str(value) for value in choices)
    message = _("%(label)s: “%(value)s” is not one of %(choices)s.")
    raise InvalidParameter(field, message % {"label": label, "value": _shown(raw), "choices": names})


def parse_bool(raw: object, *, field: str, label: str | Promise) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(raw, str) and raw.strip().lower() in ("false", "0", "no", "off"):
        return False
    raise InvalidParameter(field, _("%(label)s: enter true or false.") % {"label": label})


def parse_text(raw: object, *, field: str, label: str | Promise, max_length: int) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidParameter(field, _("%(label)s: enter some text.") % {"label": label})
    if len(raw.strip()) > max_length:
        raise InvalidParameter(
            field, _("%(label)s: enter at most %(n)s characters.") % {"label": label, "n": max_length}
        )
    return raw.strip()


def in_utc(value: datetime, *, field: str, label: str | Promise) -> datetime:
    """An aware time that can be stored: year 1 at +14:00 is valid ISO 8601 but falls before year 1 in UTC."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidParameter(
            field, _("%(label)s: enter a time between the years 1 and 9999.") % {"label": label}
        ) from None


def parse_moment(raw: object, *, field: str, label: str | Promise) -> datetime:
    """A time as ISO 8601 (with or without an offset: without one, the user's time zone) or a date (its midnight in
    the user's time zone), in UTC."""
    text = raw.strip() if isinstance(raw, str) else ""
    parsed: datetime | None = None
    try:
        parsed = parse_datetime(text) if "T" in text or " " in text else None
        if parsed is None and len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidParameter(
            field,
            _("%(label)s: enter a date such as 2025-01-31, or a time such as 2025-01-31T14:00+02:00.")
            % {"label": label},
        )
    if timezone.is_naive(parsed):
        try:
            parsed = timezone.make_aware(parsed)
        except (OverflowError, ValueError):
            raise InvalidParameter(
                field, _("%(label)s: enter a time between the years 1 and 9999.") % {"label": label}
            ) from None
    return in_utc(parsed, field=field, label=label)


def parse_day(raw: object, *, field: str, label: str | Promise) -> date:
    """A day as ISO (2025-01-31) or as the active language types dates (31.1.2025 in Finnish: formats/)."""
    from opsdesk.core.dates import day_formats

    text = raw.strip() if isinstance(raw, str) else ""
    if text:
        for pattern in ("%Y-%m-%d", *day_formats()):
            try:
                return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day, no time of day
            except ValueError:
                continue
    example = date(2025, 1, 31).strftime(day_formats()[0])
    raise InvalidParameter(
        field, _("%(label)s: enter a date such as %(example)s.") % {"label": label, "example": example}
    )


# --- keyset cursors --------------------------------------------------------------------------------------------------


def encode_cursor(value: datetime, pk: int) -> str:
    """The opaque position of a keyset page: the last row's sort value and id."""
    return base64.urlsafe_b64encode(f"{value.isoformat()}|{pk}".encode()).decode()


def decode_cursor(raw: str, *, field: str = "cursor") -> tuple[datetime, int]:
    """The (time, id) of a cursor made by `encode_cursor`; anything else, however it was made, is a 400."""
    error = InvalidParameter(
        field,
        _("%(label)s: this link's place in the list is not valid. Start again from the first page.")
        % {"label": PAGE_LABEL},
    )
    if len(raw) > 200:
        raise error
    try:
        stamp, pk = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii").rsplit("|", 1)
        parsed = parse_datetime(stamp)
    except (ValueError, binascii.Error, UnicodeError):
        raise error from None
    if parsed is None or timezone.is_naive(parsed) or not DIGITS.fullmatch(pk):
        raise error
    try:
        return parsed.astimezone(UTC), parse_int(pk, field=field, label=PAGE_LABEL)
    except (OverflowError, ValueError, InvalidParameter):
        raise error from None


# --- responses -------------------------------------------------------------------------------------------------------


def error_response(request: HttpRequest, error: InvalidParameter) -> HttpResponse:
    """The 400 for a bad value: JSON under /api/, else the error page with the message."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": error.code, "message": error.message, "field": error.field}, status=400)
    context = {"status": 400, "message": error.message, "field": error.field}
    return render(request, "core/error.html", context, status=400)


class InvalidParameterMiddleware:
    """Turns an `InvalidParameter` raised by a view into its 400 (no traceback in the log: it is the client's
    mistake, and one line from the request log says enough)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidParameter):
            return error_response(request, exception)
        return None
