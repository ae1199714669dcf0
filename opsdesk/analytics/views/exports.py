"""Downloads under /analytics/export/: a dashboard's report (CSV, XLSX), the tickets a KPI counted (the drill-down,
every one of them, CSV streamed or XLSX), and the tickets of an inbox view with its filters (CSV, XLSX).

Report parameters are parsed by analytics/cuts.py only and scoped by `cuts.scope`; the inbox's by the ticket filter
language and `Ticket.objects.visible_to`, as the inbox reads them. Bad values give the 400 page
(InvalidParameterMiddleware). Every download is recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from opsdesk.accounts.access import staff_required
from opsdesk.analytics import exports, kpis, query, report, spreadsheets
from opsdesk.analytics.actions.exports import record_export
from opsdesk.analytics.views.access import figures_required, scoped
from opsdesk.core.http import AuthedRequest
from opsdesk.core.params import parse_choice

BLOCK = 256 * 1024  # bytes of a file sent at a time


async def _each(chunks: Iterator[Any]) -> AsyncIterator[Any]:
    """A synchronous iterator, read a chunk at a time in the request's thread (where its database cursor lives)."""

    def step() -> Any:
        return next(chunks, None)

    read = sync_to_async(step, thread_sensitive=True)
    try:
        while (chunk := await read()) is not None:
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=True)()


def _streamed(request: HttpRequest, chunks: Iterator[Any], content_type: str) -> StreamingHttpResponse:
    """Under ASGI (uvicorn, `opsdesk serve`) Django reads a synchronous iterator to its end before it sends a byte;
    an asynchronous one is sent as it is read. WSGI (runserver, the tests' client) reads the iterator as it is."""
    if isinstance(request, ASGIRequest):
        return StreamingHttpResponse(_each(chunks), content_type=content_type)
    return StreamingHttpResponse(chunks, content_type=content_type)


def _file_blocks(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := handle.read(BLOCK):
            yield block
    finally:
        handle.close()


def _file(request: HttpRequest, handle: IO[bytes]) -> StreamingHttpResponse:
    """A temporary file: FileResponse under WSGI (the server's file wrapper), blocks under ASGI, where a
    FileResponse would be read into memory whole first."""
    if isinstance(request, ASGIRequest):
        return _streamed(request, _file_blocks(handle), spreadsheets.XLSX_TYPE)
    return FileResponse(handle, content_type=spreadsheets.XLSX_TYPE)


def _download(response: HttpResponse | StreamingHttpResponse, filename: str) -> Any:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _report(request: AuthedRequest) -> report.Report:
    return report.build(scoped(request))


def _report_name(built: report.Report, extension: str) -> str:
    return f"opsdesk-report-{built.period.start.isoformat()}-{built.period.end.isoformat()}.{extension}"


@figures_required
@require_GET
def report_csv(request: AuthedRequest) -> HttpResponse:
    built = _report(request)
    record_export(what="report", file_format="csv", params=request.GET, actor=request.user)
    response = HttpResponse(spreadsheets.to_csv(built), content_type=spreadsheets.CSV_TYPE)
    return _download(response, _report_name(built, "csv"))


@figures_required
@require_GET
def report_xlsx(request: AuthedRequest) -> HttpResponse:
    built = _report(request)
    record_export(what="report", file_format="xlsx", params=request.GET, actor=request.user)
    response = HttpResponse(spreadsheets.to_xlsx(built), content_type=spreadsheets.XLSX_TYPE)
    return _download(response, _report_name(built, "xlsx"))


def _drill(request: AuthedRequest, kpi: str) -> exports.Export:
    found = kpis.get(kpi)
    if found is None:
        raise Http404
    cut = scoped(request).cut
    part = request.GET.get("part") or ""
    if part:
        parts = {p: p for p in query.PARTS.get(found.key, ())}
        part = parse_choice(part, parts, field="part", label=found.label)
    return exports.drill(request.user, cut, found, part)


@figures_required
@require_GET
def drill_csv(request: AuthedRequest, kpi: str) -> HttpResponse | StreamingHttpResponse:
    export = _drill(request, kpi)
    record_export(what=f"drill:{kpi}", file_format="csv", params=request.GET, actor=request.user)
    response = _streamed(request, exports.stream_csv(export), spreadsheets.CSV_TYPE)
    return _download(response, f"{export.name}.csv")


@figures_required
@require_GET
def drill_xlsx(request: AuthedRequest, kpi: str) -> HttpResponse | StreamingHttpResponse:
    export = _drill(request, kpi)
    record_export(what=f"drill:{kpi}", file_format="xlsx", params=request.GET, actor=request.user)
    handle = exports.xlsx_file(export, exports.xlsx_name(str(kpis.BY_KEY[kpi].label)))
    return _download(_file(request, handle), f"{export.name}.xlsx")


@staff_required
@require_GET
def tickets_csv(request: AuthedRequest) -> StreamingHttpResponse:
    export = exports.tickets(request.user, request.GET)
    record_export(what="tickets", file_format="csv", params=request.GET, actor=request.user)
    response = _streamed(request, exports.stream_csv(export), spreadsheets.CSV_TYPE)
    return _download(response, f"{export.name}.csv")


@staff_required
@require_GET
def tickets_xlsx(request: AuthedRequest) -> StreamingHttpResponse:
    export = exports.tickets(request.user, request.GET)
    record_export(what="tickets", file_format="xlsx", params=request.GET, actor=request.user)
    handle = exports.xlsx_file(export, "Tickets")
    return _download(_file(request, handle), f"{export.name}.xlsx")
