"""An agent's published shifts as an iCalendar file (RFC 5545): one event a shift in UTC, its breaks and other
activities in the description, so any calendar shows it in the reader's zone."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event

from opsdesk.core.site import site_url
from opsdesk.workforce import schedule
from opsdesk.workforce.models import Activity

if TYPE_CHECKING:
    from opsdesk.accounts.models import User
    from opsdesk.workforce.roster import Roster


def calendar(agent: User, data: Roster) -> bytes:
    zone = zoneinfo.ZoneInfo(agent.time_zone)
    names = dict(Activity.choices)
    found = Calendar()
    found.add("prodid", "-//OpsDesk//Schedule//EN")
    found.add("version", "2.0")
    host = (site_url() or "opsdesk").split("//")[-1].split("/")[0] or "opsdesk"
    with override(agent.language):
        found.add("x-wr-calname", _("OpsDesk shifts"))
        for shift in data.shifts.get(agent.pk, []):
            event = Event()
            event.add("uid", f"shift-{shift.pk}@{host}")
            event.add("dtstamp", shift.published_at or timezone.now())
            event.add("dtstart", shift.start)
            event.add("dtend", shift.end)
            event.add("summary", _("Shift"))
            lines = [
                f"{names.get(b.activity, b.activity)} {b.start.astimezone(zone):%H:%M}–{b.end.astimezone(zone):%H:%M}"
                for b in data.blocks(shift)
                if b.activity != schedule.WORK
            ]
            if lines:
                event.add("description", "\n".join(str(line) for line in lines))
            found.add_component(event)
    return found.to_ical()
