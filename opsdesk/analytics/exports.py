"""Exports of ticket rows, without a row cap: the tickets a KPI counted (the drill-down, each with its value) and
the tickets of an inbox view with its filters (the same filter code and `visible_to` scope as the inbox).

An `Export` is a header and a lazy iterator of rows; `stream_csv` turns it into CSV lines for a
StreamingHttpResponse, `xlsx_file` into an XLSX written row by row (openpyxl's write-only mode) into a temporary
file. Rows are read a chunk at a time with the names they show looked up once per export (statuses, teams,
people) or once per chunk (tags), so the number of queries does not grow with the rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from opsdesk.accounts.models import Role, User
from opsdesk.analytics import periods, query
from opsdesk.analytics.kpis import Kpi
from opsdesk.analytics.spreadsheets import (
    BOM,
    DATETIME_FORMAT,
    TIME_FORMAT,
    clean_text,
    csv_line,
    csv_text,
    text_cell,
)
from opsdesk.people.models import Team
from opsdesk.tickets import filters, inbox, search
from opsdesk.tickets.models import Ticket, TicketStatus

TEXT, NUMBER, SECONDS, MOMENT = "text", "number", "seconds", "moment"
CHUNK = 2000  # rows read at a time
LINES_PER_WRITE = 200  # CSV lines sent to the client at a time


@dataclass
class Export:
    name: str  # the file name without extension
    columns: list[tuple[str, str]]  # (header, kind)
    rows: Iterator[Sequence[Any]]


# --- writers ------------------------------------------------------------------------------------------------------


def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == MOMENT:
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == TEXT:
        return csv_text(str(value))
    return str(int(value))


def stream_csv(export: Export) -> Iterator[str]:
    kinds = [kind for _header, kind in export.columns]
    yield BOM + csv_line([csv_text(header) for header, _kind in export.columns])
    lines: list[str] = []
    for row in export.rows:
        lines.append(csv_line([_csv_cell(kind, value) for kind, value in zip(kinds, row, strict=True)]))
        if len(lines) >= LINES_PER_WRITE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def xlsx_file(export: Export, sheet_name: str) -> IO[bytes]:
    """The export as an XLSX in a temporary file (deleted when closed), positioned at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    kinds = [kind for _header, kind in export.columns]
    sheet.append([text_cell(sheet, header) for header, _kind in export.columns])
    for row in export.rows:
        cells: list[Any] = []
        for kind, value in zip(kinds, row, strict=True):
            if value is None:
                cells.append(None)
            elif kind == TEXT:
                cells.append(text_cell(sheet, str(value)))
            elif kind == SECONDS:
                cell = WriteOnlyCell(sheet, value=value / 86400)
                cell.number_format = TIME_FORMAT
                cells.append(cell)
            elif kind == MOMENT:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    book.save(handle)
    handle.seek(0)
    return handle


# --- names --------------------------------------------------------------------------------------------------------


def _names() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Statuses, teams and staff by id, in the reader's language: one query each for the whole export."""
    statuses = {s.pk: str(s.display_name) for s in TicketStatus.objects.all()}
    teams = {t.pk: str(t.display_name) for t in Team.objects.all()}
    people = dict(User.objects.exclude(role=Role.CUSTOMER).values_list("pk", "name"))
    return statuses, teams, people


def _local(moment: datetime | None, zone: Any) -> datetime | None:
    """A naive time in `zone`: spreadsheets hold no time zones, so the header names it."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


# --- the drill-down -----------------------------------------------------------------------------------------------


def drill(user: User, cut: query.Cut, kpi: Kpi, part: str = "") -> Export:
    """Every ticket (or event, for counts of solves, replies and SLA outcomes) the figure of `kpi` over the scoped
    `cut` counted, oldest first, with its value; only tickets the user may see."""
    drill = query.drill_query(cut, kpi, part).for_user(user)
    at_col, value_col, agent_col = drill.at, drill.value, drill.agent
    # (header, kind, the row's field, how its value is shown)
    spec: list[tuple[str, str, str, str]] = [
        (_("Ticket"), NUMBER, "ticket_id", ""),
        (_("Subject"), TEXT, "ticket__subject", ""),
        (_("When (%(zone)s)") % {"zone": periods.zone_name()}, MOMENT, at_col, "moment"),
    ]
    if value_col:
        spec.append((str(kpi.label), SECONDS, value_col, ""))
    if kpi.key == "one_touch":
        spec.append((_("One touch"), TEXT, "one_touch", "yes_no"))
    if kpi.key == "reopen_rate":
        spec.append((_("Reopens"), NUMBER, "reopens", ""))
    if kpi.key == "sla_attainment":
        spec += [(_("Outcome"), TEXT, "kind", "outcome"), (_("SLA metric"), TEXT, "detail", "metric")]
    if agent_col:
        spec.append((_("Agent"), TEXT, agent_col, "person"))
    spec += [
        (_("Team"), TEXT, "ticket__team_id", "team"),
        (_("Status"), TEXT, "ticket__status_id", "status"),
        (_("Priority"), TEXT, "ticket__priority", "priority"),
        (_("Channel"), TEXT, "ticket__channel", "channel"),
    ]
    ordered = drill.ordered(newest_first=False).values_list(*(field for _h, _k, field, _s in spec))
    name = f"{kpi.key}-{cut.period.start.isoformat()}-{cut.period.end.isoformat()}"
    columns = [(header, kind) for header, kind, _f, _s in spec]
    return Export(name, columns, _drill_rows(ordered, [shown for _h, _k, _f, shown in spec]))


def _drill_rows(ordered: QuerySet[Any], shown: list[str]) -> Iterator[list[Any]]:
    from opsdesk.sla.models import METRICS

    statuses, teams, people = _names()  # read when the first row is asked for, as the response streams
    zone = periods.zone()
    lookups: dict[str, dict[Any, Any]] = {
        "yes_no": {True: _("Yes"), False: _("No")},
        "outcome": {"sla_achieved": _("Met"), "sla_breached": _("Breached")},
        "metric": {key: str(label) for key, label in METRICS},
        "person": people,
        "team": teams,
        "status": statuses,
        "priority": {key: str(label) for key, label in Ticket.Priority.choices},
        "channel": {key: str(label) for key, label in Ticket.Channel.choices},
    }
    for found in ordered.iterator(chunk_size=CHUNK):
        values: list[Any] = []
        for how, value in zip(shown, found, strict=True):
            if value is None or not how:
                values.append(value)
            elif how == "moment":
                values.append(_local(value, zone))
            else:
                values.append(lookups[how].get(value, value))
        yield values


# --- inbox views --------------------------------------------------------------------------------------------------


def tickets(user: User, params: Mapping[str, Any]) -> Export:
    """The tickets of the inbox view the parameters name (view, sort, the filter language, q), as the inbox finds
    them, every page of them."""
    view = inbox.current_view(user, str(params.get("view") or ""))
    asked = filters.from_query(params)
    flt, saved = inbox.view_filter(user, view=view, request_filter=asked)
    qs, scope = inbox.view_queryset(user, flt, view=view)
    if scope.categories is not None:
        qs = qs.filter(status_category__in=scope.categories)
    sort = str(params.get("sort") or "") or (saved.sort if saved else inbox.DEFAULT_SORTS.get(view, ""))
    zone = timezone.get_current_timezone()
    zone_name = str(zone)
    columns = [
        (_("Ticket"), NUMBER),
        (_("Subject"), TEXT),
        (_("Status"), TEXT),
        (_("Priority"), TEXT),
        (_("Type"), TEXT),
        (_("Channel"), TEXT),
        (_("Language"), TEXT),
        (_("Team"), TEXT),
        (_("Assignee"), TEXT),
        (_("Requester"), TEXT),
        (_("Organization"), TEXT),
        (_("Tags"), TEXT),
        (_("Created (%(zone)s)") % {"zone": zone_name}, MOMENT),
        (_("Updated (%(zone)s)") % {"zone": zone_name}, MOMENT),
        (_("Solved (%(zone)s)") % {"zone": zone_name}, MOMENT),
    ]
    batches = _searched(qs, scope.text) if scope.text else _sorted(qs, sort)
    name = f"tickets-{timezone.localdate().isoformat()}"
    return Export(name, columns, _ticket_rows(batches, zone))


def _sorted(qs: QuerySet[Ticket], sort: str) -> Iterator[list[Ticket]]:
    field, desc = inbox.SORTS.get(sort, inbox.SORTS["-updated"])
    if sort in inbox.NON_NULL_SORTS:
        qs = qs.filter(**{f"{field}__isnull": False})
    order = [f"-{field}", "-pk"] if desc else [field, "pk"]
    related = qs.select_related("requester", "assignee", "team", "organization").order_by(*order)
    batch: list[Ticket] = []
    for ticket in related.iterator(chunk_size=CHUNK):
        batch.append(ticket)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _searched(qs: QuerySet[Ticket], text: str) -> Iterator[list[Ticket]]:
    """Every match of the words, newest first, a page at a time (the inbox's "newest first" search)."""
    before: int | None = None
    while True:
        results = search.search(qs, text, public_only=False, sort="newest", before=before, size=CHUNK)
        yield [hit.ticket for hit in results.hits]
        if not results.next_before:
            return
        before = results.next_before


def _ticket_rows(batches: Iterator[list[Ticket]], zone: Any) -> Iterator[list[Any]]:
    statuses = {s.pk: str(s.display_name) for s in TicketStatus.objects.all()}
    priorities = {key: str(label) for key, label in Ticket.Priority.choices}
    types = {key: str(label) for key, label in Ticket.Type.choices}
    channels = {key: str(label) for key, label in Ticket.Channel.choices}
    through = Ticket.tags.through
    for batch in batches:
        tags: dict[int, list[str]] = {}
        pairs = through.objects.filter(ticket_id__in=[t.pk for t in batch]).order_by("tag__name")
        for ticket_id, tag in pairs.values_list("ticket_id", "tag__name"):
            tags.setdefault(ticket_id, []).append(tag)
        for t in batch:
            yield [
                t.pk,
                t.subject,
                statuses.get(t.status_id, ""),
                priorities.get(t.priority, t.priority),
                types.get(t.type, t.type),
                channels.get(t.channel, t.channel),
                t.language,
                str(t.team.display_name) if t.team else None,
                t.assignee.name if t.assignee else None,
                t.requester.name,
                t.organization.name if t.organization else None,
                ", ".join(tags.get(t.pk, [])),
                _local(t.created_at, zone),
                _local(t.updated_at, zone),
                _local(t.solved_at, zone),
            ]


def xlsx_name(text: str) -> str:
    """A sheet name: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = clean_text("".join(" " if c in ":\\/?*[]" else c for c in text)).strip()
    return cleaned[:31] or "Sheet"
