"""Which language a customer wrote in: lingua, limited to the configured languages (no ORM; ADR 0019).

- **Built once per process, lazily**, on the first `detect()`: importing this module does not import lingua. The
  worker builds it at start-up with every language model preloaded (`warm(preload=True)`, from the messaging app's
  huey start-up hook), so no job waits for a model; any other process that detects (a test, a one-off command)
  loads each model when a text first needs it. Web processes never detect: detection is the `messaging.language`
  event consumer's work, which runs in the worker (the models cost about 30 MB a language; all of lingua's about 1 GB).
- **No guessing**: `detect()` answers no language for a text with fewer than MIN_LETTERS letters, for a text in
  two languages (sentences in the second one hold at least MIXED_SHARE of its letters), and when the most likely
  language's confidence is under MIN_CONFIDENCE (or not MIN_MARGIN ahead of the next). The values were chosen by
  measurement on bench/data/language_paragraphs.json (bench/language_accuracy.py, docs/performance.md).
- `customer_text()` strips what the customer did not write in their own words (quoted replies, signatures,
  URLs, addresses, long numbers) from raw text; the email parser separates quoted text itself, so this is light.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Fewer letters than this (after customer_text) is too short to tell: "ok", "Thanks!", "Kiitos!", "Спасибо!".
MIN_LETTERS = 20
# The most likely language's share of lingua's confidence values (they add up to 1 over the configured languages).
MIN_CONFIDENCE = 0.5
# ...and how far ahead of the second it must be (Danish and Norwegian Bokmål are close cousins).
MIN_MARGIN = 0.2
# A second language in sentences covering this share of the letters makes a text mixed (each sentence is judged on
# its own when it has MIN_LETTERS letters or more, and counts when lingua gives it SENTENCE_CONFIDENCE or more).
MIXED_SHARE = 0.3
MIXED_MIN_LETTERS = 2 * MIN_LETTERS
SENTENCE_CONFIDENCE = 0.8
# Only the start of a long message is read: the language does not change after it, and time grows with length.
MAX_CHARS = 600

# Why no language was given (the event's `fallback`).
SHORT, MIXED, UNCERTAIN = "short", "mixed", "uncertain"


@dataclass(frozen=True)
class Detection:
    """`language`: an ISO 639-1 code, or None with `reason` saying why. `confidence`: lingua's value for the
    language given (for None, the most likely language's; 0.0 for a text too short to try)."""

    language: str | None
    confidence: float
    reason: str = ""


_lock = threading.Lock()
_detector: LanguageDetector | None = None
_preloaded = False
_codes: dict[Any, str] = {}


def loaded() -> bool:
    """Whether this process has built the detector (a web process never should)."""
    return _detector is not None


def preloaded() -> bool:
    """Whether this process is one that detects as part of its work: the worker, which preloads every model at start
    (`warm(preload=True)`). Other processes that happened to detect once (a command, a test) do not count."""
    return _preloaded


def preload_for_worker() -> None:
    """The worker reads every language model once, before it starts its threads (OPSDESK_WORKER_PRELOAD), when the
    `messaging.language` consumer is on."""
    if "messaging.language" in settings.OPSDESK_EVENT_CONSUMERS:
        warm(preload=True)


def warm(*, preload: bool = False) -> LanguageDetector:
    """The process's detector, built on the first call from settings.OPSDESK_DETECT_LANGUAGES; with `preload`,
    every language model is read into memory now (the worker), else each as a text first needs it."""
    global _detector, _preloaded
    with _lock:
        if _detector is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            languages = []
            for code in dict.fromkeys(c.strip().lower() for c in settings.OPSDESK_DETECT_LANGUAGES if c.strip()):
                try:
                    language = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                except AttributeError:
                    raise ValueError(f"OPSDESK_DETECT_LANGUAGES: lingua has no language {code!r}") from None
                languages.append(language)
                _codes[language] = code
            if len(languages) < 2:
                raise ValueError("OPSDESK_DETECT_LANGUAGES needs at least two languages.")
            builder = LanguageDetectorBuilder.from_languages(*languages)
            if preload:
                builder = builder.with_preloaded_language_models()
            _detector = builder.build()
            _preloaded = preload
        return _detector


# --- the customer's own words ------------------------------------------------------------------------------------

# Read at most this much of a raw message (bodies may hold 200,000 characters): the customer's words come first.
MAX_RAW_CHARS = 10_000
_LINK_PREFIXES = ("http://", "https://", "ftp://", "www.", "mailto:")
_NUMBERS = re.compile(r"[#+]?\d[\d\s./:-]{3,}\d")  # order numbers, phone numbers, dates
# "On Mon, 3 Feb 2025, Anna <a@b.fi> wrote:" and the same in the detected languages.
_ATTRIBUTION = re.compile(
    r"^.{0,200}\b(wrote|kirjoitti|skrev|написал|написала|написал\(а\)|έγραψε|schrieb|a écrit|escribió|kirjutas)"
    r"\b.{0,40}:\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"^\s*(-{2,}\s*(original message|alkuperäinen viesti|ursprungligt meddelande|исходное сообщение|"
    r"αρχικό μήνυμα|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_SENT_FROM = re.compile(
    r"^\s*(sent from my|lähetetty|skickat från|отправлено с|στάλθηκε από|von meinem|envoyé de mon|enviado desde)\b",
    re.IGNORECASE,
)


def customer_text(raw: str) -> str:
    """The part of `raw` the customer wrote: up to a quoted reply's attribution line or separator, or the
    signature delimiter ("-- "); without quoted lines ("> ..."), "Sent from my phone" lines, URLs, email
    addresses and long numbers; whitespace collapsed."""
    kept: list[str] = []
    for line in (raw or "")[:MAX_RAW_CHARS].splitlines():
        stripped = line.strip()
        if line.rstrip("\r") in ("-- ", "--") or _SEPARATORS.match(line) or _ATTRIBUTION.match(stripped):
            break
        if stripped.startswith(">") or _SENT_FROM.match(stripped):
            continue
        kept.append(line)
    # Word by word, not with a pattern: "\S+@\S+" backtracks for minutes over a line of a thousand "@".
    words = [w for w in " ".join(kept).split() if not _is_address(w)]
    return " ".join(_NUMBERS.sub(" ", " ".join(words)).split())


def _is_address(word: str) -> bool:
    """A URL or an email address (something@somewhere.tld), which tells nothing of the writer's language."""
    if word.lower().lstrip("<(\"'").startswith(_LINK_PREFIXES):
        return True
    _name, at, domain = word.partition("@")
    return bool(at) and "." in domain


def letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")

# --- detection ---------------------------------------------------------------------------------------------------


def detect(text: str, *, raw: bool = False) -> Detection:
    """The language of `text`, or None with the reason (SHORT, MIXED, UNCERTAIN). With `raw`, the text is first
    reduced to the customer's own words (customer_text)."""
    if raw:
        text = customer_text(text)
    text = text[:MAX_CHARS]
    if letters(text) < MIN_LETTERS:
        return Detection(None, 0.0, SHORT)
    detector = warm()
    values = detector.compute_language_confidence_values(text)
    if not values:
        return Detection(None, 0.0, UNCERTAIN)
    best = values[0]
    second = values[1].value if len(values) > 1 else 0.0
    if best.value < MIN_CONFIDENCE or best.value - second < MIN_MARGIN:
        return Detection(None, round(best.value, 4), UNCERTAIN)
    if letters(text) >= MIXED_MIN_LETTERS and _mixed(detector, text):
        return Detection(None, round(best.value, 4), MIXED)
    return Detection(_codes[best.language], round(best.value, 4))


def _mixed(detector: LanguageDetector, text: str) -> bool:
    """Whether a second language covers at least MIXED_SHARE of the letters of the sentences lingua is sure of.

    Sentence by sentence (each of MIN_LETTERS letters or more, at SENTENCE_CONFIDENCE or more): lingua's own
    `detect_multiple_languages_of` splits monolingual Swedish, Danish and even English paragraphs into two-word
    sections of cousin languages (measured: 38 of 124 paragraphs split, 5 of them would have been called mixed)."""
    counted = [(sentence, letters(sentence)) for sentence in _SENTENCES.split(text)]
    sentences = [(sentence, count) for sentence, count in counted if count >= MIN_LETTERS]
    if len(sentences) < 2:
        return False
    found: dict[Any, int] = {}
    for sentence, count in sentences:
        values = detector.compute_language_confidence_values(sentence)
        if values and values[0].value >= SENTENCE_CONFIDENCE:
            found[values[0].language] = found.get(values[0].language, 0) + count
    if len(found) < 2:
        return False
    return sorted(found.values(), reverse=True)[1] / sum(found.values()) >= MIXED_SHARE
