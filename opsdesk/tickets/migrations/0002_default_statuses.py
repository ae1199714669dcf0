"""The statuses every installation starts with, one per category plus "Waiting for third party" (on hold)."""

from django.db import migrations

DEFAULTS = [
    ("New", "new", 10, True),
    ("Open", "open", 20, True),
    ("Pending", "pending", 30, True),
    ("On hold", "on_hold", 40, True),
    ("Waiting for third party", "on_hold", 45, False),
    ("Solved", "solved", 50, True),
    ("Closed", "closed", 60, True),
]


def create_statuses(apps, schema_editor):  # type: ignore[no-untyped-def]
    TicketStatus = apps.get_model("tickets", "TicketStatus")
    for name, category, position, is_default in DEFAULTS:
        TicketStatus.objects.get_or_create(
            name=name, defaults={"category": category, "position": position, "is_default": is_default}
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_statuses, migrations.RunPython.noop)]
