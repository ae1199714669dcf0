"""The `messaging.language` consumer and the rule it applies (tickets.actions.record_detected_language): every
customer message's language on the timeline and on the ticket, the ticket's language from it unless the customer's
is known, the mailbox's default for texts too short or mixed, and nothing read that a customer did not write."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client
from django.utils import translation

from opsdesk.accounts import actions as account_actions
from opsdesk.customers import actions as customer_actions
from opsdesk.customers.models import Customer, CustomerEvent
from opsdesk.messaging import consumers as language_consumer
from opsdesk.messaging.models import Mailbox
from opsdesk.tickets import actions, consumers, events
from opsdesk.tickets.models import Ticket, TicketEvent

GREEK = "Γεια σας, η παραγγελία μου δεν έχει φτάσει ακόμα και έχουν περάσει δέκα μέρες. Μπορείτε να το ελέγξετε;"
RUSSIAN = "Здравствуйте, я не могу войти в свой аккаунт уже третий день. Ссылка для сброса пароля не работает."
GERMAN = "Guten Tag, meine Bestellung ist noch nicht angekommen, obwohl schon zwei Wochen vergangen sind."
MIXED = (
    "Hello, I ordered a jacket last week and it has not arrived yet. Hei, tilasin takin viime viikolla, eikä se "
    "ole vielä saapunut. Could you check the status please? Voisitteko tarkistaa tilanteen?"
)


def detect(ticket: Ticket) -> list[dict[str, Any]]:
    """Run the consumer on the ticket's events, as the worker does; the language events' payloads."""
    language_consumer.detect_languages(list(TicketEvent.objects.filter(ticket=ticket).order_by("id")))
    return [e.data for e in TicketEvent.objects.filter(ticket=ticket, kind="language.detected").order_by("id")]


def inbound(
    body: str,
    *,
    email: str = "eleni@example.gr",
    subject: str = "Παραγγελία",
    mailbox: Mailbox | None = None,
    **kw: Any,
) -> Ticket:
    """A ticket from an inbound channel, by a customer OpsDesk has not met (language not known), written to
    `mailbox` (set as the email channel sets it; the intake's own mailbox argument is the email helper's)."""
    ticket = actions.create_ticket(subject=subject, body=body, requester_email=email, actor=None, **kw)
    if mailbox is not None:
        Ticket.objects.filter(pk=ticket.pk).update(mailbox=mailbox)
        ticket.refresh_from_db()
    return ticket


@pytest.fixture
def mailbox(db: None) -> Mailbox:
    return Mailbox.objects.create(name="Tuki", address="tuki@example.fi", language="fi")


def test_a_new_customer_writing_greek_gets_a_greek_ticket(world: Any) -> None:
    ticket = inbound(GREEK)
    message = ticket.messages.get()
    assert detect(ticket) == [
        {
            "comment": message.pk,
            "language": "el",
            "confidence": 100,
            "applied": True,
            "fallback": None,
            "mailbox_language": None,
            "ticket_language": "el",
        }
    ]
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("el", "el")
    event = TicketEvent.objects.get(ticket=ticket, kind="language.detected")
    opened = TicketEvent.objects.get(ticket=ticket, kind="comment.added")
    assert (event.source, event.cause_event, event.cause, event.actor_id, event.actor_role) == (
        "system",
        opened.pk,
        "consumer:messaging.language",
        None,
        "system",
    )
    # The customer's language follows while it is not known, so replies go out in Greek.
    customer = Customer.objects.get(pk=ticket.requester_id)
    assert (customer.language, customer.language_confirmed) == ("el", False)
    assert list(CustomerEvent.objects.filter(customer=customer, kind="language.detected").values_list("data")) == [
        ({"before": "en", "after": "el"},)
    ]
    # Run again (a repeated batch, a backfill): recorded once.
    assert len(detect(ticket)) == 1


def test_a_known_language_is_kept_and_the_detection_recorded(world: Any) -> None:
    # world.customer was created by staff, who chose the language: known.
    assert world.customer.language_confirmed
    ticket = world.ticket(body=RUSSIAN)
    [data] = detect(ticket)
    assert (data["language"], data["applied"], data["fallback"], data["ticket_language"]) == (
        "ru",
        False,
        "known",
        "en",
    )
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("en", "ru")
    assert Customer.objects.get(pk=world.customer.pk).language == "en"


def test_a_language_the_interface_lacks_is_kept_for_filters_only(world: Any, mailbox: Mailbox) -> None:
    ticket = inbound(GERMAN, subject="Bestellung", mailbox=mailbox)
    [data] = detect(ticket)
    assert (data["language"], data["applied"], data["fallback"], data["mailbox_language"]) == (
        "de",
        False,
        "unsupported",
        None,
    )
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("en", "de")
    assert Customer.objects.get(pk=ticket.requester_id).language == "en"


def test_short_and_mixed_texts_fall_back_to_the_mailboxs_default_once(world: Any, mailbox: Mailbox) -> None:
    ticket = inbound("Kiitos!", subject="Ok", mailbox=mailbox)
    customer = Customer.objects.get(pk=ticket.requester_id)
    [short] = detect(ticket)
    assert {k: short[k] for k in ("language", "confidence", "applied", "fallback", "mailbox_language")} == {
        "language": None,
        "confidence": 0,
        "applied": True,
        "fallback": "short",
        "mailbox_language": "fi",
    }
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("fi", None)
    assert Customer.objects.get(pk=customer.pk).language == "en"  # a fallback is not the customer's language
    # Then a clear Greek message: the ticket follows it; then "Thanks!" changes nothing.
    actions.add_customer_reply(ticket, body=GREEK, customer=customer, actor=None, channel="email")
    actions.add_customer_reply(ticket, body="Ευχαριστώ!", customer=customer, actor=None, channel="email")
    rows = detect(ticket)
    assert [(d["language"], d["applied"], d["fallback"], d["mailbox_language"]) for d in rows] == [
        (None, True, "short", "fi"),
        ("el", True, None, None),
        (None, False, "short", None),
    ]
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("el", "el")

    mixed = inbound(MIXED, email="mika@example.fi", subject="Jacket / takki", mailbox=mailbox)
    [data] = detect(mixed)
    assert (data["language"], data["applied"], data["fallback"], data["mailbox_language"]) == (
        None,
        True,
        "mixed",
        "fi",
    )


def test_without_a_mailbox_a_short_text_changes_nothing(world: Any) -> None:
    ticket = inbound("ok", subject="?")
    [data] = detect(ticket)
    assert (data["applied"], data["fallback"], data["mailbox_language"], data["ticket_language"]) == (
        False,
        "short",
        None,
        "en",
    )


def test_the_subject_is_read_with_the_opening_message_only(world: Any) -> None:
    # "Kiitos!" alone is short; with its subject it is a clear Finnish text.
    ticket = inbound("Kiitos!", email="anna@example.fi", subject="Laskussa on virhe, veloititte minua kahdesti")
    [data] = detect(ticket)
    assert (data["language"], data["applied"]) == ("fi", True)


def test_only_what_customers_wrote_is_read(world: Any) -> None:
    ticket = inbound(GREEK)
    actions.reply_to_ticket(ticket, body=RUSSIAN, actor=world.agent)
    actions.add_note(ticket, body=RUSSIAN, actor=world.agent)
    phone = actions.create_ticket(
        subject="Call", body=RUSSIAN, requester_email="ivan@example.ru", actor=None, channel="phone"
    )
    assert [d["language"] for d in detect(ticket)] == ["el"]
    assert detect(phone) == []
    assert language_consumer.is_customer_text(TicketEvent(kind="ticket.created", data={})) is False


def test_agents_and_customers_confirm_a_language(world: Any) -> None:
    ticket = inbound(GREEK, email="nikos@example.gr")
    customer = Customer.objects.get(pk=ticket.requester_id)
    assert not customer.language_confirmed
    # Staff changing the language confirm it; saving it unchanged does not.
    for language, confirmed in (("en", False), ("sv", True), ("en", True)):
        customer_actions.update_customer(
            customer, name="Nikos", emails=["nikos@example.gr"], phones=[], organization=None, language=language,
            time_zone="Europe/Athens", actor=world.admin,
        )  # fmt: skip
        assert Customer.objects.get(pk=customer.pk).language_confirmed is confirmed
    assert detect(ticket)[0]["fallback"] == "known"
    ticket.refresh_from_db()
    assert ticket.language == "en"
    # A customer choosing their language in their preferences confirms it.
    other = inbound(RUSSIAN, email="olga@example.ru")
    login = customer_actions.create_portal_login(other.requester_id, password=None, actor=world.admin)
    account_actions.set_preferences(login, language="ru", time_zone="Europe/Helsinki", actor=login)
    assert Customer.objects.get(pk=other.requester_id).language_confirmed
    # Staff opening a ticket for a new address choose its language; a form or a channel only assumes it.
    by_agent = actions.create_ticket(
        subject="Call back", body="Asked for a call back.", requester_email="new@example.fi", actor=world.agent,
        language="fi", team=world.support,
    )  # fmt: skip
    assert Customer.objects.get(pk=by_agent.requester_id).language_confirmed
    assert not Customer.objects.get(
        pk=inbound(GREEK, email="x@example.gr", language="sv").requester_id
    ).language_confirmed


def test_a_closed_ticket_is_left_alone(world: Any) -> None:
    ticket = inbound(GREEK)
    Ticket.objects.filter(pk=ticket.pk).update(status_category="closed")
    assert detect(ticket) == []


def test_the_timeline_says_it_in_every_language(world: Any) -> None:
    render = events.KINDS["language.detected"].render
    detected = {"language": "el", "confidence": 97, "applied": True, "fallback": None, "mailbox_language": None}
    short = {"language": None, "confidence": 0, "applied": True, "fallback": "short", "mailbox_language": "fi"}
    known = {"language": "ru", "confidence": 99, "applied": False, "fallback": "known", "mailbox_language": None}
    expected = {
        "en": (
            "Language detected: Greek (97 %); the ticket's language is now Greek",
            "Language not detected: text too short; using the mailbox's default, Finnish",
            "Language detected: Russian (99 %); the customer's language is known, so the ticket stays in English",
        ),
        "fi": (
            "Kieli tunnistettu: kreikka (97 %); tiketin kieli on nyt kreikka",
            "Kieltä ei tunnistettu: teksti on liian lyhyt; käytetään postilaatikon oletuskieltä (suomi)",
            "Kieli tunnistettu: venäjä (99 %); asiakkaan kieli tiedetään, joten tiketin kieli pysyy ennallaan "
            "(englanti)",
        ),
        "sv": (
            "Språk identifierat: grekiska (97 %); ärendets språk är nu grekiska",
            "Inget språk identifierat: texten är för kort; brevlådans standardspråk används (finska)",
            "Språk identifierat: ryska (99 %); kundens språk är känt, så ärendets språk förblir engelska",
        ),
        "ru": (
            "Определён язык: греческий (97 %); язык тикета теперь греческий",
            "Язык не определён: текст слишком короткий; используется язык почтового ящика по умолчанию: финский",
            "Определён язык: русский (99 %); язык клиента известен, поэтому язык тикета не меняется: английский",
        ),
        "el": (
            "Εντοπίστηκε γλώσσα: ελληνικά (97 %)· η γλώσσα του αιτήματος είναι πλέον: ελληνικά",
            "Δεν εντοπίστηκε γλώσσα: το κείμενο είναι πολύ σύντομο· χρησιμοποιείται η προεπιλεγμένη γλώσσα του "
            "γραμματοκιβωτίου (φινλανδικά)",
            "Εντοπίστηκε γλώσσα: ρωσικά (99 %)· η γλώσσα του πελάτη είναι γνωστή, οπότε η γλώσσα του αιτήματος "
            "παραμένει: αγγλικά",
        ),
    }
    for code, sentences in expected.items():
        with translation.override(code):
            got = (
                render({**detected, "ticket_language": "el"}, {}),
                render({**short, "ticket_language": "fi"}, {}),
                render({**known, "ticket_language": "en"}, {}),
            )
        assert got == sentences, code


def test_the_ticket_page_shows_the_detection(client: Client, world: Any) -> None:
    ticket = inbound(GREEK)
    detect(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(team=world.support)
    client.force_login(world.agent)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert "Language detected: Greek (100 %); the ticket&#x27;s language is now Greek" in page.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_detects_after_each_commit(world: Any) -> None:
    """Through the real mechanism: the commit queues the consumers' run (jobs run inline in tests)."""
    consumers.ensure(language_consumer.NAME)  # a new consumer starts after the events already there
    ticket = inbound(RUSSIAN, email="ivan@example.ru", subject="Вход в аккаунт")
    newest = TicketEvent.objects.aggregate(newest=Max("xid"))["newest"]
    deadline = time.monotonic() + 60
    while (limit := consumers.horizon()) is not None and newest is not None and limit <= newest:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    consumers.run(language_consumer.NAME, language_consumer.detect_languages)
    ticket.refresh_from_db()
    assert (ticket.language, ticket.detected_language) == ("ru", "ru")
    assert TicketEvent.objects.filter(ticket=ticket, kind="language.detected").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_languages_are_detected_outside_the_batchs_transaction(world: Any, monkeypatch: Any) -> None:
    """Detection is CPU time; inside the transaction it held the write lock and other writers gave up."""
    from django.db import connection

    inside: list[bool] = []
    real = language_consumer.language.detect

    def watched(text: str, **kwargs: Any) -> Any:
        inside.append(connection.in_atomic_block)
        return real(text, **kwargs)

    monkeypatch.setattr(language_consumer.language, "detect", watched)
    consumers.ensure(language_consumer.NAME)
    # each commit runs the consumers (jobs run inline in tests), and the run below reads whatever was held back
    tickets = [inbound(GREEK), inbound(RUSSIAN, email="ivan@example.ru", subject="Вход в аккаунт")]
    newest = TicketEvent.objects.aggregate(newest=Max("xid"))["newest"]
    deadline = time.monotonic() + 60
    while (limit := consumers.horizon()) is not None and newest is not None and limit <= newest:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    consumers.run(language_consumer.NAME, language_consumer.detect_languages)
    assert inside == [False, False]
    assert [Ticket.objects.get(pk=t.pk).detected_language for t in tickets] == ["el", "ru"]


def test_the_consumer_reads_from_the_upgrade_on(db: None) -> None:
    """Its position is taken by the migration, not on its first run (which would skip the message that woke it)."""
    from opsdesk.tickets.models import EventConsumer

    assert EventConsumer.objects.filter(name=language_consumer.NAME, position_id=0).count() == 1
