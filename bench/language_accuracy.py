#!/usr/bin/env python3
"""Language detection (opsdesk/messaging/language.py): accuracy, fallbacks, speed and memory, as the worker runs it.

    python bench/language_accuracy.py

On bench/data/language_paragraphs.json (customer-service paragraphs written for this: the same twenty requests in
each interface language, four in each other detected language, short replies and mixed-language messages):

- accuracy per language on whole paragraphs and on their first sentences (a wrong language counts as a miss, no
  language as a fallback);
- the fallback rate on short replies and on mixed messages (both should give no language);
- detection without the letter limit on the paragraphs' first words, by letter count: how MIN_LETTERS was chosen;
- microseconds per `detect()` call, and the worker's RSS before and after building the detector with every model
  preloaded (the figure a worker process pays once).

Writes the `language_detection` entry of bench/results.json and prints a table for docs/performance.md.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.settings")
ENTRY = "language_detection"
REPEAT = 20  # timing passes over the corpus


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!;])\s", text)[0]


def main() -> int:
    import django

    django.setup()
    from django.conf import settings

    from opsdesk.messaging import language

    corpus = json.loads((ROOT / "bench" / "data" / "language_paragraphs.json").read_text())
    before = rss_mb()
    started = time.perf_counter()
    language.warm(preload=True)
    build_seconds = time.perf_counter() - started
    after = rss_mb()

    paragraphs = [(p["language"], p["text"]) for p in corpus["paragraphs"]]
    sentences = [(lang, first_sentence(text)) for lang, text in paragraphs]

    def score(rows: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        tally: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "right": 0, "wrong": 0, "none": 0})
        for expected, text in rows:
            found = language.detect(text).language
            counts = tally[expected]
            counts["n"] += 1
            counts["right" if found == expected else "none" if found is None else "wrong"] += 1
        return {
            lang: {**c, "accuracy": round(c["right"] / c["n"], 4), "fallback_rate": round(c["none"] / c["n"], 4)}
            for lang, c in tally.items()
        }

    by_paragraph = score(paragraphs)
    by_sentence = score(sentences)
    interface = [code for code, _name in settings.LANGUAGES]

    def overall(table: dict[str, dict[str, Any]], codes: list[str]) -> float:
        n = sum(table[c]["n"] for c in codes if c in table)
        return round(sum(table[c]["right"] for c in codes if c in table) / n, 4)

    short = [language.detect(text) for text in corpus["short"]]
    mixed = [language.detect(text) for text in corpus["mixed"]]
    short_fallback = sum(d.language is None for d in short) / len(short)
    mixed_fallback = sum(d.language is None for d in mixed) / len(mixed)

    # How MIN_LETTERS was chosen: detect() with the letter limit lifted, on each paragraph's first 1..8 words, by
    # letter count: right, no language (the confidence limits), wrong language.
    by_letters: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    limit, language.MIN_LETTERS = language.MIN_LETTERS, 1
    try:
        for expected, text in paragraphs:
            words = text.split()
            for n in range(1, 9):
                prefix = " ".join(words[:n])
                found = language.detect(prefix).language
                tally = by_letters[min(language.letters(prefix) // 5 * 5, 30)]
                tally[0] += 1
                tally[1 if found == expected else 2 if found is None else 3] += 1
    finally:
        language.MIN_LETTERS = limit
    without_letter_limit = {
        (f"{k}-{k + 4}" if k < 30 else "30+"): {
            "texts": n,
            "right": round(right / n, 4),
            "no_language": round(none / n, 4),
            "wrong": round(wrong / n, 4),
        }
        for k, (n, right, none, wrong) in sorted(by_letters.items())
    }

    def per_call(rows: list[str]) -> float:
        started = time.perf_counter()
        for _ in range(REPEAT):
            for text in rows:
                language.detect(text)
        return round((time.perf_counter() - started) / (REPEAT * len(rows)) * 1e6, 1)

    us_paragraph = per_call([t for _l, t in paragraphs])
    us_sentence = per_call([t for _l, t in sentences])
    us_short = per_call(corpus["short"])

    entry = {
        "name": ENTRY,
        "languages": list(dict.fromkeys(settings.OPSDESK_DETECT_LANGUAGES)),
        "paragraphs": len(paragraphs),
        "accuracy": {lang: v["accuracy"] for lang, v in by_paragraph.items()},
        "overall": overall(by_paragraph, list(by_paragraph)),
        "overall_interface_languages": overall(by_paragraph, interface),
        "first_sentence_accuracy": {lang: v["accuracy"] for lang, v in by_sentence.items()},
        "first_sentence_overall": overall(by_sentence, list(by_sentence)),
        "first_sentence_fallback_rate": round(sum(v["none"] for v in by_sentence.values()) / len(sentences), 4),
        "wrong_language": sum(v["wrong"] for v in by_paragraph.values())
        + sum(v["wrong"] for v in by_sentence.values()),
        "short_texts": len(short),
        "short_fallback_rate": round(short_fallback, 4),
        "mixed_texts": len(mixed),
        "mixed_fallback_rate": round(mixed_fallback, 4),
        "without_letter_limit_by_letters": without_letter_limit,
        "us_per_call": us_paragraph,
        "us_per_call_first_sentence": us_sentence,
        "us_per_call_short": us_short,
        "build_seconds": round(build_seconds, 2),
        "rss_mb": round(after - before, 1),
        "rss_mb_before": round(before, 1),
        "rss_mb_after": round(after, 1),
        "thresholds": {
            "min_letters": language.MIN_LETTERS,
            "min_confidence": language.MIN_CONFIDENCE,
            "min_margin": language.MIN_MARGIN,
            "mixed_share": language.MIXED_SHARE,
            "sentence_confidence": language.SENTENCE_CONFIDENCE,
        },
    }
    from bench.results import write_entry

    write_entry(entry)

    print("| Language | Paragraphs | Accuracy | First sentences | Accuracy | No language (sentence) |")
    print("|---|---|---|---|---|---|")
    for lang in by_paragraph:
        p, s = by_paragraph[lang], by_sentence[lang]
        print(
            f"| {lang} | {p['n']} | {p['accuracy']:.0%} | {s['n']} | {s['accuracy']:.0%} | {s['fallback_rate']:.0%} |"
        )
    print(
        f"\noverall {entry['overall']:.1%} (interface languages {entry['overall_interface_languages']:.1%}), "
        f"first sentences {entry['first_sentence_overall']:.1%}, wrong language {entry['wrong_language']}; "
        f"short -> no language {short_fallback:.0%}, mixed -> no language {mixed_fallback:.0%}"
    )
    print("\n| Letters | Texts | Right | No language | Wrong language |\n|---|---|---|---|---|")
    for label, row in without_letter_limit.items():
        print(f"| {label} | {row['texts']} | {row['right']:.1%} | {row['no_language']:.1%} | {row['wrong']:.1%} |")
    print(
        f"{us_paragraph} µs/paragraph, {us_sentence} µs/sentence, {us_short} µs/short text; "
        f"build {build_seconds:.2f} s; RSS {before:.0f} -> {after:.0f} MB (+{after - before:.0f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
