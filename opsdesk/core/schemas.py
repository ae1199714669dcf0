"""API schemas every app's router shares: the one error shape, and how translatable settings are described."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable machine code, a message in the caller's language, the field at fault if any."""

    code: str
    message: str
    field: str | None


ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 422, 429)}

# Translatable settings (ADR 0012): every setting's `translations` object.
TRANSLATIONS_DESCRIPTION = (
    "Each translatable field's text in every language that has one, the default language's included: "
    '{"name": {"en": "Pending", "el": "Σε αναμονή"}}. A language left out shows the default language\'s text.'
)
