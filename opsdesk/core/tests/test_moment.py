"""One way to show a time on every page: relative within a week, the language's one date-and-time format beyond,
the exact time on hover, 24-hour clocks (a Greek "1:52 μ.μ." wrapped list columns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import translation

from opsdesk.core.templatetags.opsdesk import moment

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # shown in UTC: no reader's zone is active here


def shown(value: datetime, language: str) -> str:
    with translation.override(language), time_machine.travel(NOW, tick=False):
        return str(moment(value))


def test_recent_times_read_relative_with_the_exact_time_on_hover() -> None:
    three_hours = NOW - timedelta(hours=3)
    assert shown(three_hours, "fi") == (
        '<time class="moment" datetime="2027-03-10T09:00:00+00:00" title="10.3.2027 9.00">3 tuntia sitten</time>'
    )
    assert ">3 часа назад<" in shown(three_hours, "ru")
    assert 'title="10/3/2027 09:00">πριν από 3 ώρες<' in shown(three_hours, "el")
    assert ">just now<" in shown(NOW - timedelta(seconds=20), "en")
    assert ">in 2 days<" in shown(NOW + timedelta(days=2, hours=1), "en")


def test_older_times_read_as_the_date_in_one_format_per_language() -> None:
    old = NOW - timedelta(days=30)
    assert ">8 Feb 2027, 12:00<" in shown(old, "en")
    assert ">8/2/2027 12:00<" in shown(old, "el")  # 24-hour
    assert ">2027-02-08 12:00<" in shown(old, "sv")
    assert ">08.02.2027 12:00<" in shown(old, "ru")
    assert shown(None, "en") == "—"  # type: ignore[arg-type]
