"""The read-only audit log for administrators and managers: in words, filtered by who, what and when, and
downloadable as CSV (every row the filters find, streamed)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.accounts.models import Role, User
from opsdesk.audit import words
from opsdesk.audit.models import AuditEvent
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import InvalidParameter, int_param, parse_choice, parse_day, parse_int

PAGE = 100
FILTERS = ("actor", "verb", "start", "end")


@dataclass(frozen=True)
class Chosen:
    actor: int | None = None
    verb: str = ""
    start: date | None = None
    end: date | None = None


def _chosen(params: Mapping[str, Any]) -> Chosen:
    """The filters, each parsed once here (a bad one is a 400 naming it)."""
    actor = params.get("actor") or ""
    verb = params.get("verb") or ""
    start = params.get("start") or ""
    end = params.get("end") or ""
    chosen = Chosen(
        actor=parse_int(actor, field="actor", label=_("Who")) if actor else None,
        verb=parse_choice(verb, words.VERBS, field="verb", label=_("Action")) if verb else "",
        start=parse_day(start, field="start", label=pgettext("date range", "From")) if start else None,
        end=parse_day(end, field="end", label=pgettext("date range", "Until")) if end else None,
    )
    if chosen.start and chosen.end and chosen.end < chosen.start:
        label = pgettext("date range", "Until")
        raise InvalidParameter("end", _("%(label)s: the end is before the start.") % {"label": label})
    return chosen


def _events(chosen: Chosen) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    if chosen.actor is not None:
        qs = qs.filter(actor_id=chosen.actor)
    if chosen.verb:
        qs = qs.filter(verb=chosen.verb)
    zone = timezone.get_current_timezone()  # the days are the reader's
    if chosen.start:
        qs = qs.filter(at__gte=datetime.combine(chosen.start, time.min, tzinfo=zone))
    if chosen.end:
        qs = qs.filter(at__lt=datetime.combine(chosen.end + timedelta(days=1), time.min, tzinfo=zone))
    return qs


def _filter_query(params: Mapping[str, Any]) -> str:
    return urlencode({key: str(params.get(key)) for key in FILTERS if params.get(key)})


@capability_required(Capability.VIEW_AUDIT)
@require_GET
def event_list(request: AuthedRequest) -> HttpResponse:
    chosen = _chosen(request.GET)
    qs = _events(chosen)
    if (before := int_param(request.GET, "before", default=None)) is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: PAGE + 1])
    return render(
        request,
        "audit/event_list.html",
        {
            "events": [(event, words.verb(event.verb), words.target(event)) for event in rows[:PAGE]],
            "chosen": chosen,
            "filters": _filter_query(request.GET),
            "people": User.objects.exclude(role=Role.CUSTOMER).order_by("name").only("id", "name"),
            "verbs": words.choices(),
            "next_before": rows[PAGE - 1].pk if len(rows) > PAGE else None,
        },
    )


def _csv_rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    zone = timezone.get_current_timezone()
    for event in qs.order_by("-pk").iterator(chunk_size=2000):
        yield [
            event.at.astimezone(zone).replace(tzinfo=None),
            event.actor.name if event.actor else "",
            str(words.verb(event.verb)),
            event.verb,
            words.target(event),
            event.ip_address or "",
        ]


@capability_required(Capability.VIEW_AUDIT)
@require_GET
def event_export(request: AuthedRequest) -> Any:
    from opsdesk.analytics.exports import MOMENT, TEXT, Export, stream_csv
    from opsdesk.analytics.views.exports import _download, _streamed

    chosen = _chosen(request.GET)
    zone = timezone.get_current_timezone_name()
    columns = [
        (_("Time (%(zone)s)") % {"zone": zone}, MOMENT),
        (_("Who"), TEXT),
        (_("Action"), TEXT),
        (_("Action code"), TEXT),
        (_("Object"), TEXT),
        (_("IP address"), TEXT),
    ]
    export = Export("audit-log", columns, _csv_rows(_events(chosen)))
    response = _streamed(request, stream_csv(export), "text/csv; charset=utf-8")
    return _download(response, f"audit-log-{timezone.localdate().isoformat()}.csv")
