"""Custom fields: typed fields admins add to tickets or customers. Both apps store values in their own JSON and
check them here, so neither imports the other for them (the call direction in docs/architecture.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.translations import Translatable, Translated, missing, other_languages, pick, translations_field


class CustomField(Translatable):
    """A typed field admins add to tickets or customers; values live in the owner's `custom_fields` JSON.

    Its label is translatable. A drop-down's `choices` are stable values (what the JSON stores, the API and the
    filters use), each shown as itself in the default language; `choice_translations` labels them in the others:
    {"Web shop": {"fi": "Verkkokauppa"}}."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHECKBOX = "checkbox", _("Checkbox")
        SELECT = "select", _("Drop-down")

    class Target(models.TextChoices):
        TICKET = "ticket", _("Ticket")
        CUSTOMER = "customer", _("Customer")

    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    label_translations = translations_field(_("label in other languages"))
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    target = models.CharField(_("applies to"), max_length=10, choices=Target.choices, default=Target.TICKET)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choice_translations = models.JSONField(_("choice labels in other languages"), default=dict, blank=True)
    visible_in_portal = models.BooleanField(_("shown in the portal"), default=False)
    required_in_portal = models.BooleanField(_("required in the portal"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    display_label = Translated("label")

    class Meta:
        db_table = "tickets_customfield"  # created by the tickets app, which owned the model before (ADR 0013)
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["target", "key"], name="custom_field_key_once")]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.display_label

    def get_settings_url(self) -> str:
        return reverse("ticket_settings:custom_field_edit", args=[self.pk])

    def choice_label(self, value: str, language: str | None = None) -> str:
        """A drop-down value as the reader sees it: its label in their language, else the value itself."""
        return pick(value, (self.choice_translations or {}).get(value), language)

    def choice_options(self) -> list[tuple[str, str]]:
        """(value, label) for each choice, in the admin's order: what a drop-down offers."""
        return [(value, self.choice_label(value)) for value in self.choices]

    def display_value(self, value: Any) -> str:
        """A stored value as pages show it: a drop-down's label, "yes"/"no" for a checkbox, else the value."""
        if value is None or value == "":
            return "—"
        if self.type == self.Type.SELECT and isinstance(value, str):
            return self.choice_label(value)
        if self.type == self.Type.CHECKBOX:
            return str(_("yes") if value else _("no"))
        return str(value)

    def missing_languages(self) -> list[str]:
        gaps = set(super().missing_languages())
        if self.type == self.Type.SELECT:
            gaps |= {code for value in self.choices for code in missing((self.choice_translations or {}).get(value))}
        return [code for code in other_languages() if code in gaps]


def custom_field_rows(values: dict[str, Any], definitions: list[CustomField]) -> list[tuple[str, str]]:
    """(label, value) for each stored custom field value, in the definitions' order and the reader's language;
    a value whose definition is gone shows under its key."""
    by_key = {definition.key: definition for definition in definitions}
    rows = [(d.display_label, d.display_value(values[d.key])) for d in definitions if d.key in values]
    rows += [(key, "—" if value in (None, "") else str(value)) for key, value in values.items() if key not in by_key]
    return rows
