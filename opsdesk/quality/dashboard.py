"""The quality dashboard's reads: CSAT, NPS, CES, the response rate and IQS for a period beside the period before,
weekly trends, per-agent figures (with "low sample"), and the answers and reviews behind each figure (drill-down).
The formulas are quality/survey_scores.py's (METRICS.md §4, §5); the rows are those of the tickets the reader sees.

Choices: answers count in the period they were first given (`answered_at`), attributed to the agent at solve; the
response rate is over the surveys sent in the period (an answer may come later); IQS uses random-sample reviews
only, after disputes (§5), and no calibration review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from opsdesk.accounts.capabilities import Capability, can
from opsdesk.core.models import OutgoingMail
from opsdesk.quality import actions, survey_scores, topics
from opsdesk.quality.models import Review, SurveyRequest
from opsdesk.tickets.models import Ticket

METRICS = ("csat", "nps", "ces", "response_rate", "iqs")
WEEKS = 8


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def before(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)


def period(days: int, *, zone: str, today: date) -> Period:
    tz = ZoneInfo(zone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return Period(end - timedelta(days=days), end)


def answers(user: Any) -> QuerySet[SurveyRequest]:
    """Answered surveys of the tickets `user` sees."""
    found = SurveyRequest.objects.filter(state=SurveyRequest.State.SENT, answered_at__isnull=False)
    if not can(user, Capability.SEE_ALL_TICKETS):
        found = found.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))
    return found


def reviews(user: Any) -> QuerySet[Review]:
    """Reviews that count for IQS (random sample, not calibration) of the tickets `user` sees."""
    return Review.objects.visible_to(user).filter(calibration__isnull=True, sample_reason="random", score__isnull=False)


def _expanded(rows: Iterable[tuple[int, int]]) -> list[int]:
    return [rating for rating, n in rows for _ in range(n)]


def figures(user: Any, span: Period) -> dict[str, Any]:
    """Each metric's figure in `span`: CSAT per scale (the 5-point one first), NPS, CES, response rate, IQS."""
    found = answers(user).filter(answered_at__gte=span.start, answered_at__lt=span.end)
    counts = list(found.values_list("kind", "scale", "rating").annotate(n=Count("pk")).order_by())
    csat_rows: dict[int, list[tuple[int, int]]] = defaultdict(list)
    nps_rows, ces_rows = [], []
    for kind, scale, rating, n in counts:
        if kind == "csat":
            csat_rows[scale].append((rating, n))
        elif kind == "nps":
            nps_rows.append((rating, n))
        elif kind == "ces":
            ces_rows.append((rating, n))
    scale = max(csat_rows, key=lambda s: sum(n for _r, n in csat_rows[s])) if csat_rows else 5
    delivered = _sent(user).filter(sent_at__gte=span.start, sent_at__lt=span.end)
    sent_count = delivered.count()
    failed = delivered.filter(mail__state=OutgoingMail.State.FAILED).count()
    responded = delivered.filter(answered_at__isnull=False).count()
    in_span = reviews(user).filter(created_at__gte=span.start, created_at__lt=span.end)
    scores = [float(s) for s in in_span.values_list("score", flat=True) if s is not None]
    return {
        "csat": survey_scores.csat(_expanded(csat_rows.get(scale, [])), scale=scale),
        "csat_scale": scale,
        "nps": survey_scores.nps(_expanded(nps_rows)),
        "ces": survey_scores.ces(_expanded(ces_rows)),
        "response_rate": survey_scores.response_rate(
            min(responded, sent_count - failed), sent=sent_count, failed=failed
        ),
        "sent": sent_count,
        "iqs": survey_scores.iqs(scores),
    }


def _sent(user: Any) -> QuerySet[SurveyRequest]:
    found = SurveyRequest.objects.filter(state=SurveyRequest.State.SENT)
    if not can(user, Capability.SEE_ALL_TICKETS):
        found = found.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))
    return found


def weekly(user: Any, *, zone: str, today: date) -> list[dict[str, Any]]:
    """The last eight weeks (Monday to Sunday, the reader's zone), each with CSAT (% satisfied, 5-point), NPS, CES
    and IQS and their n."""
    tz = ZoneInfo(zone)
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday - timedelta(weeks=WEEKS - 1), datetime.min.time(), tzinfo=tz)
    rows = (
        answers(user)
        .filter(answered_at__gte=start)
        .annotate(day=TruncDate("answered_at", tzinfo=tz))
        .values_list("day", "kind", "scale", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weeks: dict[date, dict[str, list[int]]] = {
        monday - timedelta(weeks=k): defaultdict(list) for k in range(WEEKS - 1, -1, -1)
    }
    for day, kind, scale, rating, n in rows:
        week = day - timedelta(days=day.weekday())
        if week in weeks:
            key = f"csat{scale}" if kind == "csat" else kind
            weeks[week][key].extend([rating] * n)
    scored = reviews(user).filter(created_at__gte=start).annotate(day=TruncDate("created_at", tzinfo=tz))
    for day, score in scored.values_list("day", "score"):
        week = day - timedelta(days=day.weekday())
        if week in weeks:
            weeks[week]["iqs"].append(float(score))  # type: ignore[arg-type]
    out = []
    for week, found in weeks.items():
        out.append(
            {
                "week": week,
                "csat": survey_scores.csat(found.get("csat5", []), scale=5),
                "nps": survey_scores.nps(found.get("nps", [])),
                "ces": survey_scores.ces(found.get("ces", [])),
                "iqs": survey_scores.iqs(found.get("iqs", [])),
            }
        )
    return out


def per_agent(user: Any, span: Period) -> list[dict[str, Any]]:
    """Per agent: CSAT (5-point, attributed at solve) and IQS, with n; sorted by name."""
    from opsdesk.accounts.models import User

    found = answers(user).filter(answered_at__gte=span.start, answered_at__lt=span.end, kind="csat", scale=5)
    csat_rows: dict[int, list[int]] = defaultdict(list)
    for agent, rating, n in found.values_list("agent", "rating").annotate(n=Count("pk")).order_by():
        if agent is not None:
            csat_rows[agent].extend([rating] * n)
    iqs_rows: dict[int, list[float]] = defaultdict(list)
    for agent, score in (
        reviews(user).filter(created_at__gte=span.start, created_at__lt=span.end).values_list("reviewee", "score")
    ):
        iqs_rows[agent].append(float(score))  # type: ignore[arg-type]
    names = dict(User.objects.filter(pk__in=set(csat_rows) | set(iqs_rows)).values_list("pk", "name"))
    return sorted(
        (
            {
                "agent": pk,
                "name": names.get(pk, f"#{pk}"),
                "csat": survey_scores.csat(csat_rows.get(pk, []), scale=5),
                "iqs": survey_scores.iqs(iqs_rows.get(pk, [])),
            }
            for pk in names
        ),
        key=lambda row: str(row["name"]).lower(),
    )


def comments(user: Any, span: Period) -> list[tuple[int, topics.Comment]]:
    """The period's answers with a comment: (answer id, the comment with its language and the rating's polarity)."""
    rows = (
        answers(user)
        .filter(answered_at__gte=span.start, answered_at__lt=span.end)
        .exclude(comment="")
        .values_list("pk", "language", "comment", "kind", "scale", "rating")
    )
    return [
        (pk, topics.Comment(language, text, actions.is_negative(kind, scale, rating or 0)))
        for pk, language, text, kind, scale, rating in rows
    ]


def comment_topics(user: Any, span: Period) -> tuple[list[topics.Topic], list[topics.Topic]]:
    now = [comment for _pk, comment in comments(user, span)]
    before = [comment for _pk, comment in comments(user, span.before())]
    return topics.topics(now, before)


def mentioning(user: Any, span: Period, *, term: str, language: str) -> list[int]:
    """The answers of the period whose comment is about `term` (a lemma in `language`)."""
    return [
        pk
        for pk, comment in comments(user, span)
        if comment.language == language and term in topics.terms(comment.text, language)
    ]
