"""Names and short texts typed into workforce forms, checked once: NUL bytes removed (PostgreSQL refuses them where
SQLite stores them), surrounding space trimmed, a length limit named by the field."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opsdesk.core.errors import invalid_input


def clean(raw: str | None, *, field: str = "name", limit: int = 100, required: bool = True) -> str:
    text = (raw or "").replace("\x00", "").strip()
    if required and not text:
        raise invalid_input(field, _("Enter a name."))
    if len(text) > limit:
        raise invalid_input(field, _("Use at most %(n)d characters.") % {"n": limit})
    return text
