"""Dates are typed as the user's language writes them, with ISO understood everywhere: the browser's own date picker
would show the browser's order of day and month, whatever the page's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

from opsdesk.core.forms import DayInput, MomentField
from opsdesk.core.params import InvalidParameter, parse_day


class When(forms.Form):
    day = forms.DateField(widget=DayInput())


@pytest.mark.parametrize(
    ("language", "typed", "shown", "placeholder"),
    [
        ("fi", "31.12.2026", "31.12.2026", "31.12.2026"),
        ("ru", "31.12.2026", "31.12.2026", "31.12.2026"),
        ("el", "31/12/2026", "31/12/2026", "31/12/2026"),
        ("sv", "2026-12-31", "2026-12-31", "2026-12-31"),
        ("en", "31 Dec 2026", "2026-12-31", "2026-12-31"),
    ],
)
def test_a_date_field_reads_and_shows_the_languages_way(
    language: str, typed: str, shown: str, placeholder: str
) -> None:
    with translation.override(language):
        form = When({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2026, 12, 31)
        assert When({"day": "2026-12-31"}).is_valid()  # ISO in every language
        html = str(When(initial={"day": date(2026, 12, 31)}, auto_id="w_%s")["day"])
    assert f'value="{shown}"' in html
    assert f'placeholder="{placeholder}"' in html
    assert 'type="text"' in html and 'autocomplete="off"' in html


def test_a_query_parameter_day_reads_both_ways_and_says_how_to_write_it() -> None:
    with translation.override("fi"):
        assert parse_day("31.1.2025", field="start", label="Alku") == date(2025, 1, 31)
        assert parse_day("2025-01-31", field="start", label="Alku") == date(2025, 1, 31)
        with pytest.raises(InvalidParameter) as refused:
            parse_day("1/31/2025", field="start", label="Alku")
    assert str(refused.value) == "Alku: anna päivämäärä, esimerkiksi 31.01.2025."
    with translation.override("en"), pytest.raises(InvalidParameter) as refused:
        parse_day("03/04/2025", field="start", label="From")  # month first or day first: refused, not guessed
    assert str(refused.value) == "From: enter a date such as 2025-01-31."


def test_a_day_kept_as_iso_for_links_shows_the_languages_way() -> None:
    from opsdesk.core.templatetags.opsdesk import day_input

    with translation.override("el"):
        assert day_input("2026-12-31") == "31/12/2026"
        assert day_input(date(2026, 1, 5)) == "05/01/2026"
        assert day_input("") == ""


class At(forms.Form):
    at = MomentField()


@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [
        ("fi", "31.12.2026 16.30", "31.12.2026 16.30"),
        ("fi", "31.12.2026 16:30", "31.12.2026 16.30"),
        ("ru", "31.12.2026 16:30", "31.12.2026 16:30"),
        ("el", "31/12/2026 16:30", "31/12/2026 16:30"),
        ("sv", "2026-12-31 16:30", "2026-12-31 16:30"),
        ("en", "2026-12-31 16:30:00", "2026-12-31 16:30"),
    ],
)
def test_a_date_and_time_field_reads_and_shows_the_languages_way(language: str, typed: str, shown: str) -> None:
    with translation.override(language), timezone.override("Europe/Helsinki"):
        form = At({"at": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["at"] == datetime(2026, 12, 31, 14, 30, tzinfo=UTC)  # 16:30 in Helsinki
        assert At({"at": "2026-12-31T16:30"}).is_valid()  # ISO in every language
        html = str(At(initial={"at": datetime(2026, 12, 31, 16, 30)}, auto_id="w_%s")["at"])  # noqa: DTZ001
    assert f'value="{shown}"' in html and f'placeholder="{shown[:10]} 16{shown[13]}30"' in html
    assert 'type="text"' in html and "datetime-local" not in html


def test_a_month_first_date_and_time_is_refused_with_the_languages_example() -> None:
    with translation.override("fi"):
        form = At({"at": "12/31/2026 4:30 PM"})
        assert not form.is_valid()
        assert form.errors["at"] == ["Anna päivämäärä ja kellonaika, esimerkiksi 31.12.2026 16.30."]
    with translation.override("en"):
        assert At({"at": "12/31/2026 16:30"}).errors["at"] == ["Enter a date and time, such as 2026-12-31 16:30."]
