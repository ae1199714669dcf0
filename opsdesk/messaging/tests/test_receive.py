import pytest

from opsdesk.core.errors import ActionError
from opsdesk.messaging.actions import receive_email
from opsdesk.messaging.models import InboundEmail

RAW = (
    b"From: =?utf-8?b?zpXOu86tzr3OtyDOoM6xz4DOsc60zr/PgM6/z43Ou86/z4U=?= <eleni@example.gr>\r\n"
    b"To: support@opsdesk.example\r\n"
    b"Subject: =?koi8-r?b?8NLJ18XU?=\r\n"
    b"Message-ID: <abc@example.gr>\r\n"
    b"\r\n"
    b"Hello\r\n"
)


@pytest.mark.django_db
def test_stored_once_with_its_summary() -> None:
    first, created = receive_email(RAW, via="command", recipients=["support@opsdesk.example"])
    again, created_again = receive_email(RAW, via="api")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    row = InboundEmail.objects.get()
    assert bytes(row.raw) == RAW
    assert (row.message_id, row.sender, row.subject, row.size) == (
        "<abc@example.gr>",
        "eleni@example.gr",
        "Привет",
        len(RAW),
    )
    assert (row.state, row.via, row.recipients) == ("received", "command", ["support@opsdesk.example"])


@pytest.mark.django_db
def test_unreadable_headers_are_still_stored_and_limits_refuse_clearly(settings: object) -> None:
    garbage = b"\xff\xfe not a mail at all \x00\x01 =?bad?q?x?=\r\n\r\n"
    row, created = receive_email(garbage, via="lmtp")
    assert created and bytes(row.raw) == garbage and row.message_id == ""
    with pytest.raises(ActionError) as empty:
        receive_email(b" \r\n", via="api")
    assert empty.value.code == "empty_message"
    settings.OPSDESK_MAX_EMAIL_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(ActionError) as large:
        receive_email(RAW, via="api")
    assert (large.value.code, large.value.status) == ("message_too_large", 413)
    assert InboundEmail.objects.count() == 1
