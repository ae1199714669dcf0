"""Translatable settings (ADR 0012) as customers, agents, administrators and API clients meet them: custom field
labels and choices, status names, team names and canned responses in the reader's language, the five-language
settings forms, and the "Untranslated entries" page."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from opsdesk.accounts import actions as account_actions
from opsdesk.audit.models import AuditEvent
from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import TranslatedModelChoiceField
from opsdesk.fields.models import CustomField
from opsdesk.messaging.models import WebForm
from opsdesk.people import actions as people_actions
from opsdesk.people.models import Team
from opsdesk.tickets import actions, configuration, placeholders
from opsdesk.tickets.models import CannedResponse, Ticket, TicketStatus
from opsdesk.tickets.tests.test_api import token

GREEK_AREA = {"el": "Τομέας προϊόντος", "fi": "Tuotealue"}


def product_area(world: Any, **kwargs: Any) -> CustomField:
    return configuration.save_custom_field(
        None,
        label="Product area",
        label_translations=GREEK_AREA,
        type=CustomField.Type.SELECT,
        choices=["Web shop", "Payments"],
        choice_translations={"Payments": {"el": "Πληρωμές", "fi": "Maksut"}},
        visible_in_portal=True,
        actor=world.admin,
        **kwargs,
    )


def speaks(user: Any, language: str) -> None:
    account_actions.set_preferences(user, language=language, time_zone="Europe/Athens", actor=user)


def test_the_accessor_reads_the_active_language_and_mails_read_the_recipients(db: None) -> None:
    status = TicketStatus.objects.get(name="Pending")  # the installation's statuses come translated
    assert status.name_translations == {"fi": "Odottaa", "sv": "Väntande", "ru": "В ожидании", "el": "Σε αναμονή"}
    assert status.display_name == "Pending"
    with translation.override("el"):  # what core.mail.send_templated does for the recipient's language
        assert status.display_name == "Σε αναμονή"
        assert str(status) == "Σε αναμονή"
    assert status.translated("name", "sv") == "Väntande"
    assert TicketStatus.display_name.field == "name"  # the class attribute is the descriptor


def test_every_translatable_model_is_registered_with_its_columns_and_settings_page() -> None:
    found = translations.translatable_models()
    assert {model.__name__ for model in found} == {
        "CannedResponse",
        "ChatWidget",
        "CustomField",
        "Survey",
        "Team",
        "TicketStatus",
        "WebForm",
    }
    assert TicketStatus.translated_fields == ("name",)
    assert CustomField.translated_fields == ("label",)
    assert CannedResponse.translated_fields == ("title", "body")
    assert Team.translated_fields == ("name",)
    assert WebForm.translated_fields == ("title", "success_message")
    for model in found:
        columns = {field.name for field in model._meta.get_fields()}
        for name in model.translated_fields:
            assert {name, f"{name}_translations"} <= columns
        assert model.get_settings_url is not translations.Translatable.get_settings_url


def test_missing_languages_counts_a_drop_downs_choices(db: None) -> None:
    field = CustomField(
        label="Area",
        label_translations={"fi": "Alue", "sv": "Område", "ru": "Область", "el": "Περιοχή"},
        type=CustomField.Type.SELECT,
        choices=["Web", "App"],
        choice_translations={
            "Web": {"fi": "Verkko", "sv": "Webb", "ru": "Веб", "el": "Ιστός"},
            "App": {"el": "Εφαρμογή"},
        },
    )
    assert field.missing_languages() == ["fi", "sv", "ru"]
    with translation.override("el"):
        assert field.choice_options() == [("Web", "Ιστός"), ("App", "Εφαρμογή")]
        assert field.display_value("App") == "Εφαρμογή"
        assert field.display_value("Gone") == "Gone"  # a value no longer offered shows as stored
    from opsdesk.fields.forms import custom_field_formfield

    with translation.override("fi"):  # the empty choice says so in the reader's language
        formfield = custom_field_formfield(field, portal=False)
        assert isinstance(formfield, forms.ChoiceField)
        assert formfield.widget.choices[0] == ("", "Ei asetettu")
    field.type = CustomField.Type.TEXT  # a text field's leftover choices are not asked for
    assert field.missing_languages() == []


def test_team_choices_are_labelled_and_sorted_in_the_readers_language(world: Any) -> None:
    people_actions.save_team(world.support, name="Support", name_translations={"el": "Υποστήριξη"}, actor=world.admin)
    people_actions.save_team(world.billing, name="Billing", name_translations={"el": "Χρεώσεις"}, actor=world.admin)
    field = TranslatedModelChoiceField(queryset=Team.objects.all(), empty_label="—")
    with translation.override("el"):
        assert [label for _value, label in field.iterator(field)] == ["—", "Υποστήριξη", "Χρεώσεις"]
    assert [label for _value, label in field.iterator(field)] == ["—", "Billing", "Support"]


def test_a_custom_fields_label_and_choices_show_in_greek_in_the_greek_portal(client: Client, world: Any) -> None:
    product_area(world)
    speaks(world.customer_user, "el")
    client.force_login(world.customer_user)
    page = client.get(reverse("portal:ticket_create")).content.decode()
    assert '<label for="id_cf_product_area">Τομέας προϊόντος</label>' in page
    assert '<option value="Payments">Πληρωμές</option>' in page
    assert '<option value="Web shop">Web shop</option>' in page  # no Greek label: the value, as in English
    created = client.post(
        reverse("portal:ticket_create"),
        {"subject": "Διπλή χρέωση", "body": "Χρεώθηκα δύο φορές.", "cf_product_area": "Payments"},
    )
    ticket = Ticket.objects.get(subject="Διπλή χρέωση")
    assert created.status_code == 302
    assert ticket.custom_fields == {"product_area": "Payments"}  # the stable value, never the label
    detail = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "<dt>Τομέας προϊόντος</dt><dd>Πληρωμές</dd>" in detail
    speaks(world.customer_user, "sv")  # no Swedish label: the default language's
    detail = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "<dt>Product area</dt><dd>Payments</dd>" in detail


def test_the_portal_shows_only_the_fields_shown_in_the_portal(client: Client, world: Any) -> None:
    product_area(world)
    configuration.save_custom_field(
        None,
        label="Internal score",
        label_translations={"el": "Εσωτερική βαθμολογία"},
        type="number",
        actor=world.admin,
    )
    ticket = world.ticket(custom_fields={"product_area": "Web shop", "internal_score": "7"})
    client.force_login(world.customer_user)
    detail = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "<dt>Product area</dt><dd>Web shop</dd>" in detail
    assert "Internal score" not in detail


def test_agent_pages_show_names_labels_and_choices_in_the_agents_language(client: Client, world: Any) -> None:
    product_area(world)
    people_actions.save_team(world.support, name="Support", name_translations={"el": "Υποστήριξη"}, actor=world.admin)
    people_actions.save_team(world.billing, name="Billing", name_translations={"el": "Χρεώσεις"}, actor=world.admin)
    ticket = world.ticket(custom_fields={"product_area": "Payments"})
    actions.set_team(ticket, team=world.billing, actor=world.admin)
    actions.set_team(ticket, team=world.support, actor=world.admin)
    actions.change_status(ticket, status=TicketStatus.objects.get(name="Pending"), actor=world.admin)
    speaks(world.light_agent, "el")  # reads without editing: the properties show as text
    client.force_login(world.light_agent)
    detail = client.get(ticket.get_absolute_url()).content.decode()
    assert "<dt>Τομέας προϊόντος</dt><dd>Πληρωμές</dd>" in detail
    assert "<dd>Υποστήριξη</dd>" in detail
    assert "Ομάδα: Χρεώσεις → Υποστήριξη" in detail
    assert "Κατάσταση: Νέο → Σε αναμονή" in detail
    inbox = client.get(reverse("tickets:ticket_list") + "?view=my_teams").content.decode()
    assert '<span class="badge cat-pending">Σε αναμονή</span>' in inbox
    assert f'<option value="{world.support.pk}" >Υποστήριξη</option>' in inbox
    # The team filter is sorted as the agent reads it (Υ before Χ), not by the English names.
    assert inbox.index(">Υποστήριξη</option>") < inbox.index(">Χρεώσεις</option>")
    speaks(world.agent, "el")
    client.force_login(world.agent)
    editable = client.get(ticket.get_absolute_url()).content.decode()
    assert '<label for="id_cf_product_area">Τομέας προϊόντος</label>' in editable
    assert '<option value="Payments" selected>Πληρωμές</option>' in editable


def test_a_canned_response_has_its_title_in_the_agents_language_and_its_text_in_the_tickets(
    client: Client, world: Any
) -> None:
    configuration.save_canned_response(
        None,
        title="Greeting",
        title_translations={"el": "Χαιρετισμός", "fi": "Tervehdys"},
        body="Hello,",
        body_translations={"fi": "Hei,", "el": "Γεια σας,"},
        team=None,
        actor=world.admin,
    )
    assert CannedResponse.objects.count() == 1  # one row for every language
    finnish = world.ticket(language="fi")
    swedish = world.ticket(language="sv")
    speaks(world.agent, "el")
    client.force_login(world.agent)
    page = client.get(finnish.get_absolute_url()).content.decode()
    assert '<option value="Hei,">Χαιρετισμός</option>' in page
    page = client.get(swedish.get_absolute_url()).content.decode()
    assert '<option value="Hello,">Χαιρετισμός</option>' in page  # no Swedish text: the default language's


def test_canned_responses_fill_placeholders_in_the_tickets_language_and_refuse_unknown_ones(
    client: Client, world: Any
) -> None:
    configuration.save_canned_response(
        None,
        title="Greeting",
        body="Hello {{requester.first_name}}, about #{{ticket.number}}",
        body_translations={"fi": "Hei {{requester.first_name}}, tiketti #{{ticket.number}} ({{ticket.priority}})"},
        team=None,
        actor=world.admin,
    )
    finnish = world.ticket(language="fi")
    client.force_login(world.agent)
    page = client.get(finnish.get_absolute_url()).content.decode()
    assert f'<option value="Hei Carl, tiketti #{finnish.pk} (Normaali)">Greeting</option>' in page
    with pytest.raises(ActionError) as error:
        configuration.save_canned_response(
            None,
            title="Bad",
            body="Hi",
            body_translations={"sv": "Hej {{ticket.secret}}"},
            team=None,
            actor=world.admin,
        )
    assert (error.value.field, error.value.message) == ("body_sv", "Unknown placeholder: ticket.secret.")


def test_the_status_form_saves_every_language_and_the_audit_row_holds_them(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("ticket_settings:status_create"),
        {
            "name": "Escalated",
            "name_el": "Κλιμακώθηκε",
            "name_fi": " Eskaloitu ",
            "category": "open",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    status = TicketStatus.objects.get(name="Escalated")
    assert status.name_translations == {"fi": "Eskaloitu", "el": "Κλιμακώθηκε"}
    page = client.get(reverse("ticket_settings:status_edit", args=[status.pk])).content.decode()
    assert 'name="name_el" value="Κλιμακώθηκε"' in page
    assert "Not yet translated into: Svenska, Русский." in page
    client.post(
        reverse("ticket_settings:status_edit", args=[status.pk]),
        {"name": "Escalated", "name_el": "Σε κλιμάκωση", "category": "open", "position": 0, "is_active": "on"},
    )
    audit = AuditEvent.objects.filter(verb="ticket_status.saved", target_id=str(status.pk)).order_by("pk").last()
    assert audit is not None
    assert audit.data["before"]["name_translations"] == {"fi": "Eskaloitu", "el": "Κλιμακώθηκε"}
    assert audit.data["after"]["name_translations"] == {"el": "Σε κλιμάκωση"}


def test_a_name_another_status_already_shows_in_a_language_is_refused_on_that_languages_input(
    client: Client, world: Any
) -> None:
    with pytest.raises(ActionError) as error:
        configuration.save_status(
            None, name="Waiting", name_translations={"el": "σε αναμονή"}, category="pending", actor=world.admin
        )
    assert (error.value.code, error.value.field) == ("name_taken", "name_el")
    client.force_login(world.admin)
    response = client.post(
        reverse("ticket_settings:status_create"),
        {"name": "Waiting", "name_el": "Σε αναμονή", "category": "pending", "position": 0, "is_active": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["Ελληνικά: A status with this name exists already."]}
    assert not TicketStatus.objects.filter(name="Waiting").exists()


def test_sorting_and_filtering_in_sql_still_read_the_default_languages_name(world: Any) -> None:
    people_actions.save_team(world.billing, name="Billing", name_translations={"el": "Αα χρεώσεις"}, actor=world.admin)
    assert list(Team.objects.order_by("name").values_list("name", flat=True)) == ["Billing", "Support"]
    assert Team.objects.get(name__iexact="billing") == world.billing
    with pytest.raises(ActionError) as error:  # the database's unique name is still the default language's
        people_actions.save_team(None, name="BILLING", actor=world.admin)
    assert error.value.code == "name_taken"
    with pytest.raises(ActionError) as error:  # and no team takes a name another shows in Greek
        people_actions.save_team(None, name="Invoices", name_translations={"el": "ΑΑ Χρεώσεις"}, actor=world.admin)
    assert (error.value.code, error.value.field) == ("name_taken", "name_el")


def test_choice_labels_follow_their_values_and_are_checked(world: Any) -> None:
    field = product_area(world)
    field = configuration.save_custom_field(
        field,
        key="product_area",
        label="Product area",
        type=CustomField.Type.SELECT,
        choices=["Payments", "Mobile app"],
        choice_translations={"Payments": {"el": "Πληρωμές"}, "Web shop": {"el": "Κατάστημα"}},
        actor=world.admin,
    )
    assert field.choice_translations == {"Payments": {"el": "Πληρωμές"}}  # a removed choice's labels go with it
    assert field.label_translations == {}
    with pytest.raises(ActionError) as error:
        configuration.save_custom_field(
            field,
            key="product_area",
            label="Product area",
            type=CustomField.Type.SELECT,
            choices=["Payments"],
            choice_translations={"Payments": {"xx": "?"}},
            actor=world.admin,
        )
    assert (error.value.code, error.value.field, error.value.status) == ("invalid_language", "choice_translations", 422)


def test_the_custom_field_form_edits_labels_and_choice_labels_side_by_side(client: Client, world: Any) -> None:
    field = product_area(world)
    client.force_login(world.admin)
    url = reverse("ticket_settings:custom_field_edit", args=[field.pk])
    page = client.get(url).content.decode()
    assert '<legend>Payments</legend><input type="hidden" name="choice_translations_1" value="Payments">' in page
    assert 'name="choice_translations_1_el" value="Πληρωμές" lang="el"' in page
    response = client.post(
        url,
        {
            "label": "Product area",
            "label_el": "Τομέας",
            "type": "select",
            "target": "ticket",
            "choices": "Payments\nWeb shop",  # reordered in the same post: labels stay with their values
            "choice_translations_0": "Web shop",
            "choice_translations_0_el": "Ηλεκτρονικό κατάστημα",
            "choice_translations_1": "Payments",
            "choice_translations_1_el": "Πληρωμές",
            "choice_translations_1_sv": "Betalningar",
            "visible_in_portal": "on",
            "position": 0,
        },
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.label_translations == {"el": "Τομέας"}
    assert field.choices == ["Payments", "Web shop"]
    assert field.choice_translations == {
        "Payments": {"sv": "Betalningar", "el": "Πληρωμές"},
        "Web shop": {"el": "Ηλεκτρονικό κατάστημα"},
    }


def test_the_canned_response_form_keeps_one_row_with_every_language(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    long_text = client.post(
        reverse("ticket_settings:canned_response_create"),
        {"title": "Thanks", "body": "Thank you!", "body_fi": "k" * (configuration.MAX_CANNED_BODY + 1)},
    )
    assert long_text.status_code == 400
    assert long_text.context["form"].errors == {"body": ["Suomi: Use at most 20000 characters."]}
    assert not CannedResponse.objects.exists()
    client.post(
        reverse("ticket_settings:canned_response_create"),
        {"title": "Thanks", "title_ru": "Спасибо", "body": "Thank you!", "body_ru": "Спасибо!"},
    )
    canned = CannedResponse.objects.get()
    assert (canned.title_translations, canned.body_translations) == ({"ru": "Спасибо"}, {"ru": "Спасибо!"})
    client.post(reverse("ticket_settings:canned_response_delete", args=[canned.pk]))
    deleted = AuditEvent.objects.get(verb="canned_response.deleted")
    assert deleted.data == {
        "title": "Thanks",
        "title_translations": {"ru": "Спасибо"},
        "body": "Thank you!",
        "body_translations": {"ru": "Спасибо!"},
        "team": None,
    }


def test_the_team_form_saves_every_language_and_the_audit_row_holds_them(client: Client, world: Any) -> None:
    client.force_login(world.admin)
    response = client.post(
        reverse("people:team_edit", args=[world.support.pk]),
        {"name": "Support", "name_fi": "Tuki", "name_el": "Υποστήριξη", "languages": ["en"], "skills": "billing"},
    )
    assert response.status_code == 302
    world.support.refresh_from_db()
    assert world.support.name_translations == {"fi": "Tuki", "el": "Υποστήριξη"}
    audit = AuditEvent.objects.filter(verb="team.updated").get()
    assert audit.data["before"] == {
        "name": "Support",
        "name_translations": {},
        "email": "",
        "languages": ["en"],
        "skills": [],
    }
    assert audit.data["after"]["name_translations"] == {"fi": "Tuki", "el": "Υποστήριξη"}


def test_untranslated_entries_lists_every_setting_missing_a_language_with_a_link(client: Client, world: Any) -> None:
    field = product_area(world)
    client.force_login(world.admin)
    index = client.get(reverse("ticket_settings:settings_index")).content.decode()
    assert "3 entries are not yet translated into every language" in index  # the field and the world's two teams
    page = client.get(reverse("ticket_settings:untranslated_list"))
    everything = ["Suomi", "Svenska", "Русский", "Ελληνικά"]
    groups = [
        (kind, [(row["text"], row["url"], row["missing"]) for row in rows]) for kind, rows in page.context["groups"]
    ]
    assert groups == [
        ("Custom fields", [("Product area", field.get_settings_url(), everything)]),  # "Web shop" has no labels
        (
            "Teams",
            [
                ("Billing", world.billing.get_settings_url(), everything),
                ("Support", world.support.get_settings_url(), everything),
            ],
        ),
    ]  # the installation's statuses come translated, so they are not listed
    html = page.content.decode()
    assert f'<a href="/people/teams/{world.billing.pk}/edit/?next=untranslated">Billing</a>' in html
    done = client.post(
        reverse("people:team_edit", args=[world.billing.pk]) + "?next=untranslated",
        {
            "name": "Billing",
            "name_fi": "Laskutus",
            "name_sv": "Fakturering",
            "name_ru": "Счета",
            "name_el": "Χρεώσεις",
            "next": "untranslated",
        },
    )
    assert done.headers["Location"] == reverse("ticket_settings:untranslated_list")
    rows = client.get(reverse("ticket_settings:untranslated_list")).context["groups"]
    assert [(kind, [row["text"] for row in rows]) for kind, rows in rows] == [
        ("Custom fields", ["Product area"]),
        ("Teams", ["Support"]),
    ]


def test_the_api_gives_each_setting_in_the_requests_language_with_its_translations(client: Client, world: Any) -> None:
    product_area(world)
    people_actions.save_team(world.support, name="Support", name_translations={"el": "Υποστήριξη"}, actor=world.admin)
    headers = {**token(world.agent), "Accept-Language": "el"}
    fields = client.get("/api/v1/custom-fields/", headers=headers).json()
    assert fields == [
        {
            "id": fields[0]["id"],
            "key": "product_area",
            "label": "Τομέας προϊόντος",
            "translations": {"label": {"en": "Product area", "fi": "Tuotealue", "el": "Τομέας προϊόντος"}},
            "type": "select",
            "target": "ticket",
            "choices": ["Web shop", "Payments"],
            "choice_labels": {"Web shop": "Web shop", "Payments": "Πληρωμές"},
            "choice_translations": {
                "Web shop": {"en": "Web shop"},
                "Payments": {"en": "Payments", "fi": "Maksut", "el": "Πληρωμές"},
            },
            "visible_in_portal": True,
            "required_in_portal": False,
        }
    ]
    statuses = client.get("/api/v1/statuses/", headers=headers).json()
    assert statuses[2] == {
        "id": TicketStatus.objects.get(name="Pending").pk,
        "name": "Σε αναμονή",
        "translations": {
            "name": {"en": "Pending", "fi": "Odottaa", "sv": "Väntande", "ru": "В ожидании", "el": "Σε αναμονή"}
        },
        "category": "pending",
        "position": 30,
        "is_default": True,
        "is_active": True,
    }
    teams = client.get("/api/v1/teams/", headers=headers).json()
    assert [(t["name"], t["translations"]) for t in teams] == [
        ("Billing", {"name": {"en": "Billing"}}),
        ("Υποστήριξη", {"name": {"en": "Support", "el": "Υποστήριξη"}}),
    ]
    english = client.get("/api/v1/custom-fields/", headers={**headers, "Accept-Language": "en"}).json()
    assert (english[0]["label"], english[0]["choice_labels"]["Payments"]) == ("Product area", "Payments")


def test_a_customer_missing_a_required_field_is_told_its_label_in_their_language(client: Client, world: Any) -> None:
    product_area(world, required_in_portal=True)
    response = client.post(
        "/api/v1/tickets/",
        {"subject": "Hi", "body": "Hello", "requester_email": "carl@acme.example"},
        content_type="application/json",
        headers={**token(world.customer_user), "Accept-Language": "fi"},
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Tuotealue on pakollinen."


def test_a_refused_custom_field_value_names_the_field_in_the_readers_language(client: Client, world: Any) -> None:
    product_area(world)
    ticket = world.ticket()
    response = client.patch(
        f"/api/v1/tickets/{ticket.pk}",
        {"custom_fields": {"product_area": "Moon base"}},
        content_type="application/json",
        headers={**token(world.agent), "Accept-Language": "el"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_field",
        "message": "Εισαγάγετε μια έγκυρη τιμή για το πεδίο Τομέας προϊόντος.",
        "field": "product_area",
    }


def test_a_bad_filter_on_a_custom_field_names_it_in_the_readers_language(client: Client, world: Any) -> None:
    product_area(world)
    headers = {**token(world.agent), "Accept-Language": "el"}
    response = client.get("/api/v1/tickets/?custom_fields.product_area=Moon", headers=headers)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Τομέας προϊόντος: ")
    found = client.get("/api/v1/tickets/?custom_fields.product_area=Payments", headers=headers)  # the stable value
    assert found.status_code == 200


def test_placeholders_use_the_site_address(world: Any, settings: Any) -> None:
    settings.SITE_URL = "https://support.example.com"
    ticket = world.ticket()
    assert placeholders.render("{{ticket.url}} {{ticket.portal_url}}", ticket) == (
        f"https://support.example.com/tickets/{ticket.pk}/ https://support.example.com/portal/tickets/{ticket.pk}/"
    )
