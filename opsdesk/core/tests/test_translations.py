"""The translatable-settings helper (ADR 0012): picking a language with fallback, checking translations, and the
form field that shows the five languages side by side. Real settings: tickets/tests/test_translated_settings.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation

from opsdesk.core import translations
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import ChoiceTranslationsField, TranslatedForm, TranslatedTextField, add_action_error


def test_pick_uses_the_language_asked_for_then_the_active_one_and_falls_back_to_the_default() -> None:
    names = {"fi": "Odottaa", "el": "Σε αναμονή"}
    assert translations.pick("Pending", names, "el") == "Σε αναμονή"
    assert translations.pick("Pending", names, "sv") == "Pending"  # no Swedish: the default language's text
    assert translations.pick("Pending", names, "en") == "Pending"
    assert translations.pick("Pending", {"en": "Ignored"}, "en") == "Pending"  # the column is the default's text
    assert translations.pick("Pending", {"el": ""}, "el") == "Pending"
    assert translations.pick("Pending", None, "el") == "Pending"
    with translation.override("fi"):
        assert translations.pick("Pending", names) == "Odottaa"
    with translation.override("el-gr"):
        assert translations.active_language() == "el"
        assert translations.pick("Pending", names) == "Σε αναμονή"
    with translation.override("de"):  # not one of the five: the default language
        assert translations.active_language() == "en"
        assert translations.pick("Pending", names) == "Pending"


def test_texts_and_missing_list_the_languages_in_settings_order() -> None:
    names = {"el": "Σε αναμονή", "fi": "Odottaa", "sv": ""}
    assert list(translations.texts("Pending", names).items()) == [
        ("en", "Pending"),
        ("fi", "Odottaa"),
        ("el", "Σε αναμονή"),
    ]
    assert translations.missing(names) == ["sv", "ru"]
    assert translations.missing(None) == ["fi", "sv", "ru", "el"]


def test_clean_keeps_known_languages_trims_and_drops_blanks() -> None:
    cleaned = translations.clean({"el": "  Σε   αναμονή ", "fi": "   ", "sv": None}, field="name", max_length=60)
    assert cleaned == {"el": "Σε αναμονή"}
    body = translations.clean({"fi": "Hei,\n\nkiitos. "}, field="body", max_length=100, multiline=True)
    assert body == {"fi": "Hei,\n\nkiitos. "}  # a text keeps its lines (and the space the agent types after)
    assert translations.clean(None, field="name", max_length=60) == {}


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"en": "Pending"}, "invalid_language", "name"),  # the default language's text is the column itself
        ({"de": "Wartend"}, "invalid_language", "name"),
        ({"el": 5}, "invalid_translation", "name_el"),
        ({"ru": "я" * 61}, "translation_too_long", "name_ru"),
    ],
)
def test_clean_refuses_what_the_database_would_store_wrongly(values: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ActionError) as error:
        translations.clean(values, field="name", max_length=60)
    assert (error.value.code, error.value.field, error.value.status) == (code, field, 422)


class NameForm(TranslatedForm):
    name = TranslatedTextField(label="Name", max_length=10)


def test_the_five_language_field_cleans_into_the_actions_arguments() -> None:
    form = NameForm({"name": " Pending ", "name_el": "Σε αναμονή", "name_fi": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Pending", "name_translations": {"el": "Σε αναμονή"}}


def test_the_five_language_field_needs_the_default_language_and_names_the_language_at_fault() -> None:
    only_greek = NameForm({"name": "", "name_el": "Σε αναμονή"})
    assert not only_greek.is_valid()
    assert only_greek.errors == {"name": ["Fill in English: the other languages fall back to it."]}
    too_long = NameForm({"name": "Pending", "name_ru": "я" * 11})
    assert not too_long.is_valid()
    assert too_long.errors == {"name": ["Русский: use at most 10 characters."]}
    html = str(too_long["name"])
    assert html.count('aria-invalid="true"') == 1  # the Russian input alone is marked
    assert 'name="name_ru" value="яяяяяяяяяяя" lang="ru" maxlength="10" id="id_name_3" aria-invalid="true"' in html
    empty = NameForm({})
    assert not empty.is_valid()
    assert empty.errors == {"name": ["This field is required."]}


def test_the_five_language_field_renders_a_labelled_input_per_language() -> None:
    html = str(NameForm(initial={"name": {"en": "Pending", "el": "Σε αναμονή"}})["name"])
    assert html.count("<input") == 5
    assert '<label for="id_name_0">English (default)</label>' in html
    assert '<label for="id_name_4">Ελληνικά</label>' in html
    assert 'name="name" value="Pending"' in html
    assert 'name="name_el" value="Σε αναμονή"' in html
    assert 'lang="el"' in html
    assert html.count(" required") == 1  # only the default language's input


def test_an_action_error_on_one_language_lands_on_its_field_with_the_language_named() -> None:
    form = NameForm({"name": "Pending"})
    form.is_valid()
    add_action_error(form, ActionError("name_taken", "A status with this name exists already.", field="name_el"))
    add_action_error(form, ActionError("other", "Something else.", field="nowhere"))
    assert form.errors == {
        "name": ["Ελληνικά: A status with this name exists already."],
        "__all__": ["Something else."],
    }
    assert 'name="name_el" lang="el" maxlength="10" id="id_name_4" aria-invalid="true"' in str(form["name"])


def test_choice_labels_keep_to_their_values_when_choices_are_reordered() -> None:
    class ChoicesForm(forms.Form):
        labels = ChoiceTranslationsField(["Web", "App"])

    html = str(ChoicesForm(initial={"labels": {"App": {"el": "Εφαρμογή"}}})["labels"])
    assert '<input type="hidden" name="labels_1" value="App">' in html
    assert 'name="labels_1_el" value="Εφαρμογή" lang="el"' in html
    form = ChoicesForm({"labels_0": "App", "labels_0_el": " Εφαρμογή ", "labels_1": "Web", "labels_1_fi": "Verkko"})
    assert form.is_valid()
    assert form.cleaned_data["labels"] == {"App": {"el": "Εφαρμογή"}, "Web": {"fi": "Verkko"}}
