"""Render and send one email in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(
    template_prefix: str, *, to: str, language: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """`template_prefix` names `<prefix>_subject.txt`, `<prefix>_body.txt` and `<prefix>_body.html`."""
    with translation.override(language):
        ctx = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).split())
        text = render_to_string(f"{template_prefix}_body.txt", ctx)
        html = render_to_string(f"{template_prefix}_body.html", ctx)
    mail = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    mail.attach_alternative(html, "text/html")
    mail.send()
