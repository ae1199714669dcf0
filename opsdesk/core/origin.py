"""Where a change came from, and what caused it: the `source` and `cause` every recorded event carries.

The entry point sets the origin once (the request middleware for pages and the API, a command, a job, an
automation rule running) and every event written while it is active records it. Actions therefore need no extra
argument to say where they were called from, and a rule that runs an action marks everything it does with itself
as the cause, so it can tell its own changes apart and never react to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse

SOURCES = ("ui", "api", "portal", "email", "chat", "phone", "automation", "sla", "import", "system")


@dataclass(frozen=True)
class Origin:
    """`source`: one of SOURCES. `cause_event`: the id of the event that led to this change, if any. `cause`: a
    typed reference to the rule, clock or job that made it ("trigger:12", "sla_clock:5", "customer_merge:3")."""

    source: str = "system"
    cause_event: int | None = None
    cause: str = ""

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"Unknown event source {self.source!r}")
        if len(self.cause) > 60:
            raise ValueError("An event cause is at most 60 characters.")


_current: ContextVar[Origin] = ContextVar("opsdesk_origin", default=Origin())  # noqa: B039 - frozen


def current() -> Origin:
    return _current.get()


@contextmanager
def origin(source: str | None = None, *, cause_event: int | None = None, cause: str | None = None) -> Iterator[Origin]:
    """Run a block with this origin; what is not given is kept from the enclosing one."""
    outer = _current.get()
    inner = replace(
        outer,
        source=source or outer.source,
        cause_event=cause_event if cause_event is not None else outer.cause_event,
        cause=cause if cause is not None else outer.cause,
    )
    token = _current.set(inner)
    try:
        yield inner
    finally:
        _current.reset(token)


def source_of_request(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith(("/portal/", "/contact/", "/follow/")):
        return "portal"
    return "ui"


class OriginMiddleware:
    """Every change made while serving a request is recorded with the request's source (ui, api or portal)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(Origin(source=source_of_request(request.path)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
