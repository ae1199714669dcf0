"""Render one templated email in the recipient's language, for the outbox (core/outbox.py) to send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation

from opsdesk.core.site import site_url


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body_text: str
    body_html: str


def _render_text(name: str, context: dict[str, Any]) -> str:
    """A plain-text template (a subject, a text part) without HTML escaping: a customer's "Can't log in & <reset>"
    must reach them as written, not as `Can&#x27;t log in &amp; &lt;reset&gt;`."""
    return engines["django"].get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def render_templated(template_prefix: str, *, language: str, context: dict[str, Any]) -> RenderedMail:
    """`template_prefix` names `<prefix>_subject.txt`, `<prefix>_body.txt` and `<prefix>_body.html`; only the HTML
    part is escaped."""
    with translation.override(language):
        ctx = {**context, "site_url": site_url()}
        return RenderedMail(
            subject=" ".join(_render_text(f"{template_prefix}_subject.txt", ctx).split()),
            body_text=_render_text(f"{template_prefix}_body.txt", ctx),
            body_html=render_to_string(f"{template_prefix}_body.html", ctx),
        )
