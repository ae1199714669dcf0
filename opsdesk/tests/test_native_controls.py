"""No form of the desk uses the browser's own date or time pickers: they speak the browser's language, with its
order of day and month and its clock, whatever the page's language (core.forms.DayInput and MomentInput instead)."""

from __future__ import annotations

from django.utils import translation


def test_no_form_of_the_desk_uses_the_browsers_date_or_time_pickers() -> None:
    from opsdesk.messaging.forms import CallLogForm
    from opsdesk.sla.forms import CheckForm

    with translation.override("fi"):
        html = str(CallLogForm(on_ticket=True)) + str(CheckForm())
    assert "datetime-local" not in html and 'type="date"' not in html and 'type="time"' not in html
    assert html.count('placeholder="31.12.2026 16.30"') == 4  # started, answered, ended; the check tool's start
