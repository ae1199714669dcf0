"""IMAP passwords sealed at rest (core/secrets.py): the database holds no plain password; rotation keeps them
readable; the migration seals the ones stored before."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection

from opsdesk.messaging.models import Mailbox


def stored(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT imap_password FROM messaging_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_mailbox_password_is_sealed_in_the_database_and_plain_in_python() -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com", imap_password="hunter2")
    raw = stored(mailbox)
    assert raw.startswith("sealed:v1:") and "hunter2" not in raw
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "hunter2"
    mailbox.save()  # saving again seals again (a new token), never twice over
    assert stored(mailbox) != raw
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "hunter2"


@pytest.mark.django_db
def test_a_rotated_key_still_opens_with_the_old_one_as_fallback_and_not_without(settings: Any) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com", imap_password="hunter2")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" * 5, [old]
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "hunter2"
    settings.SECRET_KEY_FALLBACKS = []
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == ""  # reads as not set: the page asks for it again


@pytest.mark.django_db
def test_the_migration_seals_passwords_stored_in_plain_text() -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE messaging_mailbox SET imap_password = 'legacy-plain' WHERE id = %s", [mailbox.pk])
    migration = importlib.import_module("opsdesk.messaging.migrations.0006_seal_imap_passwords")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.seal_plain_passwords(None, editor)
    assert stored(mailbox).startswith("sealed:v1:")
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == "legacy-plain"
    sealed = stored(mailbox)
    migration.seal_plain_passwords(None, editor)  # twice is harmless
    assert stored(mailbox) == sealed
