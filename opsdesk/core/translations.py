"""Settings text that administrators type and customers or agents read, in each of the five languages (ADR 0012).

A translatable setting keeps its text in the default language (`settings.LANGUAGE_CODE`) in its own column, which
SQL sorts, filters and keeps unique exactly as before, and the other languages in a JSON column beside it:

    name = "Pending"                                     the default language's text, required
    name_translations = {"fi": "Odottaa", "el": "Σε αναμονή"}   the others, each optional

Reading picks the active language (the signed-in user's; the customer's in the portal and in mails, which render
inside `translation.override`) and falls back to the default language's text. A model opts in by inheriting
`Translatable` and naming its accessors: `display_name = Translated("name")`. Every such model is listed on the
administrator's "Untranslated entries" page, which asks each row for `missing_languages()` and
`get_settings_url()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar, overload

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from opsdesk.core.errors import ActionError

Translations = dict[str, str]
T = TypeVar("T")


def language_codes() -> list[str]:
    """The five languages, in the order settings.LANGUAGES gives them."""
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """A language's own name ("Ελληνικά"), as the language menus show it."""
    return dict(settings.LANGUAGES).get(code, code)


def default_language() -> str:
    """The language of the settings' own columns, and the fallback for every other language."""
    return settings.LANGUAGE_CODE.split("-")[0].lower()


def other_languages() -> list[str]:
    default = default_language()
    return [code for code in language_codes() if code != default]


def active_language() -> str:
    code = (get_language() or "").split("-")[0].lower()
    return code if code in language_codes() else default_language()


def pick(default_text: str, translations: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (else the active language), or the default language's text when it has none."""
    code = language or active_language()
    if translations and code != default_language():
        text = translations.get(code)
        if text:
            return text
    return default_text


def texts(default_text: str, translations: Mapping[str, str] | None) -> Translations:
    """Every language that has text, the default language included, in settings.LANGUAGES order."""
    out = {default_language(): default_text} if default_text else {}
    for code in other_languages():
        if text := (translations or {}).get(code):
            out[code] = text
    return {code: out[code] for code in language_codes() if code in out}


def missing(translations: Mapping[str, str] | None) -> list[str]:
    """The languages other than the default that have no text of their own."""
    return [code for code in other_languages() if not (translations or {}).get(code)]


def clean(values: Mapping[str, Any] | None, *, field: str, max_length: int, multiline: bool = False) -> Translations:
    """Check translations before they are stored: known languages other than the default, text, at most
    `max_length` characters. Blank entries are dropped (that language falls back). Errors name `<field>_<code>`,
    the input of that language on the settings forms (`core.forms.add_action_error` names the language)."""
    out: Translations = {}
    allowed = other_languages()
    for code, raw in (values or {}).items():
        if code not in allowed:
            raise ActionError(
                "invalid_language",
                _("Translations are for these languages: %(codes)s.") % {"codes": ", ".join(allowed)},
                field=field,
                status=422,
            )
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise ActionError(
                "invalid_translation",
                _("Enter text."),
                field=f"{field}_{code}",
                status=422,
            )
        text = (raw if raw.strip() else "") if multiline else " ".join(raw.split())
        if len(text) > max_length:
            raise ActionError(
                "translation_too_long",
                _("Use at most %(n)d characters.") % {"n": max_length},
                field=f"{field}_{code}",
                status=422,
            )
        if text:
            out[code] = text
    return {code: out[code] for code in allowed if code in out}


def check_unique(
    field: str, text: str, translations: Mapping[str, str], others: Iterable[Translatable], message: str
) -> None:
    """Refuse a text that another row already shows in the same language: two statuses both called "Σε αναμονή"
    in Greek would be told apart by nobody. `others` are the other rows of the same model."""
    mine = {code: pick(text, translations, code).casefold() for code in language_codes()}
    for other in others:
        for code in language_codes():
            if other.translated(field, code).casefold() == mine[code]:
                raise ActionError(
                    "name_taken",
                    message,
                    field=field if code == default_language() or code not in translations else f"{field}_{code}",
                )


class Translated:
    """`display_name = Translated("name")`: the field's text in the active language, else the default language's.

    Declaring it registers the field in the model's `translated_fields`; the model needs a JSON column
    `<field>_translations` beside the field (make it with `translations_field()`)."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __set_name__(self, owner: type, name: str) -> None:
        owner.translated_fields = (*getattr(owner, "translated_fields", ()), self.field)  # type: ignore[attr-defined]

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Translated: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Translated | str:
        if obj is None:
            return self
        return pick(getattr(obj, self.field), getattr(obj, f"{self.field}_translations"))


def translations_field(verbose_name: Any = None) -> models.JSONField[Any, Any]:
    """The JSON column beside a translatable field: {"fi": "...", "el": "..."}, empty by default."""
    return models.JSONField(verbose_name or gettext_lazy("translations"), default=dict, blank=True)


class Translatable(models.Model):
    """A setting with text in several languages; see the module docstring."""

    translated_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        return pick(getattr(self, field), getattr(self, f"{field}_translations"), language)

    def texts(self, field: str) -> Translations:
        """Every language's text of `field` that is filled in, the default language's included."""
        return texts(getattr(self, field), getattr(self, f"{field}_translations"))

    def missing_languages(self) -> list[str]:
        """The languages that fall back to the default language somewhere in this setting."""
        gaps = {code for field in self.translated_fields for code in missing(getattr(self, f"{field}_translations"))}
        return [code for code in other_languages() if code in gaps]

    def get_settings_url(self) -> str:
        """The administrator's page that edits this setting's languages. Each model names its own edit page (a test
        checks every translatable model does); the settings page is the way there otherwise."""
        return reverse("ticket_settings:settings_index")


def translatable_models() -> list[type[Translatable]]:
    """Every installed model with translatable text: what the "Untranslated entries" page walks."""
    found = [model for model in apps.get_models() if issubclass(model, Translatable) and model.translated_fields]
    return sorted(found, key=lambda model: str(model._meta.verbose_name_plural))


def sort_translated(objects: Iterable[T], key: Any) -> list[T]:
    """Rows sorted by the text the reader sees (`key(obj)`), case-insensitively: the database sorts only the
    default language's column."""
    return sorted(objects, key=lambda obj: str(key(obj)).casefold())
