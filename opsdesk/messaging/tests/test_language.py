"""Language detection itself (messaging/language.py): exact answers on a fixed sample of the benchmark's corpus,
no guess on short or mixed texts, the customer's own words only, and never a detector in a web process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from opsdesk.messaging import language

ROOT = Path(__file__).resolve().parents[3]
CORPUS = json.loads((ROOT / "bench" / "data" / "language_paragraphs.json").read_text())


@pytest.fixture(scope="session")
def detector() -> Any:
    """Built once per test session (about a second); later tests reuse the process's detector."""
    return language.warm()


# Every fifth paragraph of each interface language, and the first of each other detected language: 26 texts.
SAMPLE = [
    (p["language"], p["text"])
    for lang in ("en", "fi", "sv", "ru", "el")
    for p in [q for q in CORPUS["paragraphs"] if q["language"] == lang][::5]
] + [
    (lang, next(p["text"] for p in CORPUS["paragraphs"] if p["language"] == lang))
    for lang in ("de", "fr", "es", "et", "da", "nb")
]


@pytest.mark.parametrize(("expected", "text"), SAMPLE, ids=[f"{lang}-{i}" for i, (lang, _t) in enumerate(SAMPLE)])
def test_paragraphs_are_detected_exactly(detector: Any, expected: str, text: str) -> None:
    found = language.detect(text)
    assert (found.language, found.reason) == (expected, "")
    assert found.confidence >= language.MIN_CONFIDENCE


def test_short_texts_give_no_language(detector: Any) -> None:
    found = [language.detect(text) for text in CORPUS["short"]]
    assert {(f.language, f.reason, f.confidence) for f in found} == {(None, "short", 0.0)}
    assert language.detect("Sain väärän koon.") == language.Detection(None, 0.0, "short")  # 14 letters
    assert language.detect("Tilasin M-kokoisen takin, mutta sain XL:n.").language == "fi"  # 31 letters


def test_mixed_texts_give_no_language(detector: Any) -> None:
    found = [language.detect(text) for text in CORPUS["mixed"]]
    assert [(f.language, f.reason) for f in found] == [(None, "mixed")] * len(CORPUS["mixed"])
    # One English sentence in a Greek message is not a mixed message.
    greek = next(p["text"] for p in CORPUS["paragraphs"] if p["language"] == "el")
    assert language.detect(greek + " Thank you so much for your help.").language == "el"


def test_uncertain_texts_give_no_language(detector: Any) -> None:
    found = language.detect("Hotel Taxi Radio Video Piano Pasta Pizza Banana")
    assert (found.language, found.reason) == (None, "uncertain")


def test_only_the_customers_own_words_are_read() -> None:
    raw = (
        "Hei, laskussa on virhe, katso https://example.com/lasku/123 tai kirjoita laskutus@example.fi.\n"
        "Tilausnumero 2025-0042-7781.\n"
        "Lähetetty iPhonesta\n"
        "-- \n"
        "Matti Meikäläinen, Example Oy\n"
    )
    assert language.customer_text(raw) == "Hei, laskussa on virhe, katso tai kirjoita Tilausnumero ."
    quoted = "Thanks, that works now.\n\nOn Mon, 3 Feb 2025 at 10:00, OpsDesk <support@example.com> wrote:\n> Hei!"
    assert language.customer_text(quoted) == "Thanks, that works now."
    outlook = "Kiitos!\n-----Original Message-----\nFrom: Support\nHello, we have refunded the order."
    assert language.customer_text(outlook) == "Kiitos!"
    assert language.customer_text("> only quoted\n> text") == ""
    # Raw text: an English quote under a Finnish "kiitos" is not English.
    assert language.detect("Kiitos!\n\nOn Mon, Anna wrote:\n> " + CORPUS["paragraphs"][0]["text"], raw=True) == (
        language.Detection(None, 0.0, "short")
    )


def test_an_unknown_configured_language_is_refused_clearly(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "_detector", None)
    settings.OPSDESK_DETECT_LANGUAGES = ["en", "xx"]
    with pytest.raises(ValueError, match="lingua has no language 'xx'"):
        language.warm()
    settings.OPSDESK_DETECT_LANGUAGES = ["en"]
    with pytest.raises(ValueError, match="at least two languages"):
        language.warm()


SERVE = """
import sys
import django
django.setup()
from django.test import Client
from opsdesk.tests.factories import build_world
from django.test.utils import setup_test_environment
from django.db import connection
setup_test_environment()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import opsdesk.urls, opsdesk.api  # every view, API router and app module
from opsdesk.messaging import language
world = build_world()
client = Client()
client.force_login(world.agent)
ticket = world.ticket(body="Γεια σας, η παραγγελία μου δεν έχει φτάσει ακόμα και έχουν περάσει δέκα μέρες.")
statuses = [client.get(path).status_code for path in ("/tickets/", f"/tickets/{ticket.pk}/", "/api/v1/docs")]
print(statuses, language.loaded(), sorted(m for m in sys.modules if m == "lingua" or m.startswith("lingua.")))
"""


def test_a_web_process_never_loads_the_detector(tmp_path: Path) -> None:
    """A fresh process (a web process's life): the app, its URLs and API imported, a ticket written in Greek,
    pages served: lingua is never imported, and the detector never built (detection is the worker's job)."""
    env = {**os.environ, "OPSDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "opsdesk.settings"}
    env.pop("DATABASE_URL", None)  # its own SQLite file: the pages run as in a fresh web process
    done = subprocess.run(
        [sys.executable, "-c", SERVE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[200, 200, 200] False []"


def test_the_worker_loads_the_models_when_it_starts(detector: Any, settings: Any) -> None:
    assert "messaging.language" in settings.OPSDESK_EVENT_CONSUMERS
    settings.HUEY._startup["load_language_models"]()
    assert language.loaded()


def test_hostile_text_is_read_quickly_and_only_its_start(detector: Any) -> None:
    """A message body may hold 200,000 characters; a pattern that backtracks over a line of "@" took minutes."""
    import time

    started = time.monotonic()
    assert language.detect("@" * 200_000, raw=True) == language.Detection(None, 0.0, "short")
    assert language.detect("x@y." * 50_000, raw=True).language is None
    assert language.customer_text("1 " * 100_000 + "-" * 100_000) == ""
    finnish = next(p["text"] for p in CORPUS["paragraphs"] if p["language"] == "fi")
    assert language.detect(finnish + "\n" + "@" * 200_000, raw=True).language == "fi"
    assert time.monotonic() - started < 5
