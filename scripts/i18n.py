#!/usr/bin/env python3
"""Translations without GNU gettext at run time.

compile  write every locale's django.mo from its django.po (Babel), so a fresh machine needs no msgfmt
check    fail on a missing, fuzzy or untranslated entry, a msgstr equal to its English msgid, or a msgstr that calls
         a ticket by another word than the language's one (TICKET_WORDS); when xgettext is on the machine, also
         fail if the catalogues are out of step with the source (run `make messages`)
extract  run makemessages for every language (needs GNU gettext; a developer's step)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "opsdesk" / "locale"
LANGUAGES = ["fi", "sv", "ru", "el"]
ALL = ["en", *LANGUAGES]
# Words that are the same in a language as in English (product names, codes).
SAME_ALLOWED = {
    "OpsDesk",
    "API",
    "SLA",
    "CSV",
    "ID",
    "OK",
    "#",
    "Email",
    "—",
    "%(name)s",
    "{{ name }}",
    "SSL/TLS",
    "STARTTLS",
    "IMAP",
    "LMTP",
    "24/7",
    "%(minutes)d min",
}

# One word for "ticket" in each language (docs/development/translations.md): the word used, and the stems of the
# words it replaced, which a msgstr must not contain (matched case-insensitively anywhere in the text).
TICKET_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fi": ("tiketti", ("tukipyyn", "lipuk")),
    "sv": ("ärende", ("förfrågan", "biljett")),
    "ru": ("тикет", ("заявк",)),
    "el": ("αίτημα", ("δελτί",)),
}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def compile_all() -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for lang in ALL:
        po = po_path(lang)
        if not po.exists():
            print(f"missing catalogue {po}", file=sys.stderr)
            return 1
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
    print(f"compiled {len(ALL)} catalogues")
    return 0


def makemessages() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opsdesk.settings"}
    args = [
        sys.executable,
        str(ROOT / "manage.py"),
        "makemessages",
        "--no-location",
        "--no-obsolete",
        "--no-wrap",  # one line per message: small diffs, and the same layout the translators' tools write
        "-i",
        ".venv",
        "-i",
        ".tools",
        "-i",
        "e2e",
        "-i",
        "bench",
        "-i",
        "scripts",
    ]
    for lang in ALL:
        args += ["-l", lang]
    subprocess.run(args, cwd=ROOT / "opsdesk", env=env, check=True, capture_output=True)
    fill_english()


def fill_english() -> None:
    """English is the source language: its catalogue says each message as its msgid does."""
    import polib  # type: ignore[import-untyped]

    path = po_path("en")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    catalogue.metadata_is_fuzzy = False
    catalogue.metadata["Language"] = "en"
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(str(path))


def msgids(path: Path) -> set[str]:
    import polib

    return {e.msgid for e in polib.pofile(str(path)) if not e.obsolete}


def other_ticket_words(lang: str, path: Path) -> list[str]:
    """The entries of `path` whose translation calls a ticket by a word TICKET_WORDS refuses for `lang`."""
    import polib

    word, refused = TICKET_WORDS[lang]
    problems: list[str] = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        text = " ".join([entry.msgstr, *entry.msgstr_plural.values()]).casefold()
        for stem in refused:
            if stem in text:
                problems.append(f"{lang}: {entry.msgid[:70]!r} says {stem!r}…: a ticket is {word!r} in {lang}")
    return problems


def check() -> int:
    import polib

    problems: list[str] = []
    for lang in LANGUAGES:
        po = po_path(lang)
        if not po.exists():
            problems.append(f"{lang}: no catalogue at {po}")
            continue
        problems += other_ticket_words(lang, po)
        catalogue = polib.pofile(str(po))
        plurals = re.search(r"nplurals=(\d+)", catalogue.metadata.get("Plural-Forms", ""))
        nplurals = int(plurals.group(1)) if plurals else 2
        for entry in catalogue:
            if entry.obsolete:
                continue
            where = f"{lang}: {entry.msgid[:70]!r}"
            if "fuzzy" in entry.flags:
                problems.append(f"{where} is fuzzy")
            if entry.msgid_plural:
                forms = [v for _k, v in sorted(entry.msgstr_plural.items())]
                if len(forms) < nplurals or any(not f.strip() for f in forms):
                    problems.append(f"{where} has an untranslated plural form (it needs {nplurals})")
            elif not entry.msgstr.strip():
                problems.append(f"{where} is untranslated")
            elif entry.msgstr == entry.msgid and entry.msgid not in SAME_ALLOWED:
                problems.append(f"{where} is left equal to the English")
    if shutil.which("xgettext"):
        originals = {lang: po_path(lang).read_bytes() for lang in ALL if po_path(lang).exists()}
        before = {lang: msgids(po_path(lang)) for lang in originals}
        try:
            makemessages()
            after = {lang: msgids(po_path(lang)) for lang in ALL}
        finally:
            for lang, data in originals.items():
                po_path(lang).write_bytes(data)
        for lang in ALL:
            missing = after[lang] - before.get(lang, set())
            for msgid in sorted(missing)[:10]:
                problems.append(f"{lang}: {msgid[:70]!r} is in the source but not in the catalogue (make messages)")
    else:
        print("xgettext not found: checked the catalogues, not whether they match the source")
    for line in problems[:200]:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problems", file=sys.stderr)
        return 1
    print("translations complete for " + ", ".join(LANGUAGES))
    return 0


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "compile":
        return compile_all()
    if command == "check":
        return check()
    if command == "extract":
        makemessages()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
