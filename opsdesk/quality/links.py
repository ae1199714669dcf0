"""Signed one-click survey answer links (METRICS.md §4): the link carries the survey and the rating, signed with the
site's key and a purpose of its own, and is refused when altered, forged, or older than the answer window
(28 days from sending). That an answer is recorded once, and editable afterwards, is the survey's record's rule."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

SALT = "opsdesk.quality.survey-answer"  # a token signed for another purpose never opens a survey
ANSWER_WINDOW = timedelta(days=28)


class LinkRefused(Exception):
    """`reason`: "invalid" (altered, forged, or not a survey link) or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def answer_token(survey_id: int, rating: int) -> str:
    return signing.dumps({"s": survey_id, "r": rating}, salt=SALT, compress=False)


def read_answer_token(token: str, *, window: timedelta = ANSWER_WINDOW) -> tuple[int, int]:
    """The survey and the rating a link answers with; LinkRefused otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=window)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(data, dict):
        raise LinkRefused("invalid")
    survey, rating = data.get("s"), data.get("r")
    if (
        not isinstance(survey, int)
        or not isinstance(rating, int)
        or isinstance(survey, bool)
        or isinstance(rating, bool)
    ):
        raise LinkRefused("invalid")
    return survey, rating
