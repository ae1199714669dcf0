"""The account's default calendar (METRICS §0: used when neither an SLA policy nor a team names one): Monday to
Friday 08:00–17:00 in the default time zone (OPSDESK_DEFAULT_TIME_ZONE), no holidays yet. See ADR 0020."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def _zone():
    name = getattr(settings, "OPSDESK_DEFAULT_TIME_ZONE", "") or "UTC"
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # an unknown (ZoneInfoNotFoundError) or malformed name
        return "UTC"
    return name


def create_default(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    CalendarWindow = apps.get_model("sla", "CalendarWindow")
    if BusinessCalendar.objects.exists():
        return
    calendar = BusinessCalendar.objects.create(
        name="Business hours",
        time_zone=_zone(),
        is_default=True,
    )
    CalendarWindow.objects.bulk_create(
        CalendarWindow(calendar=calendar, weekday=day, start_minute=8 * 60, end_minute=17 * 60) for day in range(5)
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
