"""The inbound mail page for admins: the list by state, a message's headers and source (escaped), its .eml, and
the retry and discard decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opsdesk.audit.models import AuditEvent
from opsdesk.messaging import actions
from opsdesk.messaging.models import InboundEmail, Mailbox
from opsdesk.messaging.tests.test_process import ticket_of
from opsdesk.tickets.models import TicketEvent

HOSTILE = (
    b"From: Eve <eve@evil.example>\r\nTo: support@opsdesk.example\r\nSubject: <script>alert(1)</script>\r\n"
    b"Auto-Submitted: auto-generated\r\nMessage-ID: <hostile@evil.example>\r\n\r\n"
    b"<img src=x onerror=alert(2)> \xff\xfe broken bytes\r\n"
)


def received(n: int, *, process: bool = True, start: int = 0) -> list[InboundEmail]:
    rows = []
    for i in range(start, start + n):
        raw = f"From: p{i}@x.example\r\nTo: support@opsdesk.example\r\nSubject: S{i}\r\nPrecedence: bulk\r\n\r\nB\r\n"
        row, _created = actions.receive_email(raw.encode(), via="api")
        rows.append(actions.process_email(row) if process else row)
    return rows


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_1_and_30_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    received(rows)
    client.force_login(world.admin)
    with django_assert_num_queries(3):  # session, user, the page's rows
        response = client.get(reverse("inbound_mail:inbound_list"))
    assert len(response.context["rows"]) == rows


def test_the_default_tab_shows_what_needs_a_decision(client: Client, world: Any) -> None:
    Mailbox.objects.create(name="Support", address="support@opsdesk.example", team=world.support)
    ignored = received(2)
    fine, _ = actions.receive_email(
        b"From: c@x.example\r\nTo: support@opsdesk.example\r\nSubject: Hi\r\n\r\nHi", via="api"
    )
    fine = actions.process_email(fine)
    assert (fine.state, fine.reason, fine.error) == ("processed", "", "")
    waiting = received(1, process=False, start=100)
    client.force_login(world.admin)
    page = client.get(reverse("inbound_mail:inbound_list"))
    assert [r.pk for r in page.context["rows"]] == [ignored[1].pk, ignored[0].pk]
    assert "Bulk or list mail (Precedence header)" in page.content.decode()
    assert [r.pk for r in client.get("/settings/inbound-mail/?state=processed").context["rows"]] == [fine.pk]
    assert [r.pk for r in client.get("/settings/inbound-mail/?state=received").context["rows"]] == [waiting[0].pk]
    assert len(client.get("/settings/inbound-mail/?state=all").context["rows"]) == 4
    assert client.get("/settings/inbound-mail/?state=nonsense").status_code == 400


def test_the_detail_shows_headers_and_source_escaped_and_the_download_is_exact(client: Client, world: Any) -> None:
    row, _ = actions.receive_email(HOSTILE, via="lmtp")
    actions.process_email(row)
    client.force_login(world.admin)
    page = client.get(reverse("inbound_mail:inbound_detail", args=[row.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt; \ufffd\ufffd broken bytes" in page
    assert "Automatic (Auto-Submitted header)" in page and "Turn into a ticket" in page
    download = client.get(reverse("inbound_mail:inbound_download", args=[row.pk]))
    assert download.content == HOSTILE
    assert (download["Content-Type"], download["Content-Disposition"]) == (
        "message/rfc822",
        f'attachment; filename="inbound-{row.pk}.eml"',
    )


def test_retry_turns_ignored_mail_into_a_ticket_and_discard_is_final(client: Client, world: Any) -> None:
    row, _ = actions.receive_email(HOSTILE, via="lmtp")
    actions.process_email(row)
    client.force_login(world.admin)
    response = client.post(reverse("inbound_mail:inbound_retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    ticket = ticket_of(row)
    assert (row.state, ticket.subject) == ("processed", "<script>alert(1)</script>")
    event = TicketEvent.objects.get(ticket=ticket, kind="email.received")
    assert (event.source, event.data["automatic"]) == ("email", ["auto-submitted"])
    again = client.post(reverse("inbound_mail:inbound_retry", args=[row.pk]), follow=True)
    assert "Only ignored or quarantined mail can be processed again." in again.content.decode()
    assert client.post(reverse("inbound_mail:inbound_discard", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.state == "processed"  # processed mail is not discarded
    assert list(AuditEvent.objects.filter(verb__startswith="inbound_email.").values_list("verb", "actor")) == [
        ("inbound_email.retried", world.admin.pk)
    ]


def test_only_channel_managers_reach_it(client: Client, world: Any) -> None:
    [row] = received(1)
    client.force_login(world.manager)
    assert client.get(reverse("inbound_mail:inbound_list")).status_code == 403
    assert client.post(reverse("inbound_mail:inbound_discard", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.state == "ignored"


def test_a_folded_encoded_sender_keeps_its_space_before_the_address(client: Client, world: Any) -> None:
    raw = (
        b"From: =?UTF-8?B?zpPOuc+Oz4HOs86/z4IgzqDOsc+AzrHOtM+Mz4DOv8+FzrvOv8+C?=\r\n <user2@example.org>\r\n"
        b"To: support@opsdesk.example\r\nSubject: =?UTF-8?B?zpPOtc65zqw=?=\r\n =?UTF-8?B?IM+DzrU=?=\r\n\r\nB\r\n"
    )
    row, _ = actions.receive_email(raw, via="api")
    client.force_login(world.admin)
    page = client.get(reverse("inbound_mail:inbound_detail", args=[row.pk])).content.decode()
    assert "<dt>From</dt><dd>Γιώργος Παπαδόπουλος &lt;user2@example.org&gt;</dd>" in page
    assert "<dt>Subject</dt><dd>Γειά σε</dd>" in page  # adjacent encoded words still join without a space


def too_large_row(world: Any) -> InboundEmail:
    mailbox = Mailbox.objects.create(name="Support", address="support@opsdesk.example")
    header = b"From: Big <big@example.org>\r\nSubject: Scans\r\nMessage-ID: <big@example.org>\r\n\r\n"
    row, created = actions.quarantine_too_large(header, size=31_457_280, mailbox=mailbox, folder="INBOX", uid="17")
    again, created_again = actions.quarantine_too_large(
        header, size=31_457_280, mailbox=mailbox, folder="INBOX", uid="17"
    )
    assert (created, created_again, again.pk) == (True, False, row.pk)
    return row


def test_a_too_large_message_is_explained_and_cannot_be_processed(client: Client, world: Any, settings: Any) -> None:
    settings.OPSDESK_MAX_EMAIL_BYTES = 25 * 1024 * 1024
    row = too_large_row(world)
    assert (row.state, row.reason, row.sender, row.subject) == ("quarantined", "too_large", "big@example.org", "Scans")
    client.force_login(world.admin)
    listed = client.get(reverse("inbound_mail:inbound_list")).content.decode()
    assert "Too large: left on the IMAP server, headers only here" in listed
    page = client.get(reverse("inbound_mail:inbound_detail", args=[row.pk])).content.decode()
    assert (
        "This message (30.0\xa0MB) is larger than the limit of 25 MB, so it was left on the IMAP server in folder "
        "INBOX (UID 17) of support@opsdesk.example, flagged as read. Only its headers are stored here."
    ) in page
    assert "Process again" not in page and "Discard" in page
    refused = client.post(reverse("inbound_mail:inbound_retry", args=[row.pk]), follow=True).content.decode()
    assert "Only this message&#x27;s headers were stored, so there is nothing to process" in refused
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("quarantined", 0)
    assert actions.process_email(row, force=True).state == "quarantined"  # the job never parses a header block
    assert client.post(reverse("inbound_mail:inbound_discard", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.state == "discarded"


def test_a_too_large_message_in_greek(client: Client, world: Any) -> None:
    row = too_large_row(world)
    world.admin.language = "el"
    world.admin.save(update_fields=["language"])
    client.force_login(world.admin)
    page = client.get(reverse("inbound_mail:inbound_detail", args=[row.pk])).content.decode()
    assert "Αυτό το μήνυμα (30,0\xa0MB) ξεπερνά το όριο" in page and "φάκελο INBOX (UID 17)" in page
