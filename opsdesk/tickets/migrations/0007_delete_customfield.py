"""Custom fields now live in the fields app (fields 0001), in the same table: forget the model here, keep the
table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0006_translations"),
        ("fields", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="CustomField")],
        ),
    ]
