"""Survey answer links: signed, expiring after the answer window, refused when altered, forged or signed for
another purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing

from opsdesk.quality.links import ANSWER_WINDOW, LinkRefused, answer_token, read_answer_token

SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_link_answers_its_survey_with_its_rating_until_the_window_ends() -> None:
    with time_machine.travel(SENT, tick=False):
        token = answer_token(41, 5)
    with time_machine.travel(SENT + ANSWER_WINDOW, tick=False):
        assert read_answer_token(token) == (41, 5)
    late = SENT + ANSWER_WINDOW + timedelta(seconds=1)
    with time_machine.travel(late, tick=False), pytest.raises(LinkRefused) as refused:
        read_answer_token(token)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature changed
        lambda t: answer_token(41, 5).replace(answer_token(41, 5).split(":")[0], answer_token(42, 5).split(":")[0]),
        lambda t: signing.dumps({"s": 41, "r": 5}, salt="opsdesk.other-purpose"),  # signed for something else
        lambda t: signing.dumps({"s": "41", "r": 5}, salt="opsdesk.quality.survey-answer"),  # not a number
        lambda t: signing.dumps({"s": True, "r": 5}, salt="opsdesk.quality.survey-answer"),
        lambda t: signing.dumps([41, 5], salt="opsdesk.quality.survey-answer"),
        lambda t: "",
        lambda t: "<script>alert(1)</script>",
    ],
)
def test_an_altered_or_forged_link_is_refused(alter: object) -> None:
    token = answer_token(41, 5)
    with pytest.raises(LinkRefused) as refused:
        read_answer_token(alter(token))  # type: ignore[operator]
    assert refused.value.reason == "invalid"
