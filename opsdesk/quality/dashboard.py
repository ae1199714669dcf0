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

from django.db.models import Count, Q, QuerySet

from opsdesk.core.models import OutgoingMail
from opsdesk.quality import actions, survey_scores, topics
from opsdesk.quality.models import Review, SurveyRequest
from opsdesk.tickets.querysets import joined_to_visible_tickets

METRICS = ("csat", "nps", "ces", "response_rate", "iqs")
WEEKS = 8
PAGE_SECONDS = 60  # the dashboard's figures are kept this long per reader's scope, period and day


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
    """Answered surveys of the tickets `user` sees (each period's rows from their index, then their tickets). Only a
    sent survey is answered and a sent one stays sent, so the state is not asked: on it, SQLite took the index of
    due surveys (state, due_at) and read every sent one."""
    found = SurveyRequest.objects.filter(answered_at__isnull=False)
    return joined_to_visible_tickets(found, user)


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
    counted = delivered.aggregate(
        sent=Count("pk"),
        failed=Count("pk", filter=Q(mail__state=OutgoingMail.State.FAILED)),
        responded=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    sent_count, failed, responded = counted["sent"], counted["failed"], counted["responded"]
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
    found = SurveyRequest.objects.filter(sent_at__isnull=False)  # only a sent survey has a sending time
    return joined_to_visible_tickets(found, user)


def weekly(user: Any, *, zone: str, today: date) -> list[dict[str, Any]]:
    """The last eight weeks (Monday to Sunday, the reader's zone), each with CSAT (% satisfied, 5-point), NPS, CES
    and IQS and their n. One query per week on the answers' index (a day per row in SQL was a Python function call
    per answer on SQLite: 0.7 s for 40,000 answers)."""
    tz = ZoneInfo(zone)
    monday = today - timedelta(days=today.weekday())
    out = []
    for k in range(WEEKS - 1, -1, -1):
        week = monday - timedelta(weeks=k)
        start = datetime.combine(week, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(week + timedelta(days=7), datetime.min.time(), tzinfo=tz)
        found: dict[str, list[int]] = defaultdict(list)
        rows = (
            answers(user)
            .filter(answered_at__gte=start, answered_at__lt=end)
            .values_list("kind", "scale", "rating")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for kind, scale, rating, n in rows:
            found[f"csat{scale}" if kind == "csat" else kind].extend([rating] * n)
        scores = reviews(user).filter(created_at__gte=start, created_at__lt=end).values_list("score", flat=True)
        out.append(
            {
                "week": week,
                "csat": survey_scores.csat(found.get("csat5", []), scale=5),
                "nps": survey_scores.nps(found.get("nps", [])),
                "ces": survey_scores.ces(found.get("ces", [])),
                "iqs": survey_scores.iqs([float(score) for score in scores if score is not None]),
            }
        )
    return out


def per_team(user: Any, span: Period) -> list[dict[str, Any]]:
    """Per team: CSAT (5-point, the team at solve) and IQS (random-sample reviews of the team's tickets), with n."""
    from opsdesk.people.models import Team

    csat_rows: dict[int, list[int]] = defaultdict(list)
    found = answers(user).filter(answered_at__gte=span.start, answered_at__lt=span.end)
    for kind, scale, team, rating, n in (
        found.values_list("kind", "scale", "team", "rating").annotate(n=Count("pk")).order_by()
    ):
        if kind == "csat" and scale == 5 and team is not None:
            csat_rows[team].extend([rating] * n)
    iqs_rows: dict[int, list[float]] = defaultdict(list)
    scored = reviews(user).filter(created_at__gte=span.start, created_at__lt=span.end)
    for team, score in scored.values_list("ticket__team", "score"):
        if team is not None and score is not None:
            iqs_rows[team].append(float(score))
    teams = Team.objects.filter(pk__in=set(csat_rows) | set(iqs_rows))
    return sorted(
        (
            {
                "team": team.pk,
                "name": team.display_name,
                "csat": survey_scores.csat(csat_rows.get(team.pk, []), scale=5),
                "iqs": survey_scores.iqs(iqs_rows.get(team.pk, [])),
            }
            for team in teams
        ),
        key=lambda row: str(row["name"]).lower(),
    )


def per_agent(user: Any, span: Period) -> list[dict[str, Any]]:
    """Per agent: CSAT (5-point, attributed at solve) and IQS, with n; sorted by name."""
    from opsdesk.accounts.models import User

    # grouped by kind and scale too, and those chosen here: on `kind = 'csat'` SQLite took the index of sendings
    found = answers(user).filter(answered_at__gte=span.start, answered_at__lt=span.end)
    csat_rows: dict[int, list[int]] = defaultdict(list)
    grouped = found.values_list("kind", "scale", "agent", "rating").annotate(n=Count("pk")).order_by()
    for kind, scale, agent, rating, n in grouped:
        if kind == "csat" and scale == 5 and agent is not None:
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
        .values_list("pk", "language", "comment_words", "kind", "scale", "rating")
    )
    return [
        (pk, topics.Comment(language, "", actions.is_negative(kind, scale, rating or 0), found=found))
        for pk, language, found, kind, scale, rating in rows
    ]


def comment_topics(user: Any, span: Period) -> tuple[list[topics.Topic], list[topics.Topic]]:
    now = [comment for _pk, comment in comments(user, span)]
    before = [comment for _pk, comment in comments(user, span.before())]
    return topics.topics(now, before)


def page(user: Any, *, days: int, zone: str, today: date) -> dict[str, Any]:
    """Everything the dashboard shows, kept PAGE_SECONDS for everyone who sees the same tickets: a cold page at a
    million tickets reads about 100,000 answers and tallies 25,000 comments' words (1.6 s on SQLite for 90 days;
    docs/performance.md). `at` says when it was computed."""
    from django.core.cache import cache
    from django.utils import timezone

    from opsdesk.tickets.querysets import visibility_branches

    scope = "all" if visibility_branches(user) is None else f"user-{user.pk}"
    key = f"quality-dashboard:{scope}:{days}:{zone}:{today.isoformat()}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        span = period(days, zone=zone, today=today)
        found = {
            "now": figures(user, span),
            "before": figures(user, span.before()),
            "weeks": weekly(user, zone=zone, today=today),
            "agents": per_agent(user, span),
            "teams": per_team(user, span),
            "topics": comment_topics(user, span),
            "at": timezone.now(),
        }
        cache.set(key, found, PAGE_SECONDS)
    return found


def mentioning(user: Any, span: Period, *, term: str, language: str) -> list[int]:
    """The answers of the period whose comment is about `term` (a lemma in `language`)."""
    return [
        pk
        for pk, comment in comments(user, span)
        if comment.language == language and comment.found is not None and term in comment.found
    ]
