"""Words that mean different things in different places get their own msgid (with a context), and names stand
where no case ending is needed (issue 13's review: "μέσω Διεύθυνση email", "Ответ для Наталья Иванова")."""

from __future__ import annotations

import re
from pathlib import Path

import polib  # type: ignore[import-untyped,unused-ignore]
import pytest
from django.utils import translation
from django.utils.translation import gettext

from opsdesk.tickets.models import Ticket

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_a_channels_name_is_another_msgid_than_the_email_label() -> None:
    with translation.override("el"):
        assert gettext("Email") == "Διεύθυνση email"  # the form label: an email address
        assert Ticket(channel="email").get_channel_display() == "Email"  # the channel
        created = gettext("Ticket created via %(channel)s") % {"channel": Ticket(channel="email").get_channel_display()}
        assert created == "Το αίτημα δημιουργήθηκε μέσω του καναλιού «Email»"
    with translation.override("fi"):
        assert Ticket(channel="chat").get_channel_display() == "Chatti"


def test_every_channel_name_has_the_channel_context() -> None:
    catalogue = polib.pofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.po"))
    with_context = {e.msgid for e in catalogue if e.msgctxt == "channel"}
    assert with_context >= {"Email", "Web form", "Portal", "Chat", "Phone", "API", "Agent"}


# A placeholder for a name right after a word that governs a case: the name cannot take the ending.
GOVERNED = {
    "ru": re.compile(r"(?:^|\s)(?:для|от|к|у|о|об|через|по|с|со)\s+%\(\w+\)s"),
    "el": re.compile(r"(?:^|\s)(?:μέσω|από|για|προς|με|στον|στην|στο|τον|την|του|της|ο/η|Ο/Η)\s+%\(\w+\)s"),
    "fi": re.compile(r"%\(\w+\)s:(?:n|lle|lta|ltä|ssa|ssä|sta|stä|een|na|nä)\b"),
}
# Placeholders that are numbers, codes or addresses (which do not decline) are fine after such a word.
NOT_NAMES = frozenset(
    [
        "a",
        "b",
        "n",
        "count",
        "counter",
        "number",
        "min",
        "max",
        "mb",
        "size",
        "limit",
        "value",
        "uid",
        "time",
        "minutes",
        "delay",
        "wait",
        "days",
        "day",
        "address",
        "addresses",
        "email",
        "to",
        "field",
        "start",  # dates
        "end",
        "expires",
    ]
)


@pytest.mark.parametrize("lang", sorted(GOVERNED))
def test_no_name_stands_where_it_would_need_a_case_ending(lang: str) -> None:
    catalogue = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    found = []
    for entry in catalogue:
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for match in GOVERNED[lang].finditer(text or ""):
                name = re.search(r"%\((\w+)\)s", match.group(0))
                if name and name.group(1) not in NOT_NAMES:
                    found.append((entry.msgid, text))
    assert found == []
