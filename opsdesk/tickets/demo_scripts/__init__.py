"""The demo's conversations, one module per language: for each topic the customer's question, the agent's reply
that answers it, and follow-ups that make sense, so that a seeded ticket reads like a real one.

Texts are plain text with placeholders: {name} the customer's first name (in Greek its vocative), {agent} the
agent's first name, {colleague} another agent's, {order} an order number, {tracking} a parcel's tracking code,
{amount} a sum of money. [[masculine|feminine]] is resolved by the gender of the person writing (Russian verbs
in the past tense agree with the speaker). `compile_language` turns them into (text, html) pairs once, so the
seeder only fills in the placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from opsdesk.core.html import html_to_text, text_to_html

LANGUAGES = ("en", "fi", "sv", "ru", "el")
# Topic key: (tag, has an order number, file the customer's opening carries, file the agent's last answer carries)
TOPICS: dict[str, tuple[str, bool, str | None, str | None]] = {
    "where_is_order": ("shipping", True, None, None),
    "double_charge": ("refund", True, "statement", None),
    "wrong_size": ("refund", True, None, None),
    "login": ("login", False, None, None),
    "invoice": ("invoice", True, None, "invoice"),
    "damaged": ("damaged", True, "photo", None),
    "cancel_subscription": ("subscription", False, None, None),
    "discount_code": ("discount", True, None, None),
    "broken_device": ("damaged", True, None, None),
    "change_address": ("shipping", True, None, None),
    "refund_status": ("refund", True, None, None),
}


@dataclass(frozen=True)
class Topic:
    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    quick: tuple[str, ...]  # an answer that solves it in one reply
    threads: tuple[tuple[str, str, str], ...]  # the agent asks or acts, the customer answers, the agent settles it
    note: str  # an internal note between colleagues


@dataclass(frozen=True)
class Long:
    """A long troubleshooting conversation: any ordered subset of `steps` reads as one."""

    subject: str
    opening: str  # carries a screenshot
    first: str  # the agent's first answer
    steps: tuple[tuple[str, str], ...]  # (the agent's suggestion, the customer's result)
    note_stuck: str  # the agent, to colleagues, before escalating
    escalate: str  # the agent tells the customer and asks for the app's log
    log: str  # the customer sends it (carries the log file)
    note_expert: str  # {colleague} answers in a note: the cause
    handover: str  # the colleague takes over (a note)
    fix: str  # the colleague gives the fix
    fixed: str  # the customer confirms
    closing: str  # the colleague closes


@dataclass(frozen=True)
class Script:
    """One language's texts, as written in its module."""

    greetings: tuple[str, ...]
    signoffs: tuple[str, ...]
    topics: dict[str, Topic]
    duplicate: tuple[str, ...]  # how a customer opens a second ticket about the same thing ({opening} follows)
    long: Long
    files: dict[str, str]  # the file names of the shared demo files, in this language
    amounts: tuple[str, ...]  # sums of money as this language writes them


Piece = tuple[str, str]  # (text, html) with placeholders; html built once with core.html.text_to_html
Gendered = tuple[Piece, Piece]  # masculine, feminine
_MARK = re.compile(r"\[\[([^|\]]*)\|([^\]]*)\]\]")


def piece(template: str) -> Gendered:
    """A template as (text, html) for a man and for a woman writing; the text is what html_to_text gives back,
    as the actions store it."""
    out = []
    for group in (1, 2):
        text = _MARK.sub(lambda m, g=group: m.group(g), template)  # type: ignore[misc]
        body = text_to_html(text)
        out.append((html_to_text(body), body))
    return out[0], out[1]


@dataclass(frozen=True)
class CompiledTopic:
    key: str
    tag: str
    has_order: bool
    opening_file: str | None
    closing_file: str | None
    subjects: tuple[str, ...]
    openings: tuple[Gendered, ...]
    quick: tuple[Gendered, ...]
    threads: tuple[tuple[Gendered, Gendered, Gendered], ...]
    note: Gendered


@dataclass(frozen=True)
class CompiledLong:
    subject: str
    opening: Gendered
    first: Gendered
    steps: tuple[tuple[Gendered, Gendered], ...]
    note_stuck: Gendered
    escalate: Gendered
    log: Gendered
    note_expert: Gendered
    handover: Gendered
    fix: Gendered
    fixed: Gendered
    closing: Gendered


@dataclass(frozen=True)
class Compiled:
    greetings: tuple[Gendered, ...]
    signoffs: tuple[Gendered, ...]
    topics: tuple[CompiledTopic, ...]
    duplicate: tuple[Gendered, ...]
    long: CompiledLong
    files: dict[str, str]
    amounts: tuple[str, ...]


def script(lang: str) -> Script:
    module = import_module(f"{__name__}.{lang}")
    value: Script = module.SCRIPT
    return value


@cache
def compile_language(lang: str) -> Compiled:
    s = script(lang)
    topics = []
    for key, (tag, has_order, opening_file, closing_file) in TOPICS.items():
        t = s.topics[key]
        topics.append(
            CompiledTopic(
                key=key,
                tag=tag,
                has_order=has_order,
                opening_file=opening_file,
                closing_file=closing_file,
                subjects=t.subjects,
                openings=tuple(piece(x) for x in t.openings),
                quick=tuple(piece(x) for x in t.quick),
                threads=tuple((piece(a), piece(b), piece(c)) for a, b, c in t.threads),
                note=piece(t.note),
            )
        )
    g = s.long
    long = CompiledLong(
        subject=g.subject,
        opening=piece(g.opening),
        first=piece(g.first),
        steps=tuple((piece(a), piece(b)) for a, b in g.steps),
        note_stuck=piece(g.note_stuck),
        escalate=piece(g.escalate),
        log=piece(g.log),
        note_expert=piece(g.note_expert),
        handover=piece(g.handover),
        fix=piece(g.fix),
        fixed=piece(g.fixed),
        closing=piece(g.closing),
    )
    return Compiled(
        greetings=tuple(piece(x) for x in s.greetings),
        signoffs=tuple(piece(x) for x in s.signoffs),
        topics=tuple(topics),
        duplicate=tuple(piece(x) for x in s.duplicate),
        long=long,
        files=s.files,
        amounts=s.amounts,
    )


def vocative(lang: str, first_name: str) -> str:
    """How a greeting addresses someone: Greek masculine names change (Γιώργος → Γιώργο, Δημήτρης → Δημήτρη,
    Κώστας → Κώστα); the other languages greet with the name as it is."""
    if lang == "el":
        for ending, replacement in (("ος", "ο"), ("ης", "η"), ("ας", "α")):
            if first_name.endswith(ending):
                return first_name[: -len(ending)] + replacement
    return first_name
