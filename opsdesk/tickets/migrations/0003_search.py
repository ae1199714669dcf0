"""The full-text search index (ADR 0009): an FTS5 table on SQLite, a tsvector with a GIN index on PostgreSQL."""

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    from opsdesk.tickets import search

    search.create_index(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    from opsdesk.tickets import search

    search.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_default_statuses")]
    operations = [migrations.RunPython(create, drop)]
