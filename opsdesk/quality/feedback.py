"""The feedback report: what customers said in a period, for the support team and, read-only, for other departments
(product, logistics): CSAT, NPS, CES and the response rate with their n, the rising and falling topics, and the
comments with their rating, language and topics. The same report is a page (quality/feedback.html, and the shared
link's page), and an XLSX workbook (`to_xlsx`). Its rows are the answers of the tickets `user` sees (a shared link
reads as the person who made it). No customer's name or address is in it; a comment is shown as the customer
wrote it, as text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from opsdesk.quality import actions, dashboard, topics
from opsdesk.quality.dashboard import Period

PERIODS = (7, 30, 90)  # days a report (and a shared link to it) covers
MAX_COMMENTS = 10_000  # in a workbook; the page shows the newest PAGE_COMMENTS
PAGE_COMMENTS = 200
EXCEL_TEXT = 32_000  # a cell holds 32,767 characters


@dataclass(frozen=True)
class CommentRow:
    answer: int
    ticket: int
    at: datetime
    kind: str
    scale: int
    rating: int
    negative: bool
    language: str
    text: str
    words: list[str]


@dataclass(frozen=True)
class Report:
    span: Period
    days: int
    figures: dict[str, Any]
    before: dict[str, Any]
    rising: list[topics.Topic]
    falling: list[topics.Topic]
    comments: list[CommentRow]  # newest first
    comment_count: int


def build(user: Any, *, days: int, today: Any = None, zone: str | None = None, limit: int = MAX_COMMENTS) -> Report:
    zone = zone or getattr(user, "time_zone", "") or timezone.get_current_timezone_name()
    span = dashboard.period(days, zone=zone, today=today or timezone.localdate())
    rising, falling = dashboard.comment_topics(user, span)
    found = (
        dashboard.answers(user)
        .filter(answered_at__gte=span.start, answered_at__lt=span.end)
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
    )
    rows = found.values_list("pk", "ticket_id", "answered_at", "kind", "scale", "rating", "language", "comment")
    comments = [
        CommentRow(
            pk,
            ticket,
            at,
            kind,
            scale,
            rating,
            actions.is_negative(kind, scale, rating),
            language,
            text,
            sorted(topics.words(text, language).values()),
        )
        for pk, ticket, at, kind, scale, rating, language, text in rows[:limit]
        if at is not None and rating is not None  # an answer has both (`dashboard.answers`)
    ]
    return Report(
        span=span,
        days=days,
        figures=dashboard.figures(user, span),
        before=dashboard.figures(user, span.before()),
        rising=rising,
        falling=falling,
        comments=comments,
        comment_count=found.count() if len(comments) == limit else len(comments),
    )


def page_context(report: Report) -> dict[str, Any]:
    """What the report's page partial (quality/partials/feedback_body.html) reads."""
    return {"report": report, "topic_lists": [(_("Rising"), report.rising), (_("Falling"), report.falling)]}


def _rating_text(row: CommentRow) -> str:
    if row.kind == "nps":
        return f"{row.rating} / 10"
    return f"{row.rating} / {row.scale}"


def _number(value: Any, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def to_xlsx(report: Report) -> bytes:
    """Three sheets, in the active language: the figures, the topics, the comments."""
    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    summary.title = _("Figures")[:31]
    start = formats.date_format(report.span.start.date(), "SHORT_DATE_FORMAT")
    last = formats.date_format((report.span.end - timedelta(days=1)).date(), "SHORT_DATE_FORMAT")
    summary.append([_("Customer feedback from %(start)s to %(end)s") % {"start": start, "end": last}])
    summary["A1"].font = bold
    summary.append([])
    summary.append([_("Figure"), _("This period"), "n", _("Period before"), "n"])
    for cell in summary[3]:
        cell.font = bold
    now, before = report.figures, report.before
    summary.append(
        [_("CSAT, % satisfied"), _number(now["csat"].satisfied), now["csat"].n]
        + [_number(before["csat"].satisfied), before["csat"].n]
    )
    summary.append(["NPS", now["nps"].score, now["nps"].n, before["nps"].score, before["nps"].n])
    summary.append(
        [_("CES, mean of 1–7"), _number(now["ces"].mean, 2), now["ces"].n, _number(before["ces"].mean, 2)]
        + [before["ces"].n]
    )
    summary.append(
        [_("Response rate, %"), _number(None if now["response_rate"] is None else now["response_rate"] * 100)]
        + [now["sent"], _number(None if before["response_rate"] is None else before["response_rate"] * 100)]
        + [before["sent"]]
    )
    summary.column_dimensions["A"].width = 28
    sheet = book.create_sheet(_("Topics")[:31])
    header = [_("Trend"), _("Language"), _("Topic"), _("Comments"), _("Share, %"), _("Before, %")]
    sheet.append([*header, _("Change, points"), _("Negative, %")])
    for cell in sheet[1]:
        cell.font = bold
    for trend, rows in ((_("Rising"), report.rising), (_("Falling"), report.falling)):
        for topic in rows:
            sheet.append(
                [trend, topic.language, topic.word, topic.count, round(topic.share, 1), round(topic.before, 1)]
                + [round(topic.change, 1), round(topic.negative, 1)]
            )
    sheet.column_dimensions["C"].width = 24
    sheet = book.create_sheet(_("Comments")[:31])
    header = [_("Answered"), _("Survey"), _("Rating"), _("Negative"), _("Language"), _("Comment"), _("Topics")]
    header.append(_("Ticket"))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = bold
    for n, row in enumerate(report.comments, start=2):
        sheet.append(
            [
                timezone.localtime(row.at).replace(tzinfo=None),
                row.kind.upper(),
                _rating_text(row),
                _("yes") if row.negative else _("no"),
                row.language,
                None,
                ", ".join(row.words),
                row.ticket,
            ]
        )
        comment = sheet.cell(row=n, column=6, value=ILLEGAL_CHARACTERS_RE.sub("", row.text)[:EXCEL_TEXT])
        comment.data_type = "s"  # text, never a formula, whatever the customer typed first
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.column_dimensions["A"].width = 17
    sheet.column_dimensions["F"].width = 60
    sheet.column_dimensions["G"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
