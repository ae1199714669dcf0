"""Full-text search: folding in five languages, the index kept in step by the actions, scoping, ranking, pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsdesk.accounts import actions as account_actions
from opsdesk.customers import actions as customer_actions
from opsdesk.tickets import actions, search
from opsdesk.tickets.models import Ticket


def found(user: Any, text: str, **kwargs: Any) -> list[int]:
    public_only = user.role == "customer"
    results = search.search(Ticket.objects.visible_to(user), text, public_only=public_only, **kwargs)
    return [hit.ticket.pk for hit in results.hits]


def index_rows() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, subject, people, public, internal FROM tickets_search ORDER BY rowid")
        else:
            cursor.execute("SELECT ticket_id, document::text FROM tickets_search ORDER BY ticket_id")
        return cursor.fetchall()


def test_fold_removes_diacritics_but_keeps_russian_short_i() -> None:
    assert search.words("Tämä ÅSKA Ärger Straße") == ["tama", "aska", "arger", "strasse"]
    assert search.words("Καλημέρα, ΆΝΝΑ! Ёлка мой") == ["καλημερα", "αννα", "елка", "мой"]
    assert search.words("anna@example.com order_123") == ["anna", "example", "com", "order", "123"]


def test_parse_words_phrases_prefixes_and_numbers() -> None:
    assert search.parse('Refund "double  charge" pay* refund') == [
        search.Term(("refund",)),
        search.Term(("double", "charge")),
        search.Term(("pay",), prefix=True),
    ]
    assert search.parse('"" * --- ') == []
    assert search.ticket_number("#42") == 42
    assert search.ticket_number("42 x") is None


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("Tilaus ei ole vielä tullut, tämä on kiireellinen.", "tama vielä"),
        ("Beställningen har inte kommit, jag väntar på svar.", "vantar pa svar"),
        ("Заказ ещё не пришёл, ёлка стоит", "еще пришел елка"),
        ("Καλημέρα, η παραγγελία δεν έφτασε ακόμα.", "παραγγελια ΕΦΤΑΣΕ"),
    ],
)
def test_each_language_matches_without_its_accents(world: Any, body: str, query: str) -> None:
    ticket = world.ticket(subject="Order", body=body)
    world.ticket(subject="Other", body="Nothing to see.")
    assert found(world.admin, query) == [ticket.pk]


def test_the_index_follows_every_action_in_its_transaction(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    ticket = world.ticket(subject="Printer trouble", body="It jams.")
    assert found(world.admin, "jams") == [ticket.pk]
    actions.reply_to_ticket(ticket, body="Try the blue lever.", actor=world.agent)
    assert found(world.admin, '"blue lever"') == [ticket.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.add_note(ticket, body="Mention zeppelin here.", actor=world.agent)
        raise RuntimeError("rolled back")
    assert found(world.admin, "zeppelin") == []
    with django_capture_on_commit_callbacks(execute=True):  # a rename re-indexes the customer's tickets in a job
        customer_actions.update_customer(
            world.customer,
            name="Carla Renamed",
            emails=["carla@new.example"],
            phones=[],
            organization=None,
            language="en",
            time_zone="UTC",
            actor=world.admin,
        )
    assert found(world.admin, "renamed") == [ticket.pk]
    assert found(world.admin, "carla@new.example") == [ticket.pk]
    assert found(world.admin, "carl@acme.example") == []
    other = world.ticket(subject="Second printer", body="Also jams.", requester=world.other_customer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.merge_customers(world.other_customer, target=world.customer, actor=world.admin)
    assert found(world.admin, "carla") == [other.pk, ticket.pk]
    message = other.messages.get()
    actions.reply_to_ticket(other, body="Split me off.", actor=world.agent)
    new = actions.split_ticket(other, message=message, actor=world.agent)
    assert found(world.admin, "also", sort="newest") == [new.pk]


def test_rebuild_writes_exactly_what_the_actions_wrote(world: Any) -> None:
    first = world.ticket(subject="Ünïcode <b>subject</b>", body="Öl und Käse")
    actions.add_note(first, body="Internal only", actor=world.agent)
    world.ticket(subject="Another", body="Plain")
    written = index_rows()
    assert len(written) == 2
    call_command("rebuild_search_index", verbosity=0)
    assert index_rows() == written
    assert search.indexed_count() == 2


def test_customers_never_find_internal_notes_or_other_peoples_tickets(world: Any) -> None:
    own = world.ticket(subject="Invoice", body="Where is my invoice?")
    actions.add_note(own, body="Secret discount code", actor=world.agent)
    world.ticket(subject="Invoice too", body="Invoice question", requester=world.other_customer)
    assert found(world.customer_user, "invoice") == [own.pk]
    assert found(world.customer_user, "secret") == []
    assert found(world.admin, "secret") == [own.pk]
    assert found(world.customer_user, "secret disc*") == []


def test_agents_find_only_tickets_they_may_see(world: Any) -> None:
    support = world.ticket(subject="Modem", body="Blinking modem")
    billing = world.ticket(subject="Modem bill", body="Modem invoice", team=world.billing)
    assert found(world.agent, "modem") == [support.pk]
    assert found(world.other_agent, "modem") == [billing.pk]
    assert found(world.other_agent, f"#{support.pk}") == []
    assert found(world.agent, f"#{support.pk}") == [support.pk]


def test_subject_matches_rank_above_body_matches_and_highlights_are_escaped(world: Any) -> None:
    in_body = world.ticket(subject="Question", body="The router <b>restarts</b> at night.")
    in_subject = world.ticket(subject="Router <b>restarts</b>", body="See title.")
    newer = world.ticket(subject="Unrelated", body="Nothing.")
    assert newer.pk > in_subject.pk > in_body.pk
    results = search.search(Ticket.objects.all(), "restarts", public_only=False)
    assert [hit.ticket.pk for hit in results.hits] == [in_subject.pk, in_body.pk]
    assert results.hits[0].subject == "Router &lt;b&gt;<mark>restarts</mark>&lt;/b&gt;"
    assert results.hits[1].snippet == "The router &lt;b&gt;<mark>restarts</mark>&lt;/b&gt; at night."


def test_prefix_and_phrase_queries(world: Any) -> None:
    refund = world.ticket(subject="Refunded twice", body="The refund came twice.")
    world.ticket(subject="Twice refused", body="Refused.")
    assert found(world.admin, "refun*") == [refund.pk]
    assert found(world.admin, '"came twice"') == [refund.pk]
    assert found(world.admin, '"twice came"') == []


def test_newest_first_pages_through_every_match_and_small_scopes_search_the_same(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [world.ticket(subject=f"Lamp {i}", body="The lamp flickers.").pk for i in range(7)]
    seen: list[int] = []
    before = None
    while True:
        results = search.search(Ticket.objects.all(), "lamp", public_only=False, sort="newest", before=before, size=3)
        seen += [hit.ticket.pk for hit in results.hits]
        if results.next_before is None:
            break
        before = results.next_before
    assert seen == sorted(made, reverse=True)
    scoped = Ticket.objects.filter(requester=world.customer)
    wide = [h.ticket.pk for h in search.search(scoped, "flickers", public_only=True).hits]
    monkeypatch.setattr(search, "SMALL_SCOPE", 0)
    assert [h.ticket.pk for h in search.search(scoped, "flickers", public_only=True).hits] == wide
    assert len(wide) == 7


def test_agent_search_page_ranks_highlights_and_keeps_the_filters(client: Client, world: Any) -> None:
    match = world.ticket(subject="Broken <screen>", body="The screen is cracked.", priority="urgent")
    world.ticket(subject="Screen fine", body="Screen works.", priority="low")
    client.force_login(world.agent)
    response = client.get(reverse("tickets:ticket_list"), {"view": "open", "q": "screen", "priority": "urgent"})
    assert response.status_code == 200
    assert [t.pk for t in response.context["tickets"]] == [match.pk]
    body = response.content.decode()
    assert "Broken &lt;<mark>screen</mark>&gt;" in body
    assert "The <mark>screen</mark> is cracked." in body
    # results can be changed together, as in the inbox
    assert f'name="ticket" value="{match.pk}"' in body
    assert 'action="/tickets/bulk/"' in body
    client.force_login(world.light_agent)
    light = client.get(reverse("tickets:ticket_list"), {"view": "open", "q": "screen"}).content.decode()
    assert 'name="ticket"' not in light


def test_portal_search_shows_own_public_matches_only(client: Client, world: Any) -> None:
    own = world.ticket(subject="Parcel missing", body="My parcel never came.")
    actions.add_note(own, body="Courier parcel lost, internal", actor=world.agent)
    world.ticket(subject="Parcel", body="Parcel question", requester=world.other_customer)
    client.force_login(world.customer_user)
    response = client.get(reverse("portal:ticket_list"), {"q": "parcel"})
    body = response.content.decode()
    assert [hit.ticket.pk for hit in response.context["results"].hits] == [own.pk]
    assert "My <mark>parcel</mark> never came." in body
    assert "Courier" not in body
    assert client.get(reverse("portal:ticket_list"), {"q": "courier"}).context["results"].hits == []


def test_api_search_uses_a_fixed_number_of_queries(client: Client, world: Any) -> None:
    _token, raw = account_actions.issue_api_token(world.admin, name="t", scope="read", actor=world.admin)
    headers = {"Authorization": f"Bearer {raw}"}
    world.ticket(subject="Keyboard", body="Keyboard sticky")

    def call() -> tuple[dict[str, Any], int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/tickets/search", {"q": "keyboard"}, headers=headers)
        assert response.status_code == 200
        return response.json(), len(queries)

    call()  # the token's first use is recorded (an UPDATE); later calls within the minute are not
    one, queries_for_one = call()
    assert [item["ticket"]["subject"] for item in one["items"]] == ["Keyboard"]
    assert one["items"][0]["snippet_html"] == "<mark>Keyboard</mark> sticky"
    for _ in range(9):
        world.ticket(subject="Keyboard", body="Keyboard sticky")
    ten, queries_for_ten = call()
    assert len(ten["items"]) == 10
    # token, the rate-limit counter, (PostgreSQL: the newest ticket number,) the ranked window, the page's tickets,
    # snippets, tags
    assert queries_for_ten == queries_for_one == (6 if connection.vendor == "sqlite" else 7)
    bad = client.get("/api/v1/tickets/search", {"q": "x", "page": "0"}, headers=headers)
    assert bad.status_code == 400
    assert set(bad.json()) == {"code", "message", "field"}


def test_saved_views_keep_their_search_and_numbers_are_searched_as_text_too(client: Client, world: Any) -> None:
    damaged = world.ticket(subject="Damaged parcel", body="Order 366863 arrived broken.", priority="high")
    world.ticket(subject="Damaged too", body="Nothing else.", priority="low")
    world.ticket(subject="Fine", body="All good.", priority="high")
    client.force_login(world.agent)
    client.post(reverse("tickets:saved_view_create"), {"name": "Damaged high", "q": "damaged", "priority": "high"})
    from opsdesk.tickets.models import SavedView

    saved = SavedView.objects.get(name="Damaged high")
    response = client.get(reverse("tickets:ticket_list"), {"view": f"saved-{saved.pk}"})
    assert [t.pk for t in response.context["tickets"]] == [damaged.pk]
    body = response.content.decode()
    assert '<h1 id="inbox-title">Damaged high</h1>' in body
    assert 'value="damaged"' in body
    by_number = client.get(reverse("tickets:ticket_list"), {"view": "recent", "q": "366863"})
    assert [t.pk for t in by_number.context["tickets"]] == [damaged.pk]
    by_ticket = client.get(reverse("tickets:ticket_list"), {"view": "mine", "q": f"#{damaged.pk}"})
    assert [t.pk for t in by_ticket.context["tickets"]] == []  # not assigned to me: "mine" does not show it
    assert "Search all tickets" in by_ticket.content.decode()


def test_a_customer_merge_indexes_every_ticket_under_the_merged_addresses(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mine = world.ticket(subject="Mine", body="One.")
    theirs = world.ticket(subject="Theirs", body="Two.", requester=world.other_customer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.merge_customers(world.other_customer, target=world.customer, actor=world.admin)
    assert found(world.admin, "dora@else.example") == [theirs.pk, mine.pk]
    assert found(world.admin, "carl@acme.example") == [theirs.pk, mine.pk]


def test_a_huge_message_in_a_script_that_folds_into_more_bytes_still_indexes(world: Any) -> None:
    ticket = world.ticket(subject="Korean", body="시작")
    actions.add_note(ticket, body="한국어 " * 40_000, actor=world.agent)  # 160,000 characters of Hangul
    actions.reply_to_ticket(ticket, body="Still here.", actor=world.agent)
    assert found(world.admin, "still") == [ticket.pk]


def test_odd_page_numbers_are_a_400_naming_the_field_and_huge_queries_are_cut(client: Client, world: Any) -> None:
    world.ticket(subject="Order", body="Order me.")
    client.force_login(world.agent)
    for params, field in (({"page": "²"}, "page"), ({"before": "²"}, "before"), ({"page": "9" * 5000}, "page")):
        response = client.get(reverse("tickets:ticket_list"), {"view": "recent", "q": "order", **params})
        assert (response.status_code, response.context["field"]) == (400, field)
    huge = client.get(reverse("tickets:ticket_list"), {"view": "recent", "q": "order " * 20_000})
    assert huge.status_code == 200
    assert len(search.parse(" ".join(f"w{i}" for i in range(10_000)))) == search.MAX_TERMS
    client.force_login(world.customer_user)
    portal = client.get(reverse("portal:ticket_list"), {"q": "order", "page": "²"})
    assert (portal.status_code, portal.context["field"]) == (400, "page")


def test_a_character_that_folds_into_two_words_is_highlighted_once() -> None:
    assert search.highlight("Size ½ inch", search.parse("1 2")) == "Size <mark>½</mark> inch"


def test_rebuild_swaps_a_new_table_in(world: Any) -> None:
    ticket = world.ticket(subject="Swap", body="Swapped in.")
    assert search.rebuild() == 1
    assert found(world.admin, "swapped") == [ticket.pk]
    assert "tickets_search_new" not in connection.introspection.table_names()


def test_portal_more_results_appends_the_next_page(client: Client, world: Any) -> None:
    made = [world.ticket(subject=f"Lamp {i}", body="The lamp hums.").pk for i in range(27)]
    client.force_login(world.customer_user)
    first = client.get(reverse("portal:ticket_list"), {"q": "hums"})
    assert len(first.context["results"].hits) == search.PAGE_SIZE
    assert 'hx-get="?q=hums&amp;page=2"' in first.content.decode()
    more = client.get(reverse("portal:ticket_list"), {"q": "hums", "page": "2"}, headers={"HX-Request": "true"})
    body = more.content.decode()
    assert "<html" not in body and body.count('class="hit panel"') == 2
    shown = [h.ticket.pk for h in first.context["results"].hits] + [h.ticket.pk for h in more.context["results"].hits]
    assert sorted(shown) == sorted(made)
