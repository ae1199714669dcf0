"""Web forms: a contact form per team that a website embeds (an iframe inserted by one script tag), whose
submissions become tickets through the one intake with channel "web"."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.translations import Translatable, Translated, translations_field


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


class WebForm(Translatable):
    """A public form: its title and thank-you text in the five languages, the team its tickets go to, the language
    it is shown in (empty: the visitor's), the ticket custom fields it asks for beyond subject, description, name and
    email (`fields`: [{"key": "order", "required": true}, ...] in the order shown), and the websites allowed to
    embed it (`allowed_origins`: ["https://www.example.com"], the CSP frame-ancestors of its pages)."""

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("public key"), max_length=32, unique=True, default=new_form_key)
    title = models.CharField(_("title"), max_length=200)
    title_translations = translations_field()
    success_message = models.TextField(_("message after sending"), max_length=2000)
    success_message_translations = translations_field()
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    fields = models.JSONField(_("custom fields"), default=list, blank=True)
    allowed_origins = models.JSONField(_("websites allowed to embed it"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    display_title = Translated("title")
    display_success_message = Translated("success_message")

    class Meta:
        ordering: ClassVar = ["name", "id"]
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")

    def __str__(self) -> str:
        return self.name

    def get_settings_url(self) -> str:
        return reverse("channel_settings:webform_edit", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("webforms:webform_public", args=[self.key])

    def field_specs(self) -> list[dict[str, Any]]:
        """The chosen custom fields as stored: key and required flag, in order."""
        return [dict(spec) for spec in self.fields or [] if isinstance(spec, dict) and spec.get("key")]
