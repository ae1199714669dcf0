"""The parser on the corpus of real-world messages (tests/corpus/*.eml, byte for byte as mail clients send them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from opsdesk.messaging.email.parse import (
    Attachment,
    Blocked,
    Bounce,
    UnparseableEmail,
    automatic_reasons,
    decode_bytes,
    parse_email,
    sanitise_filename,
    split_quoted,
)

CORPUS = Path(__file__).parent / "corpus"
PNG_SIZE = 70


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_email((CORPUS / name).read_bytes())


def test_multipart_alternative_keeps_text_and_sanitised_html() -> None:
    mail = parse("multipart_alternative.eml")
    assert (mail.from_name, mail.from_address, mail.to, mail.cc) == (
        "Carl Customer",
        "carl@acme.example",
        ("support@opsdesk.example",),
        (),
    )
    assert mail.subject == "Invoice 2026-114 shows the wrong VAT"
    assert mail.message_id == "<CAB4x1=invoice114@mail.acme.example>"
    assert mail.date == datetime(2026, 11, 3, 7, 58, 10, tzinfo=UTC)
    assert mail.new_text == (
        "Hello,\n\nInvoice 2026-114 charges 24 % VAT on the support plan, but we are a\nSwedish company with a VAT "
        "number (SE556677889901) – it should be\nreverse charged.\n\nCould you send a corrected invoice?\n\nThanks,\n"
        "Carl"
    )
    assert (mail.quoted_text, mail.signature, mail.charsets) == ("", "", ("utf-8", "utf-8"))
    assert mail.html.startswith("<div><p>Hello,</p><p>Invoice 2026-114 charges <b>24 % VAT</b>")
    assert (mail.attachments, mail.blocked, mail.bounce, automatic_reasons(mail)) == ([], [], None, [])


def test_outlook_reply_separates_the_from_sent_block_and_drops_mso_markup() -> None:
    mail = parse("outlook_reply.eml")
    assert mail.new_text == (
        "Hi Alice,\n\nThe export still stops at 10,000 rows. I attached nothing this time, the log is the same as "
        "before.\n\nBr, Pekka"
    )
    assert mail.quoted_text.splitlines()[:2] == [
        "From: Alice Agent <support@opsdesk.example>",
        "Sent: Monday, 2 November 2026 16.12",
    ]
    assert mail.in_reply_to == ("<@@MSGID@@>",) and mail.references == ("<@@MSGID@@>",)
    for leftover in ("mso", "<style", "<o:p", "MsoNormal", "<!--", "<xml", "WordSection"):
        assert leftover not in mail.html
    assert "<p>Hi Alice,</p>" in mail.html


def test_gmail_quote_header_wrapped_over_two_lines() -> None:
    mail = parse("gmail_reply_en.eml")
    assert mail.new_text == "It is still smoking a little, but the flames are out."
    assert mail.quoted_text.startswith("On Tue, 3 Nov 2026 at 16:40, OpsDesk Support <support@opsdesk.example>\nwrote:")
    assert mail.delivered_to == ("support@opsdesk.example",)
    assert "[ref:t@@TICKET@@-@@SIG@@]" in mail.text  # the token is searched in the whole text, quote included


def test_apple_mail_with_its_sent_from_line() -> None:
    mail = parse("apple_mail.eml")
    assert (mail.new_text, mail.signature) == (
        "The parcel came this morning, thank you! You can close this.",
        "Sent from my iPhone",
    )
    assert mail.quoted_text.startswith("> On 4 Nov 2026, at 17:02, OpsDesk Support")


@pytest.mark.parametrize(
    ("name", "charset", "name_decoded", "subject", "new_text", "quote_starts"),
    [
        (
            "greek_iso8859_7.eml",
            "iso8859-7",
            "Ελένη Παπαδοπούλου",
            "Η εφαρμογή δεν ανοίγει",
            "Καλημέρα σας,\n\nΗ εφαρμογή δεν ανοίγει μετά την ενημέρωση. Εμφανίζεται το μήνυμα «Σφάλμα 42».\n\n"
            "Ευχαριστώ,\nΕλένη Παπαδοπούλου",
            "",
        ),
        (
            "greek_utf8_base64.eml",
            "utf-8",
            "Ελένη Παπαδοπούλου",
            "Re: Η εφαρμογή δεν ανοίγει",
            "Το δοκίμασα ξανά και τώρα λειτουργεί.",
            "Στις Πέμ 5 Νοε 2026 στις 14:10, ο/η OpsDesk Support",
        ),
        (
            "russian_koi8r.eml",
            "koi8-r",
            "Иван Петров",
            "Не могу войти",
            "Здравствуйте!\n\nНе могу войти в личный кабинет: пароль не подходит, а письмо для сброса не приходит."
            "\n\nИван Петров",
            "",
        ),
        (
            "russian_cp1251_qp.eml",
            "cp1251",
            "Иван Петров",
            "Re: Не могу войти",
            "Спасибо, письмо пришло, вход работает.",
            "Пятница, 6 ноября 2026, 12:15 +03:00 от OpsDesk Support",
        ),
        (
            "finnish_latin1.eml",
            "iso8859-1",
            "Matti Meikäläinen",
            "Laskun osoite väärä",
            "Hei,\n\nTilauksemme 7781 laskussa on väärä osoite. Oikea osoite on Hämeenkatu 12, 33100 Tampere.\n\n"
            "Ystävällisin terveisin\nMatti Meikäläinen",
            "ti 3.11.2026 klo 14.05 OpsDesk Support <support@opsdesk.example> kirjoitti:",
        ),
        (
            "swedish_utf8.eml",
            "utf-8",
            "Anna Svensson",
            "Sv: Fakturan har inte kommit från er",
            "Hej! Fakturan kom fram nu, tack.",
            "Den tis 3 nov. 2026 kl 15:00 skrev OpsDesk Support",
        ),
    ],
)
def test_charsets_and_localised_quote_headers(
    name: str, charset: str, name_decoded: str, subject: str, new_text: str, quote_starts: str
) -> None:
    mail = parse(name)
    assert (mail.charsets, mail.from_name, mail.subject, mail.new_text) == ((charset,), name_decoded, subject, new_text)
    assert mail.quoted_text.startswith(quote_starts)
    if not quote_starts:
        assert mail.quoted_text == ""


def test_finnish_signature_after_the_dash_dash_line() -> None:
    assert parse("finnish_latin1.eml").signature == "-- \nMeikäläinen Oy | puh. 040 123 4567"


def test_encoded_word_subject_and_names_across_charsets() -> None:
    mail = parse("encoded_words.eml")
    assert mail.subject == "Ääö – ✓ report für März 📈"
    assert (mail.from_name, mail.cc) == ("José Álvarez", ("jorg@muller.example", "jane@smith.example"))


def test_html_only_gets_its_text_from_the_sanitised_html() -> None:
    mail = parse("html_only.eml")
    assert mail.new_text == "My order #991 arrived damaged.\n\nPhotos: here and order page"
    for unsafe in ("<script", "alert", "onload", "javascript:", "<img", "tracker.example", "<style"):
        assert unsafe not in mail.html
    assert '<a href="https://shop.example/o/991" rel="noopener noreferrer nofollow">order page</a>' in mail.html


def test_forwarded_message_is_one_eml_attachment_not_flattened() -> None:
    mail = parse("forwarded_rfc822.eml")
    assert mail.new_text == "Is this invoice from you? We do not recognise it."
    [forwarded] = mail.attachments
    assert (forwarded.filename, forwarded.content_type) == ("Your invoice 88.eml", "message/rfc822")
    assert b"Invoice 88 is attached. Total 120.00 EUR." in forwarded.data
    assert "Invoice 88" not in mail.text


def test_winmail_dat_is_ignored_safely() -> None:
    mail = parse("winmail_dat.eml")
    assert (mail.new_text, mail.attachments) == ("Notes from today's call are attached.", [])
    assert mail.blocked == [Blocked("winmail.dat", "application/ms-tnef", 304, "tnef")]


def test_a_missing_closing_boundary_keeps_body_and_attachment() -> None:
    mail = parse("broken_missing_boundary.eml")
    assert mail.new_text == "The body survives even though the last boundary never comes."
    assert mail.attachments == [Attachment("report.csv", "text/csv", b"id,total\r\n1,10\r\n2,20")]


def test_truncated_base64_is_read_as_far_as_it_goes() -> None:
    mail = parse("broken_base64.eml")
    assert mail.new_text == "The screenshot is attached."
    [shot] = mail.attachments
    assert (shot.filename, shot.content_type, shot.data[:8]) == ("shot.png", "image/png", b"\x89PNG\r\n\x1a\n")


def test_a_huge_header_block_is_parsed_and_capped() -> None:
    raw = (CORPUS / "huge_headers.eml").read_bytes()
    assert raw.count(b"\r\nReceived: ") == 1999 and len(raw) > 500_000
    mail = parse_email(raw)
    assert (mail.subject, mail.new_text) == ("Looped through many relays", "Short body after a very long header block.")


def test_rfc2231_names_decoded_sanitised_and_the_exe_blocked() -> None:
    mail = parse("rfc2231_attachments.eml")
    assert [(a.filename, a.content_type, len(a.data)) for a in mail.attachments] == [
        ("Договор №5.pdf", "application/pdf", 17),
        ("Räkning för månad 11.txt", "text/plain", 8),
        ("passwd_.png", "image/png", PNG_SIZE),  # "../../etc/passwd:*.png": no path, no reserved characters
    ]
    assert mail.blocked == [Blocked("invoice.pdf.exe", "application/octet-stream", 66, "dangerous")]


def test_inline_image_keeps_its_content_id() -> None:
    mail = parse("inline_image_cid.eml")
    assert [(a.filename, a.content_id, a.inline) for a in mail.attachments] == [("error.png", "ii_error01@acme", True)]
    assert 'src="cid:' not in mail.html  # the sanitiser keeps no images; the file is an attachment


def test_dsn_bounce_names_the_failed_address_and_the_original_message() -> None:
    mail = parse("dsn_bounce.eml")
    assert mail.bounce == Bounce(recipients=("gone@acme.example",), original_message_id="<@@MSGID@@>")
    assert automatic_reasons(mail) == ["auto-submitted", "mailer-daemon"]
    assert mail.attachments == []  # the returned message is read, not attached


def test_auto_reply_and_list_mail_are_recognised() -> None:
    assert automatic_reasons(parse("auto_reply.eml")) == ["auto-submitted", "x-autoreply", "auto-response-suppress"]
    assert automatic_reasons(parse("list_mail.eml")) == ["precedence", "list"]


def test_mislabelled_and_unknown_charsets_fall_back() -> None:
    mail = parse("mislabelled_charsets.eml")
    assert mail.charsets == ("utf-8", "utf-7", "cp1252")
    assert mail.new_text == (
        "Päivää! Declared ASCII, sent as UTF-8.\n\n\nHi Äiti and Mirjam\n\n\n"
        "Café crème, sent as latin-1 under an unknown name."
    )


def test_no_sender_is_unparseable() -> None:
    with pytest.raises(UnparseableEmail, match="no sender address"):
        parse("no_from.eml")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02",
        b"From: \r\n\r\n",
        b"Content-Type: multipart/mixed\r\nFrom: a@b.example\r\n\r\n--x\r\n",
        b'From: a@b.example\r\nContent-Type: text/plain; charset=""\r\n\r\n\xff\xfe\xfd',
        b"From: =?bogus?q?=FF?= <a@b.example>\r\nSubject: =?utf-8?b?!!!?=\r\n\r\nx",
        b"From: a@b.example\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@",
    ],
)
def test_broken_input_never_raises_anything_else(raw: bytes) -> None:
    try:
        parse_email(raw)
    except UnparseableEmail:
        pass


def test_decode_and_names_directly() -> None:
    assert decode_bytes("Привет".encode("koi8-r"), "koi8-r") == ("Привет", "koi8-r")
    assert decode_bytes(b"caf\xe9", "utf-8") == ("café", "cp1252")  # mislabelled latin-1
    assert decode_bytes(b"\xc3\xa4", "us-ascii") == ("ä", "utf-8")
    assert sanitise_filename("C:\\Users\\x\\evil\x00name.pdf") == "evil_name.pdf"
    assert sanitise_filename("", "image/png") == "attachment.png"
    assert sanitise_filename("a" * 300 + ".pdf") == "a" * 196 + ".pdf"


def test_interleaved_quoting_stays_whole_and_a_quote_only_message_keeps_its_text() -> None:
    interleaved = "> question one\nanswer one\n> question two\nanswer two"
    assert split_quoted(interleaved) == (interleaved, "", "")
    assert split_quoted("> only a quote\n> nothing new") == ("> only a quote\n> nothing new", "", "")


def test_damaged_copies_of_the_corpus_never_raise_anything_else() -> None:
    """Every corpus message, cut short and with bytes flipped at random (a fixed seed): parsed or UnparseableEmail,
    never another exception."""
    import random

    rng = random.Random(9)
    for path in sorted(CORPUS.glob("*.eml")):
        data = path.read_bytes()[:20_000]
        for _ in range(25):
            damaged = bytearray(data[: rng.randrange(1, len(data) + 1)])
            for _flip in range(rng.randrange(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                parse_email(bytes(damaged))
            except UnparseableEmail:
                pass
