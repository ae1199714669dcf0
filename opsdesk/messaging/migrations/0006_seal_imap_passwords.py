"""IMAP passwords are sealed at rest (opsdesk/core/secrets.py): the column widens, and passwords stored in plain text
before are sealed in place."""

from typing import Any

from django.db import migrations

import opsdesk.core.secrets


def seal_plain_passwords(apps: Any, schema_editor: Any) -> None:
    from opsdesk.core import secrets

    connection = schema_editor.connection
    table = connection.ops.quote_name("messaging_mailbox")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, imap_password FROM {table} WHERE imap_password <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, value in rows:
            if not secrets.is_sealed(value):
                cursor.execute(
                    f"UPDATE {table} SET imap_password = %s WHERE id = %s",  # noqa: S608
                    [secrets.seal(value), pk],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_inbound_server_location"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="imap_password",
            field=opsdesk.core.secrets.SealedField(blank=True, verbose_name="IMAP password"),
        ),
        migrations.RunPython(seal_plain_passwords, migrations.RunPython.noop),
    ]
