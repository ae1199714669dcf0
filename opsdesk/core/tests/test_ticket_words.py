"""One word for "ticket" in each language: the catalogues use it throughout, and `scripts/i18n.py check` refuses a
translation that brings back a word it replaced (Greek "δελτίο", Russian "заявка", Swedish "förfrågan")."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


def i18n_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["fi", "sv", "ru", "el"])
def test_each_catalogue_calls_a_ticket_by_one_word(lang: str) -> None:
    script = i18n_script()
    assert script.other_ticket_words(lang, script.po_path(lang)) == []


def test_the_check_names_the_entry_that_uses_another_word(tmp_path: Path) -> None:
    script = i18n_script()
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "New ticket"\nmsgstr "Νέο Δελτίο"\n\n'
        'msgid "Tickets"\nmsgstr "Αιτήματα"\n\n'
        'msgid "%(n)d ticket updated."\nmsgid_plural "%(n)d tickets updated."\n'
        'msgstr[0] "Ενημερώθηκε %(n)d αίτημα."\nmsgstr[1] "Ενημερώθηκαν %(n)d δελτία."\n',
        encoding="utf-8",
    )
    assert script.other_ticket_words("el", po) == [
        "el: 'New ticket' says 'δελτί'…: a ticket is 'αίτημα' in el",
        "el: '%(n)d ticket updated.' says 'δελτί'…: a ticket is 'αίτημα' in el",
    ]
    ru = tmp_path / "ru.po"
    ru.write_text('msgid ""\nmsgstr ""\n\nmsgid "This ticket"\nmsgstr "Эта Заявка"\n', encoding="utf-8")
    assert script.other_ticket_words("ru", ru) == ["ru: 'This ticket' says 'заявк'…: a ticket is 'тикет' in ru"]
