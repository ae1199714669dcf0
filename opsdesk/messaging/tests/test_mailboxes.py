"""Mailbox settings: the actions (validation, audit rows, the password kept and never shown) and their pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.core.errors import ActionError
from opsdesk.messaging import actions
from opsdesk.messaging.models import Mailbox
from opsdesk.messaging.tests.dovecot import PASSWORD, Dovecot
from opsdesk.messaging.tests.test_imap import deliver, message

FORM = {
    "name": "Support",
    "address": "Support@OpsDesk.example",
    "team": "",
    "language": "fi",
    "signature": "Terveisin, tuki",
    "imap_host": "imap.opsdesk.example",
    "imap_port": "",
    "imap_security": "ssl",
    "imap_username": "support",
    "imap_password": "hunter2",
    "imap_folder": "INBOX",
    "imap_processed_folder": "Processed",
}


def test_create_then_change_with_audit_rows_and_the_password_kept(world: Any) -> None:
    mailbox = actions.create_mailbox(
        actor=world.admin,
        name="Support",
        address="Support@OpsDesk.example",
        team=world.support,
        language="fi",
        imap_host="imap.opsdesk.example",
        imap_username="support",
        imap_password="hunter2",
    )
    assert (mailbox.address, mailbox.imap_port, mailbox.imap_folder, mailbox.imap_password) == (
        "support@opsdesk.example",
        993,
        "INBOX",
        "hunter2",
    )
    created = AuditEvent.objects.get(verb="mailbox.created")
    assert (created.actor, created.target_id) == (world.admin, str(mailbox.pk))
    assert "imap_password" not in created.data["after"] and created.data["after"]["team_id"] == world.support.pk
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="old trouble")
    changed = actions.update_mailbox(
        mailbox,
        actor=world.admin,
        name="Support desk",
        address="support@opsdesk.example",
        team=world.support,
        language="fi",
        imap_host="imap2.opsdesk.example",
        imap_username="support",
        imap_password=None,  # a blank field: keep it
    )
    assert (changed.name, changed.imap_host, changed.imap_password, changed.last_error) == (
        "Support desk",
        "imap2.opsdesk.example",
        "hunter2",
        "",
    )
    updated = AuditEvent.objects.get(verb="mailbox.updated")
    assert updated.data == {
        "before": {"name": "Support", "imap_host": "imap.opsdesk.example"},
        "after": {"name": "Support desk", "imap_host": "imap2.opsdesk.example"},
    }
    actions.update_mailbox(changed, actor=world.admin, name="Support desk", address=changed.address,
                           team=world.support, language="fi", imap_host="imap2.opsdesk.example",
                           imap_username="support", imap_password="new secret")  # fmt: skip
    assert AuditEvent.objects.filter(verb="mailbox.updated").order_by("pk").last().data == {  # type: ignore[union-attr]
        "before": {},
        "after": {},
        "password_changed": True,
    }
    assert Mailbox.objects.get().imap_password == "new secret"


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"address": "not an address"}, "address", "invalid_address"),
        ({"address": "support+x@opsdesk.example"}, "address", "plus_address"),
        ({"address": "TAKEN@opsdesk.example"}, "address", "address_taken"),
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 101}, "name", "too_long"),
        ({"language": "de"}, "language", "invalid_choice"),
        ({"imap_security": "tls13"}, "imap_security", "invalid_choice"),
        ({"imap_port": 70000}, "imap_port", "invalid_port"),
        ({"imap_host": "imap.example", "imap_username": ""}, "imap_username", "required"),
        ({"imap_processed_folder": "INBOX"}, "imap_processed_folder", "same_folder"),
        ({"signature": "a\x00b"}, "signature", "invalid"),
        ({"name": "Support\r\nBcc: x@evil.example"}, "name", "invalid"),
    ],
)
def test_bad_settings_are_refused_before_the_database(
    world: Any, values: dict[str, Any], field: str, code: str
) -> None:
    Mailbox.objects.create(name="Taken", address="taken@opsdesk.example")
    base = {"name": "Sales", "address": "sales@opsdesk.example", "language": "en"}
    with pytest.raises(ActionError) as refused:
        actions.create_mailbox(actor=world.admin, **{**base, **values})
    assert (refused.value.field, refused.value.code) == (field, code)
    assert Mailbox.objects.count() == 1 and not AuditEvent.objects.filter(verb__startswith="mailbox.").exists()


def test_only_channel_managers_may_change_mailboxes(world: Any) -> None:
    with pytest.raises(ActionError) as refused:
        actions.create_mailbox(actor=world.manager, name="X", address="x@opsdesk.example")
    assert refused.value.status == 403


def test_deactivating_is_audited_and_a_repeat_changes_nothing(world: Any) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@opsdesk.example")
    actions.set_mailbox_active(mailbox, active=False, actor=world.admin)
    actions.set_mailbox_active(mailbox, active=False, actor=world.admin)
    assert list(AuditEvent.objects.filter(verb__startswith="mailbox.").values_list("verb", flat=True)) == [
        "mailbox.deactivated"
    ]
    assert Mailbox.objects.get().active is False


def test_the_pages_create_and_edit_a_mailbox_without_showing_the_password(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(reverse("mailboxes:mailbox_create"), {**FORM, "team": world.support.pk})
    mailbox = Mailbox.objects.get()
    assert response["Location"] == reverse("mailboxes:mailbox_edit", args=[mailbox.pk])
    assert (mailbox.address, mailbox.language, mailbox.imap_password, mailbox.team) == (
        "support@opsdesk.example",
        "fi",
        "hunter2",
        world.support,
    )
    page = client.get(response["Location"]).content.decode()
    assert "hunter2" not in page and "A password is stored. Leave this empty to keep it." in page
    assert 'value="support@opsdesk.example"' in page and "Test connection" in page
    client.post(response["Location"], {**FORM, "imap_password": "", "name": "Tuki"})
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password) == ("Tuki", "hunter2")


def test_the_form_shows_field_errors_and_saves_nothing(client: Client, world: Any) -> None:
    Mailbox.objects.create(name="Taken", address="taken@opsdesk.example")
    client.force_login(world.admin)
    response = client.post(reverse("mailboxes:mailbox_create"), {**FORM, "address": "taken@opsdesk.example"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"address": ["Another mailbox has this address."]}
    response = client.post(reverse("mailboxes:mailbox_create"), {**FORM, "imap_port": "0", "address": "x"})
    assert set(response.context["form"].errors) == {"imap_port", "address"}
    assert Mailbox.objects.count() == 1


def test_a_form_with_errors_keeps_the_typed_password_but_never_shows_the_stored_one(client: Client, world: Any) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@opsdesk.example", imap_password="stored-secret")
    client.force_login(world.admin)
    url = reverse("mailboxes:mailbox_edit", args=[mailbox.pk])
    response = client.post(url, {**FORM, "address": "x", "imap_password": "typed-secret"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="imap_password" value="typed-secret"' in page and "stored-secret" not in page
    assert "no-store" in response["Cache-Control"]
    blank = client.post(url, {**FORM, "address": "x", "imap_password": ""}).content.decode()
    assert "stored-secret" not in blank and 'name="imap_password" value=' not in blank
    shown = client.get(url)
    assert "stored-secret" not in shown.content.decode() and "no-store" in shown["Cache-Control"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_1_and_30_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for n in range(rows):
        Mailbox.objects.create(name=f"B{n}", address=f"b{n}@opsdesk.example", team=world.support, last_error="x")
    client.force_login(world.admin)
    with django_assert_num_queries(3):  # session, user, the mailboxes with their teams
        response = client.get(reverse("mailboxes:mailbox_list"))
    assert len(response.context["mailboxes"]) == rows


def test_the_list_and_the_page_show_the_last_poll_and_error(client: Client, world: Any) -> None:
    mailbox = Mailbox.objects.create(
        name="Support", address="support@opsdesk.example", imap_host="imap.example", imap_username="u"
    )
    actions.record_poll(mailbox.pk, error="The IMAP server answered: [AUTHENTICATIONFAILED] Authentication failed.")
    client.force_login(world.admin)
    listing = client.get(reverse("mailboxes:mailbox_list")).content.decode()
    assert "[AUTHENTICATIONFAILED] Authentication failed." in listing and ">Error</span>" in listing
    page = client.get(reverse("mailboxes:mailbox_edit", args=[mailbox.pk])).content.decode()
    assert "Last error:</strong> The IMAP server answered: [AUTHENTICATIONFAILED]" in page


def test_deactivate_and_activate_from_the_page(client: Client, world: Any) -> None:
    mailbox = Mailbox.objects.create(name="Support", address="support@opsdesk.example")
    client.force_login(world.admin)
    url = reverse("mailboxes:mailbox_set_active", args=[mailbox.pk])
    assert client.post(url, {"active": "0"})["Location"] == reverse("mailboxes:mailbox_edit", args=[mailbox.pk])
    mailbox.refresh_from_db()
    assert mailbox.active is False
    assert ">Deactivated</span>" in client.get(reverse("mailboxes:mailbox_list")).content.decode()
    client.post(url, {"active": "1"})
    mailbox.refresh_from_db()
    assert mailbox.active is True


def test_test_connection_reports_the_count_or_the_servers_error(client: Client, world: Any, dovecot: Dovecot) -> None:
    user = dovecot.add_user()
    mailbox = Mailbox.objects.create(
        name="Support",
        address="support@opsdesk.example",
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security="none",
        imap_username=user,
        imap_password=PASSWORD,
    )
    deliver(dovecot, mailbox, message(1), message(2), message(3))
    client.force_login(world.admin)
    url = reverse("mailboxes:mailbox_test", args=[mailbox.pk])
    ok = client.post(url, headers={"HX-Request": "true"})
    assert ok.content.decode() == (
        '<p class="notice notice-success" role="status">Connected. The folder INBOX holds 3 messages.</p>\n'
    )
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="wrong")
    failed = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert failed == (
        '<p class="notice notice-danger" role="alert">The connection failed. The IMAP server answered: '
        "[AUTHENTICATIONFAILED] Authentication failed.</p>\n"
    )
    plain = client.post(url, follow=True)  # without htmx: a message on the mailbox's page
    assert "The connection failed." in plain.content.decode()


@pytest.mark.parametrize("language", ["en", "fi", "sv", "ru", "el"])
def test_the_pages_render_in_every_language(client: Client, world: Any, language: str) -> None:
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    mailbox = Mailbox.objects.create(name="Support", address="support@opsdesk.example", imap_host="imap.example")
    client.force_login(world.admin)
    for url in (
        reverse("mailboxes:mailbox_list"),
        reverse("mailboxes:mailbox_create"),
        reverse("mailboxes:mailbox_edit", args=[mailbox.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
