"""Names of the languages OpsDesk detects in customers' messages (messaging.language), in the reader's language.

The interface itself has five languages (settings.LANGUAGES, each named in its own language in the menus); a
customer may write in more (settings.OPSDESK_DETECT_LANGUAGES). The timeline and the filters name a detected
language in the reader's language: "Greek" for an English reader, "kreikka" for a Finnish one.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

NAMES: dict[str, Promise] = {
    "en": pgettext_lazy("language name", "English"),
    "fi": pgettext_lazy("language name", "Finnish"),
    "sv": pgettext_lazy("language name", "Swedish"),
    "ru": pgettext_lazy("language name", "Russian"),
    "el": pgettext_lazy("language name", "Greek"),
    "de": pgettext_lazy("language name", "German"),
    "fr": pgettext_lazy("language name", "French"),
    "es": pgettext_lazy("language name", "Spanish"),
    "et": pgettext_lazy("language name", "Estonian"),
    "da": pgettext_lazy("language name", "Danish"),
    "nb": pgettext_lazy("language name", "Norwegian Bokmål"),
}


def name(code: str | None) -> str:
    """The language's name in the active language; an unknown code is shown as it is."""
    if not code:
        return ""
    return str(NAMES.get(code, code))


def detectable() -> list[str]:
    """The ISO 639-1 codes detection chooses from, as configured (lower-case, each once, in the order given)."""
    return list(dict.fromkeys(code.strip().lower() for code in settings.OPSDESK_DETECT_LANGUAGES if code.strip()))


def choices() -> dict[str, str]:
    """Code -> name of every detectable language, for filters and forms."""
    return {code: name(code) for code in detectable()}
